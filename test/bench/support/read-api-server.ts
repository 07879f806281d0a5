import { startApiServer } from '../../../infra/local/api-server';
import type { RunningServer } from '../../../infra/local/http-listener';

/**
 * The local read API (infra/local/api-server.ts: routes → API Gateway v2 events → the same
 * handler modules as Lambda) over the given table. The handlers read TABLE_NAME once per
 * process, as a container does: one table per scenario process.
 */
export async function startReadApi(tableName: string): Promise<RunningServer> {
  process.env.TABLE_NAME = tableName;
  const server = await startApiServer({
    port: 0,
    onHandlerError: (route, error) => process.stderr.write(`${route.handler} failed: ${(error as Error).stack ?? String(error)}\n`),
  });
  await server.preload();
  return server;
}

/** Sequential requests after a warm-up; client-side latency of each, in ms. */
export async function timedRequests(url: string, count: number, warmUp = 5): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < warmUp + count; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (i >= warmUp) latencies.push(performance.now() - started);
  }
  return latencies;
}
