import * as z from 'zod/mini';
import type { Pass } from '../core/ingestion-position';
import { operatorActions } from '../core/operator-action';
import { tickOutcomes } from '../ingestion/ports';
import { describe, MAX_PAGE_SIZE, userIdSchema } from './schemas';

/**
 * The response bodies of the read API as zod schemas (mini build), for the OpenAPI document
 * (lib/api/openapi-document.ts) and the tests' contract checks. The handlers write their bodies
 * themselves (money digit for digit), so no data function imports this module.
 */

const money = (description: string, example: number) =>
  describe(z.number(), { description: `${description} Exact decimal, written digit for digit (0.1 + 0.2 is 0.3).`, example });

export const userAggregateSchema = describe(
  z.strictObject({
    balance: money('earned − spent.', 100),
    earned: money('Sum of the user\'s "earned" transactions.', 150),
    spent: money('Sum of the user\'s "spent" transactions.', 50),
    payout: money('Sum of the user\'s "payout" transactions (requested payouts).', 30),
    paidOut: money('Sum of the user\'s "paidOut" transactions (completed payouts).', 20),
  }),
  { id: 'UserAggregate', description: 'The sums of one user, keys always in this order.' },
);

export const payoutListSchema = describe(
  z
    .array(describe(z.strictObject({ userId: userIdSchema, totalPayout: money("The user's payout (> 0).", 30) }), { id: 'UserPayout' }))
    .check(z.maxLength(MAX_PAGE_SIZE)),
  { id: 'PayoutList', description: 'Users whose payout is above 0, in the requested order (userId by default).' },
);

const passes = ['head', 'tail', 'reconcile', 'fresh'] as const satisfies readonly Pass[];
const count = (description: string) => describe(z.int().check(z.minimum(0)), { description });
const isoTime = () => z.iso.datetime();

