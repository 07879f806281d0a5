import { fork } from 'node:child_process';
import path from 'node:path';

export interface LoadRequest {
  /** Base URL on 127.0.0.1. */
  url: string;
  /** Request paths, used in turn. */
  paths: string[];
  connections: number;
  durationSeconds: number;
  /** Fixed request rate over all connections (autocannon corrects latencies for coordinated omission). */
  overallRate?: number;
}

export interface LoadSummary {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  /** CPU the load generator itself used (on 2 cores it competes with the server). */
  generatorCpuMs: number;
}

/** autocannon against a local server, from a child process; bounded by `durationSeconds`. */
export function generateLoad(request: LoadRequest): Promise<LoadSummary> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(request.url)) throw new Error(`load only goes to 127.0.0.1, not ${request.url}`);
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'autocannon-worker.ts'), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let summary: LoadSummary | undefined;
    child.send(request);
    child.on('message', (message: LoadSummary) => {
      summary = message;
    });
    child.on('exit', (code) => (summary ? resolve(summary) : reject(new Error(`the load generator exited with ${code} and no result`))));
  });
}
