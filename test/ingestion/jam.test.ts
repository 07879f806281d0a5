import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unjamIngestion } from '../../infra/ops/unjam-ingestion';
import { JAM_ATTEMPTS } from '../../lib/core/failure-streak';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore } from '../../lib/store/read-store';
import type { Window } from '../../lib/core/upstream-page';
import { UpstreamCallError, type TransactionPage, type TransactionSource } from '../../lib/ingestion/ports';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { storedAggregates, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

const t0 = Date.parse('2024-01-01T00:00:00Z');
const badAtMs = t0 + 37_000;

/** Any window holding `badAtMs` answers a body that is not JSON, every time (a deterministic bad page). */
class BadWindowUpstream implements TransactionSource {
  readonly attempts: Window[] = [];
  constructor(private readonly inner: ScriptedUpstream) {}
  async fetchPage(window: Window, page: number): Promise<TransactionPage> {
    if (Date.parse(window.start) <= badAtMs && badAtMs <= Date.parse(window.end) + 999) {
      this.attempts.push(window);
      throw new UpstreamCallError('not-json', 'upstream body is not JSON', 200);
    }
    return this.inner.fetchPage(window, page);
  }
}

/** A table, 100 transactions one a second from t0, an upstream whose window holding badAtMs is bad, and the operator command on them. */
async function jammedWorld(nowMs: number, reason: string) {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(nowMs);
  const records = Array.from({ length: 100 }, (_, i) =>
    upstreamRecord({ id: `t${i}`, userId: `u${i % 3}`, createdAtMs: t0 + i * 1000, type: 'earned', amount: '1' }),
  );
  const upstream = new BadWindowUpstream(new ScriptedUpstream(records, clock.nowMs));
  const lines: string[] = [];
  const operator = (action: 'split' | 'skip') =>
    unjamIngestion(['--table', table.tableName, '--action', action, '--by', 'alice', '--reason', reason], clock.nowMs(), (line) => lines.push(line));
  return { table, store, clock, upstream, lines, operator };
}

test('a window that fails the same way again and again jams with backoff, shows in /status, and an operator skips it with an audit record', async () => {
  const { table, store, clock, upstream, lines, operator } = await jammedWorld(t0 + 600_000, 'bad page, ticket OPS-7');
  const config = testConfig(table.tableName);
  const status = () => createReadStore(store).getStatus();

  // The first window holds the bad second: it fails JAM_ATTEMPTS times, then ingestion backs off (and keeps retrying).
  const reports = [];
  for (let i = 0; i < JAM_ATTEMPTS; i++) {
    reports.push(await tick(config, store, upstream, clock));
    clock.advance(12_000);
  }
  expect(reports.map((report) => report.consecutiveFailures)).toEqual([1, 2, 3, 4, 5]);
  expect(reports.at(-1)!.error).toMatch(/jammed: the same call failed 5 times/);
  // Backing off one budget window, then two (the cap), and still retrying: never a silent skip.
  expect(await tick(config, store, upstream, clock)).toMatchObject({ outcome: 'backing-off', consecutiveFailures: 5 });
  clock.advance(60_000);
  expect(await tick(config, store, upstream, clock)).toMatchObject({ outcome: 'upstream-error', consecutiveFailures: 6 });
  clock.advance(60_000);
  expect(await tick(config, store, upstream, clock)).toMatchObject({ outcome: 'backing-off', consecutiveFailures: 6 });
  expect((await status())?.jam).toMatchObject({ pass: 'head', attempts: 6, failure: 'not-json', page: 1 });
  // Nothing was skipped on its own.
  expect(await operator('skip').then(() => lines.at(-1))).toMatch(/^skipped: head pass/);
  expect(lines.at(-1)).toContain('failed 6 times: not-json');
  const after = (await status())!;
  expect(after.jam).toBeUndefined();
  expect(after.operatorActions).toEqual([
    expect.objectContaining({ action: 'skip', by: 'alice', reason: 'bad page, ticket OPS-7', pass: 'head', attempts: 6, failure: 'not-json' }),
  ]);
  expect(Date.parse(after.operatorActions[0]!.window.start)).toBe(t0);
  expect(Date.parse(after.watermark)).toBe(Date.parse(after.operatorActions[0]!.window.end)); // the head moved past the skipped window

  await table.drop();
}, 120_000);

test('splitting narrows a bad record down to its one second, which alone the head skips; everything else is applied', async () => {
  const { table, store, clock, upstream, operator } = await jammedWorld(t0 + 200_000, 'narrowing OPS-7');
  const config = testConfig(table.tableName, { RECONCILE_HOURS: '0' });

  let actions = 0;
  for (let i = 0; i < 800 && actions < 40; i++) {
    const report = await tick(config, store, upstream, clock);
    clock.advance(12_000);
    const jam = (await createReadStore(store).getStatus())?.jam;
    if (!jam) continue;
    expect(report.consecutiveFailures).toBeGreaterThanOrEqual(JAM_ATTEMPTS);
    // The head is narrowed down to the one bad second; the tail's later check of it jams too and is skipped whole.
    const oneSecond = jam.window.start === jam.window.end;
    expect(await operator(oneSecond || jam.pass === 'tail' ? 'skip' : 'split')).toBe(0);
    actions++;
    if (jam.pass === 'tail') break;
  }
  // Every action is kept as its own audit item (the cursor shows the last ten).
  const { Items = [] } = await store.document.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': 'INGESTION', ':audit': 'AUDIT#' },
    }),
  );
  expect(Items).toHaveLength(actions);
  // The head narrowed down to the bad second and skipped only it; the tail skipped its span holding it.
  const skips = Items.filter((item) => item.action === 'skip');
  expect(skips.map((skip) => [skip.pass, skip.window.start, skip.window.end])).toEqual([
    ['head', new Date(badAtMs).toISOString(), new Date(badAtMs).toISOString()],
    ['tail', new Date(badAtMs).toISOString(), expect.any(String)],
  ]);
  expect(Items.filter((item) => item.action === 'split').length).toBeGreaterThanOrEqual(5); // halving ~160 s down to 1 s
  expect(Items.every((item) => item.by === 'alice' && item.reason === 'narrowing OPS-7')).toBe(true);
  const status = (await createReadStore(store).getStatus())!;
  expect(status.operatorActions).toHaveLength(Math.min(10, actions));
  expect(status.operatorActions.at(-1)).toMatchObject({ action: 'skip', pass: 'tail' });
  expect(Date.parse(status.verifiedWatermark!)).toBeGreaterThan(badAtMs);
  expect(status.jam).toBeUndefined();
  const applied = [...(await storedAggregates(store)).values()].reduce((sum, sums) => sum + Number(sums.earned), 0);
  expect(applied).toBe(99); // all but the one transaction of the bad second
  await table.drop();
}, 180_000);

test('the operator command refuses when nothing is jammed, and explains its arguments', async () => {
  const table = await createTestTable();
  const store = { document: createDocumentClient(), tableName: table.tableName };
  const clock = new FakeClock(t0 + 600_000);
  const lines: string[] = [];
  expect(
    await unjamIngestion(['--table', table.tableName, '--action', 'skip', '--by', 'bob', '--reason', 'x'], clock.nowMs(), (line) => lines.push(line)),
  ).toBe(1);
  expect(lines.at(-1)).toMatch(/no ingestion cursor/);
  await tick(testConfig(table.tableName), store, new ScriptedUpstream([], clock.nowMs), clock);
  expect(
    await unjamIngestion(['--table', table.tableName, '--action', 'skip', '--by', 'bob', '--reason', 'x'], clock.nowMs(), (line) => lines.push(line)),
  ).toBe(1);
  expect(lines.at(-1)).toMatch(/nothing to skip or split/);
  expect(await unjamIngestion(['--table', table.tableName, '--action', 'delete'], clock.nowMs(), (line) => lines.push(line))).toBe(2);
  expect(lines.at(-1)).toMatch(/^usage/);
  await table.drop();
});