export const ingestionStatusSchema = describe(
  z.strictObject({
    watermark: describe(z.nullable(isoTime()), {
      description:
        'Every transaction created up to this second (UTC) and listed when it was read is in the aggregates: the freshest completed read; null before the first ingestion.',
    }),
    lagSeconds: describe(z.nullable(z.int().check(z.minimum(0))), {
      description: 'now − watermark, in seconds (alarm above 120); null before the first ingestion.',
    }),
    settledWatermark: describe(z.nullable(isoTime()), {
      description: 'Settled head: every second up to here was read once it was the settle lag (45 s) old, when late listings are in.',
    }),
    settledLagSeconds: describe(z.nullable(z.int().check(z.minimum(0))), { description: 'now − settledWatermark, in seconds.' }),
    verifiedWatermark: describe(z.nullable(isoTime()), {
      description: 'Tail watermark: every second up to here was checked again for late arrivals, at least the late horizon (60 s) after it ended.',
    }),
    verifiedLagSeconds: describe(z.nullable(z.int().check(z.minimum(0))), { description: 'now − verifiedWatermark, in seconds (alarm above 900).' }),
    callsLastMinute: describe(
      z.strictObject({
        head: count('Settled head (each second once it has settled).'),
        tail: count('Tail pass (late arrivals).'),
        reconcile: count('Reconciliation (full re-read of old seconds).'),
        fresh: count("Fresh reads up to a few seconds before now, from the calls the others leave (one may do the head's and the tail's work too)."),
      }),
      { description: 'Upstream calls in the last 60 s, per pass (at most 5 in all).' },
    ),
    lastTick: describe(
      z.nullable(
        z.strictObject({
          at: describe(isoTime(), { description: 'When the last ingestion tick finished.' }),
          outcome: describe(z.enum(tickOutcomes), {
            description: 'What the last tick did (the failure itself is in the logs and metrics, not shown publicly).',
          }),
        }),
      ),
      { description: 'null before the first ingestion tick.' },
    ),
    jam: describe(
      z.nullable(
        z.strictObject({
          pass: z.enum(passes),
          window: z.strictObject({ start: isoTime(), end: isoTime() }),
          page: z.int().check(z.minimum(1)),
          attempts: describe(z.int().check(z.minimum(1)), { description: 'Failures in a row of this very call.' }),
          since: isoTime(),
          failure: describe(z.string(), {
            description:
              'The class of failure: of the call (not-json, bad-shape, client-error, server-error, timeout, network), of applying its stored page ' +
              '(`apply-failed: <error class>`), or `pending-page-lost` (the stored page expired before it could be applied).',
            example: 'not-json',
          }),
        }),
      ),
      {
        description:
          'The call (or the stored page it fetched) that has failed the same way 5 times or more in a row: ingestion retries it with backoff; ' +
          "an operator can split, skip or rewind it, or quarantine a pending page's unapplied records (infra/ops/README.md). Null otherwise.",
      },
    ),
    operatorActions: describe(
      z.array(
        z.strictObject({
          at: isoTime(),
          by: z.string(),
          action: z.enum(operatorActions),
          reason: z.string(),
          pass: z.enum(passes),
          window: z.strictObject({ start: isoTime(), end: isoTime() }),
          page: z.int().check(z.minimum(1)),
          attempts: describe(z.int().check(z.minimum(0)), { description: 'How often the call or page had failed (0: a waiting page that was not failing).' }),
          failure: z.string(),
          records: z.optional(
            describe(z.int().check(z.minimum(0)), { description: '`quarantine`: how many unapplied records of the pending page were set aside.' }),
          ),
        }),
      ),
      { description: 'The last operator actions on what was stuck (newest last): who skipped, split or quarantined what, when and why.' },
    ),
    counters: describe(
      z.strictObject({
        calls: count('Upstream calls that returned a usable page.'),
        fetched: count('Items received in those pages.'),
        applied: count('Transactions newly reflected in the aggregates.'),
        duplicates: count('Transactions received again and ignored (exactly once).'),
        quarantined: count('Malformed items kept aside with their reason.'),
        failedCalls: count('Upstream calls that failed (429, 5xx, timeout, garbage).'),
        headCalls: count('Usable calls of the head pass.'),
        tailCalls: count('Usable calls of the tail pass.'),
        reconcileCalls: count('Usable calls of reconciliation.'),
        freshCalls: count('Usable fresh reads.'),
        lateApplied: count('Transactions applied by the tail or reconciliation: late arrivals the head had not seen.'),
        contradictoryMeta: count('Pages whose meta contradicted the items they held.'),
        cappedRetryAfter: count('Retry-After values above 2 budget windows, shortened to that.'),
        conflicts: count('The same (userId, id) listed again with another type, amount or createdAt: the first listing was kept, both were logged.'),
        unverifiedSeconds: count('Seconds the tail left unchecked because their markers may have expired (it was days behind); alarmed.'),
      }),
      { description: 'Lifetime counters of ingestion; all 0 before the first ingestion.' },
    ),
  }),
  { id: 'IngestionStatus', description: 'How far ingestion has come. Before any ingestion: nulls and zeros, still a 200.' },
);

export const problemSchema = describe(
  z.strictObject({
    type: describe(z.string(), { description: 'about:blank: the status code is the problem type.', example: 'about:blank' }),
    title: describe(z.string(), { example: 'Bad Request' }),
    status: describe(z.int().check(z.minimum(400), z.maximum(599)), { example: 400 }),
    detail: describe(z.string(), { example: 'Invalid path parameter: userId may only contain letters, digits, "_" and "-".' }),
    instance: describe(z.string(), { description: 'The request path.', example: '/aggregatedData/07%2F4092' }),
    requestId: describe(z.optional(z.string()), { description: 'Quote it when reporting a problem.' }),
    invalidParams: describe(z.optional(z.array(z.strictObject({ name: z.string(), reason: z.string() }))), {
      description: 'For a 400: each offending parameter and what is wrong with it.',
    }),
  }),
  { id: 'Problem', description: 'RFC 9457 problem details (application/problem+json). Never a stack trace or an internal message.' },
);

export type IngestionStatusBody = z.infer<typeof ingestionStatusSchema>;
