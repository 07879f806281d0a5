import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import { handler } from '../../functions/get-status';
import { ingestionStatusEndpoint } from '../../lib/api/endpoints/ingestion-status';
import { cacheControl } from '../../lib/http/cache-control';
import { readApiHandler } from '../../lib/http/read-api-handler';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore } from '../../lib/store/read-store';
import { zeroCounters } from '../../lib/ingestion/ports';
import { getEvent, header, lambdaContext } from './support/http-events';
import { expectConformsToOpenApi } from './support/openapi-validator';

process.env.TABLE_NAME = 'aggregates-under-test';
const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => dynamo.reset());

const cursorItem = {
  watermark: '2026-11-25T09:58:00.000Z',
  settledWatermark: '2026-11-25T09:57:10.000Z',
  lastTickAt: '2026-11-25T09:59:55.000Z',
  lastOutcome: 'rate-limited',
  lastError: 'rate-limited: upstream answered 429 from partner-api.internal',
  verifiedWatermark: '2026-11-25T09:55:00.000Z',
  recentCalls: [
    { atMs: NumberValue.from(String(Date.parse('2026-11-25T09:59:10.000Z'))), pass: 'head', ok: true },
    { atMs: NumberValue.from(String(Date.parse('2026-11-25T09:59:22.000Z'))), pass: 'tail', ok: true },
    { atMs: NumberValue.from(String(Date.parse('2026-11-25T09:59:34.000Z'))), pass: 'head', ok: false },
    { atMs: NumberValue.from(String(Date.parse('2026-11-25T09:58:50.000Z'))), pass: 'reconcile', ok: true },
    { atMs: NumberValue.from(String(Date.parse('2026-11-25T09:59:46.000Z'))), pass: 'fresh', ok: true },
  ],
  counters: {
    calls: NumberValue.from('12'),
    fetched: NumberValue.from('11500'),
    applied: NumberValue.from('11000'),
    duplicates: NumberValue.from('480'),
    quarantined: NumberValue.from('20'),
    failedCalls: NumberValue.from('3'),
  },
};

/** The status handler with the clock fixed at 10:00:00 (same chain, same store). */
const statusAt = (iso: string) =>
  readApiHandler(
    ingestionStatusEndpoint(createReadStore({ document: createDocumentClient(), tableName: 't' }), () => Date.parse(iso)),
    {
      cacheControl: cacheControl.status,
    },
  );

describe('GET /status', () => {
  it('answers 200 with nulls and zeros before any ingestion', async () => {
    dynamo.on(GetCommand).resolves({});
    const result = await handler(getEvent('/status'), lambdaContext());
    expectConformsToOpenApi('/status', result);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      watermark: null,
      lagSeconds: null,
      settledWatermark: null,
      settledLagSeconds: null,
      verifiedWatermark: null,
      verifiedLagSeconds: null,
      callsLastMinute: { head: 0, tail: 0, reconcile: 0, fresh: 0 },
      lastTick: null,
      jam: null,
      operatorActions: [],
      counters: zeroCounters(),
    });
    expect(header(result, 'cache-control')).toBe('public, max-age=5');
  });

  it('shows watermark, lag from the injected clock, the last tick and the counters', async () => {
    dynamo.on(GetCommand).resolves({ Item: cursorItem });
    const result = await statusAt('2026-11-25T10:00:00.000Z')(getEvent('/status'), lambdaContext());
    expectConformsToOpenApi('/status', result);
    expect(JSON.parse(result.body ?? '')).toEqual({
      watermark: '2026-11-25T09:58:00.000Z',
      lagSeconds: 120,
      settledWatermark: '2026-11-25T09:57:10.000Z',
      settledLagSeconds: 170,
      verifiedWatermark: '2026-11-25T09:55:00.000Z',
      verifiedLagSeconds: 300,
      callsLastMinute: { head: 2, tail: 1, reconcile: 0, fresh: 1 },
      lastTick: { at: '2026-11-25T09:59:55.000Z', outcome: 'rate-limited' },
      jam: null,
      operatorActions: [],
      counters: { ...zeroCounters(), calls: 12, fetched: 11500, applied: 11000, duplicates: 480, quarantined: 20, failedCalls: 3 },
    });
    expect(result.body).not.toContain('partner-api.internal');
  });

  it('reads the cursor with one GetItem whose projection leaves out the pending page', async () => {
    dynamo.on(GetCommand).resolves({ Item: cursorItem });
    await handler(getEvent('/status'), lambdaContext());
    expect(dynamo.calls()).toHaveLength(1);
    const input = dynamo.commandCalls(GetCommand)[0].args[0].input;
    expect(input.Key).toEqual({ pk: 'INGESTION', sk: 'CURSOR' });
    const projected = (input.ProjectionExpression ?? '').split(',').map((name) => input.ExpressionAttributeNames?.[name.trim()] ?? name.trim());
    expect(projected.sort()).toEqual(
      ['counters', 'lastOutcome', 'lastTickAt', 'failureStreak', 'operatorActions', 'recentCalls', 'settledWatermark', 'verifiedWatermark', 'watermark'].sort(),
    );
  });

  it('answers a generic 500 problem when DynamoDB fails', async () => {
    dynamo.on(GetCommand).rejects(new Error('ResourceNotFoundException: Requested resource not found: Table: prod-aggregates'));
    const result = await handler(getEvent('/status'), lambdaContext());
    expectConformsToOpenApi('/status', result);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('prod-aggregates');
  });
});
