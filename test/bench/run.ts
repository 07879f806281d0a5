import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { benchOptionsFrom, type BenchRun } from './bench-options';
import { figureTable } from './figures';
import type { ScenarioResult } from './scenario-result';
import type { ScenarioName } from './scenarios';

type ChildMessage = { ok: true; result: ScenarioResult } | { ok: false; error: string };

/** Runs one scenario in a child process (same tsx loader) and waits for its result. */
function runScenario(name: ScenarioName, run: BenchRun, env: NodeJS.ProcessEnv, measured: Record<string, number>): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'scenario-process.ts'), [name], {
      execArgv: process.execArgv,
      env: { ...env, BENCH_OPTIONS: JSON.stringify({ quick: run.quick }), BENCH_MEASURED: JSON.stringify(measured) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: ChildMessage | undefined;
    const timer = setTimeout(() => child.kill('SIGTERM'), run.scenarioTimeoutMs);
    child.on('message', (message: ChildMessage) => {
      answer = message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer?.ok) resolve(answer.result);
      else reject(new Error(answer && !answer.ok ? answer.error : `scenario ${name} exited (${signal ?? code}) without a result`));
    });
  });
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  let run: BenchRun;
  try {
    run = benchOptionsFrom(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const startedAt = new Date();
  process.stderr.write(`bench (${run.quick ? 'quick' : 'full'}): ${run.scenarios.join(', ')}\n`);
  let engine: DynamoDbLocal | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: 'false',
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  const figures: Record<string, number> = {};
  const labels: Record<string, string> = {};
  const notes: string[] = [];
  const failures: string[] = [];
  try {
    engine = await startDynamoDbLocal({ tiedToParent: true });
    env.AWS_ENDPOINT_URL_DYNAMODB = engine.endpoint;
    for (const name of run.scenarios) {
      const began = Date.now();
      process.stderr.write(`- ${name}\n`);
      try {
        const result = await runScenario(name, run, env, figures);
        Object.assign(figures, result.figures);
        Object.assign(labels, result.labels ?? {});
        notes.push(...result.notes);
      } catch (error) {
        failures.push(name);
        notes.push(`${name} FAILED: ${(error as Error).message.split('\n')[0]}`);
        process.stderr.write(`${(error as Error).message}\n`);
      }
      process.stderr.write(`  (${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await engine?.stop();
  }
  const elapsedSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const machine = `${os.cpus().length} cores, Node ${process.versions.node}, DynamoDB Local 1.25.1 in memory`;
  const table = figureTable(figures, labels);
  process.stdout.write(
    `\nBenchmark ${startedAt.toISOString()} (${run.quick ? 'quick' : 'full'}, ${elapsedSeconds.toFixed(0)} s; ${machine})\n\n${table.text}\n`,
  );
  if (notes.length > 0) process.stdout.write(`\nNotes:\n${notes.map((note) => `- ${note}`).join('\n')}\n`);
  if (run.out) {
    const document = {
      date: startedAt.toISOString(),
      mode: run.quick ? 'quick' : 'full',
      machine,
      elapsedSeconds: Math.round(elapsedSeconds),
      ...figures,
      results: table.rows,
      notes,
      failures,
    };
    writeFileSync(run.out, `${JSON.stringify(document, null, 2)}\n`);
    process.stderr.write(`wrote ${run.out}\n`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

void main();
