import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../infra/local/dynamodb-local';
import type { RunningServer } from '../../infra/local/http-listener';
import { startMockUpstreamServer } from '../../infra/local/mock-upstream-server';
import { explicitDataset } from '../../lib/mock-upstream/dataset';
import { contractLimit } from '../../lib/mock-upstream/mock-settings';
import { createMockTransactionApi } from '../../lib/mock-upstream/transaction-api';
import { spawnStack, type ChildStack } from './support/child-stack';
import { knownHistory } from './support/known-history';
import { aggregateOf, allPayouts, eventually, statusOf } from './support/http';
import { expectedAggregates, expectedPayouts } from './support/reference';

// 5 ticks every 6 s: a tick seldom overlaps the previous one's apply (at 30 they overlap and re-apply the same stored page, slow on 2 busy cores).
const TIME_SCALE = '10';

/** Processes whose command line mentions the data directory (the java engine persisting there). */
const processesUsing = (dataDir: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && line.includes('java'));

/** DATA_DIR: a stack killed mid-ingestion (SIGKILL, no chance to clean up) restarts where it stood. */
describe('the local stack with DATA_DIR, killed and restarted', () => {
  const history = knownHistory({ endMs: Date.now() - 120_000, minutes: 30, transactions: 3600, users: 80, seed: 11 });
  const expected = expectedAggregates(history.items, (item) => !history.malformed.has(item));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'local-stack-durability-'));
  let upstream: RunningServer;
  const children: ChildStack[] = [];

  beforeAll(async () => {
    upstream = await startMockUpstreamServer(createMockTransactionApi({ dataset: explicitDataset(history.items), limit: contractLimit(Number(TIME_SCALE)) }));
  });
  afterAll(async () => {
    for (const child of children) child.killGroup();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const port = await freePort();
    const child = spawnStack({
      PORT: String(port),
      DATA_DIR: dataDir,
      TIME_SCALE,
      TRANSACTIONS_API_URL: upstream.url,
      INGEST_FROM: new Date(history.startMs - 60_000).toISOString(),
    });
    children.push(child);
    const apiUrl = `http://127.0.0.1:${port}`;
    await eventually('the stack answers /status', 45_000, async () => ((await fetch(`${apiUrl}/status`)).ok ? true : undefined), child.output);
    return { child, apiUrl };
  };

  it('ends with exactly the expected aggregates, as if it had never crashed', async () => {
    const first = await start();
    // Kill while the window is being paged: at least one page applied, not all of them.
    await eventually(
      'a page applied, more to come',
      45_000,
      async () => {
        const status = await statusOf(first.apiUrl);
        return status.counters.calls >= 1 ? status : undefined;
      },
      first.child.output,
      50,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 400)));
    const atKill = await statusOf(first.apiUrl);
    first.child.killGroup();
    // Pages of 1000 take seconds to apply: the kill lands before the window's last page.
    expect(Date.parse(atKill.watermark ?? '1970-01-01T00:00:00Z')).toBeLessThan(history.endMs);
    expect((await first.child.exited).signal).toBe('SIGKILL');
    await eventually('the killed engine is gone', 10_000, async () => (processesUsing(dataDir).length === 0 ? true : undefined));
    expect(first.child.output()).not.toContain('Stopped.');

    const second = await start();
    const done = await eventually(
      'ingestion passes the end of the history after the restart',
      60_000,
      async () => {
        const status = await statusOf(second.apiUrl);
        return status.watermark && Date.parse(status.watermark) >= history.endMs ? status : undefined;
      },
      second.child.output,
    );
    expect(done.counters.quarantined).toBe(history.malformed.size);

    const actual = new Map<string, unknown>();
    for (const userId of expected.keys()) actual.set(userId, await aggregateOf(second.apiUrl, userId));
    expect(actual).toEqual(expected);
    expect(await allPayouts(second.apiUrl)).toEqual(expectedPayouts(expected));

    // And a clean stop: SIGTERM lets the tick in flight finish, then everything exits.
    process.kill(-second.child.process.pid!, 'SIGTERM');
    await second.child.outputClosed;
    expect(second.child.output()).toContain('Stopped.');
    expect(processesUsing(dataDir)).toEqual([]);
    // Two stacks (Java + Node each) started in turn: ~30 s alone, over 60 s beside the rest of the
    // suite on 2 cores. The `eventually` budgets above bound each step; this bounds their sum.
  }, 240_000);
});
