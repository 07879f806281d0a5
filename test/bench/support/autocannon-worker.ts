import autocannon from 'autocannon';
import type { LoadRequest, LoadSummary } from './load-generator';

/**
 * Runs autocannon in its own process (so the load generator does not share an event loop with
 * the server it measures) and sends a summary back to the parent.
 */
async function main(): Promise<void> {
  const request = await new Promise<LoadRequest>((resolve) => process.once('message', (message: LoadRequest) => resolve(message)));
  let next = 0;
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationSeconds,
    ...(request.overallRate ? { overallRate: request.overallRate } : {}),
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: request.paths[next++ % request.paths.length] }),
      },
    ],
  });
  const used = process.cpuUsage(cpu);
  const summary: LoadSummary = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    generatorCpuMs: (used.user + used.system) / 1000,
  };
  await new Promise<void>((resolve) => process.send!(summary, () => resolve()));
  process.exit(0);
}

void main();
