import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '../../..');

export interface ChildStack {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process of the stack has let go of its output (npx may exit before node does). */
  outputClosed: Promise<void>;
  /** SIGKILL to the whole process group: npx, tsx, node and the java engine die at once. */
  killGroup(): void;
}

/**
 * `npx tsx infra/local/start.ts` as a user runs it, in a process group of its own so that a
 * crash can be simulated by killing the group.
 */
export function spawnStack(environment: Record<string, string>): ChildStack {
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment };
  // The child starts its own DynamoDB Local (with DATA_DIR); it must not inherit the test run's.
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  const child = spawn('npx', ['tsx', 'infra/local/start.ts'], { cwd: repositoryRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const outputClosed = new Promise<void>((resolve) => child.stdout!.once('close', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    output: () => output,
    exited,
    outputClosed,
    killGroup: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
