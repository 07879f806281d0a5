import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** The official DynamoDB Local engine, shipped inside the amplify-dynamodb-simulator package. */
const emulatorDir = path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Stops the engine; with a data directory, DynamoDB Local has already written every acknowledged write. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Persist to this directory; in memory when absent. */
  dataDir?: string;
  readyTimeoutMs?: number;
  /**
   * Tie the engine to this process: it ignores a terminal's Ctrl-C (so a clean shutdown can
   * finish its last writes and stop it afterwards) and it stops by itself when this process
   * ends, even by SIGKILL (a small shell keeps the engine and ends it when our pipe closes).
   */
  tiedToParent?: boolean;
}

/**
 * Runs java so that SIGINT is ignored (the JVM keeps an inherited SIG_IGN) and so that the
 * engine is terminated once stdin reaches end of file, i.e. when the parent closes it or dies.
 */
const TIED_LAUNCHER = 'trap "" INT; "$@" </dev/null & engine=$!; trap "kill $engine 2>/dev/null" TERM; cat >/dev/null; kill $engine 2>/dev/null; wait $engine';

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17 or newer on PATH. Install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) and try again.');
    this.name = 'JavaMissingError';
  }
}

export function assertJavaAvailable(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const command = [
    'java',
    `-Djava.library.path=${path.join(emulatorDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(emulatorDir, 'DynamoDBLocal.jar'),
    ...storage,
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const env = { ...process.env, DDB_LOCAL_TELEMETRY: '0' };
  const java: ChildProcess = options.tiedToParent
    ? spawn('sh', ['-c', TIED_LAUNCHER, 'dynamodb-local', ...command], { env, stdio: ['pipe', 'ignore', 'pipe'] })
    : spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (java.exitCode === null && java.signalCode === null) {
      if (options.tiedToParent) java.stdin?.end();
      else java.kill('SIGTERM');
    }
    await exited;
  };
  try {
    await waitUntilReady(endpoint, options.readyTimeoutMs ?? 30_000, () => java.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local did not start on port ${port}: ${(error as Error).message}\n${stderr}`);
  }
  return { endpoint, port, stop };
}

async function waitUntilReady(endpoint: string, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (hasExited()) throw new Error('the java process exited');
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}
