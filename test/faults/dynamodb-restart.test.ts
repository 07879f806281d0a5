import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Big from 'big.js';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { referenceAggregates, type AggregateSums } from '../../lib/core/aggregate';
import { validateRecord, type Transaction } from '../../lib/core/transaction';
import type { TickReport } from '../../lib/ingestion/run-tick';
import { createTableInput } from '../../lib/store/create-table-input';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import type { CursorItem } from '../../lib/store/cursor-item';
import type { StoreContext } from '../../lib/store/store-context';
import { keys } from '../../lib/store/table-schema';
import { FakeClock } from '../support/fake-clock';
import { normalised, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, upstreamRecord } from '../support/scripted-upstream';

const now = Date.parse('2024-06-01T12:00:00Z');
const types = ['earned', 'spent', 'payout', 'paidOut'] as const;
/** 2,500 transactions over 300 users: pages of 1000, 1000 and 500, each touching every user. */
const history = Array.from({ length: 2_500 }, (_, i) =>
  upstreamRecord({ id: `tx-${i}`, userId: `user-${i % 300}`, createdAtMs: now - 3_600_000 + i * 1000, type: types[i % 4], amount: `${i % 89}.${i % 7}5` }),
);
const valid: Transaction[] = history.map((r) => validateRecord(r.record)).flatMap((v) => (v.ok ? [v.transaction] : []));

let dataDir: string;
let engine: DynamoDbLocal | undefined;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'dynamodb-restart-'));
});
afterAll(async () => {
  await engine?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sums and cursor read from the dedicated engine, numbers as the exact decimals DynamoDB holds. */
async function stored(
  store: StoreContext,
): Promise<{ aggregates: Map<string, AggregateSums>; cursor: Pick<CursorItem, 'sequence' | 'pendingChunks' | 'counters'> }> {
  const aggregates = new Map<string, AggregateSums>();
  const exact = (value: unknown) => new Big(String(value)).toFixed();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await store.document.send(
      new ScanCommand({
        TableName: store.tableName,
        ExclusiveStartKey,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': 'AGGREGATE' },
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      aggregates.set(String(item.userId), { earned: exact(item.earned), spent: exact(item.spent), payout: exact(item.payout), paidOut: exact(item.paidOut) });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const { Item } = await store.document.send(new GetCommand({ TableName: store.tableName, Key: keys.cursor(), ConsistentRead: true }));
  const counters = Object.fromEntries(Object.entries((Item?.counters ?? {}) as Record<string, unknown>).map(([name, value]) => [name, Number(value)]));
  return {
    aggregates,
    cursor: {
      sequence: Number(Item?.sequence),
      pendingChunks: Item?.pendingChunks as number | undefined,
      counters: counters as unknown as CursorItem['counters'],
    },
  };
}

test('DynamoDB Local restarted while a tick applies a page: the page is finished without a new call, nothing lost or doubled', async () => {
  engine = await startDynamoDbLocal({ dataDir });
  const { port, endpoint } = engine;
  const connection = { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 };
  const admin = new DynamoDBClient(connection);
  const tableName = 'restart-fault';
  await admin.send(new CreateTableCommand(createTableInput(tableName)));
  admin.destroy();
  const base: StoreContext = { document: createDocumentClient(connection), tableName };

  // The engine goes down while the first page's per-user transactions are being written.
  let transactWrites = 0;
  let stopping: Promise<void> | undefined;
  const document = new Proxy(base.document, {
    get: (target, property, receiver) => {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: object) => {
        if (command instanceof TransactWriteCommand && ++transactWrites === 120) stopping = engine!.stop();
        return target.send(command as never);
      };
    },
  });
  const store: StoreContext = { document, tableName };
  const clock = new FakeClock(now);
  const upstream = new ScriptedUpstream(history, clock.nowMs);
  const config = testConfig(tableName, { INGEST_FROM: '2024-06-01T10:00:00Z' });

  await expect(tick(config, store, upstream, clock)).rejects.toThrow();
  expect(stopping).toBeDefined();
  await stopping;
  expect(upstream.calls).toHaveLength(1);

  // Same port, same data directory: the half-applied page and the cursor are still there.
  engine = await startDynamoDbLocal({ port, dataDir });
  const halfway = await stored(base);
  expect(halfway.cursor.pendingChunks).toBeDefined();
  expect(halfway.cursor.sequence).toBe(0);
  expect(halfway.aggregates.size).toBeGreaterThan(0);
  expect(halfway.aggregates.size).toBeLessThan(300);

  const reports: TickReport[] = [];
  for (let i = 0; i < 6; i++) {
    clock.advance(12_000);
    reports.push(await tick(config, store, upstream, clock));
  }
  expect(reports.slice(0, 3).map((r) => [r.outcome, r.fetched])).toEqual([
    ['reapplied', 1000],
    ['applied', 1000],
    ['applied', 502],
  ]);
  // The page that was being applied was finished from the cursor: three calls for three pages
  // (each full page is split at its last second, which the next call reads again: 2 repeats).
  expect(upstream.calls.slice(0, 3).map((call) => call.page)).toEqual([1, 1, 1]);
  expect(upstream.calls.slice(0, 3).map((call) => call.window.start)).toEqual([...new Set(upstream.calls.slice(0, 3).map((call) => call.window.start))]);

  const after = await stored(base);
  expect(normalised(after.aggregates)).toEqual(normalised(referenceAggregates(valid)));
  // Applied once each; everything else fetched (split seconds, the tail's re-reads) was a counted duplicate.
  expect(after.cursor.counters).toMatchObject({ applied: 2_500, quarantined: 0 });
  expect(after.cursor.counters.fetched - after.cursor.counters.duplicates).toBe(2_500);
  expect(after.cursor.pendingChunks).toBeUndefined();
  base.document.destroy();
  // Two on-disk engine starts and 2,500 transactions: ~35 s beside the rest of the suite on 2 cores.
}, 180_000);
