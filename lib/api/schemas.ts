import * as z from 'zod';
import type { TickOutcome } from '../store/item-shapes';
import { decodePayoutCursor } from './payout-cursor';

/**
 * The read API's contract as zod schemas: the handlers validate their parameters with them and
 * lib/api/openapi-document.ts turns the very same schemas into the OpenAPI document (ids and
 * descriptions travel in zod's `.meta`, so this module needs no OpenAPI library).
 */

export const MAX_PAGE_SIZE = 1000;

export const userIdSchema = z
  .string({ error: 'is required' })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters long')
  .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, "_" and "-"')
  .meta({ description: 'The user, as the Transaction API names it: 1–64 characters of A–Z, a–z, 0–9, _ and -.', example: '074092' });

export const userAggregateParamsSchema = z.object({ userId: userIdSchema });

export const payoutsQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^[0-9]+$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`))
    .default(MAX_PAGE_SIZE)
    // How a client sees it (the string handling above is the wire detail).
    .meta({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE, description: 'Users per page.' }),
  cursor: z
    .string()
    .max(128, 'is not a cursor this API issued')
    .transform((cursor, context) => {
      const lastUserId = decodePayoutCursor(cursor);
      if (lastUserId === undefined) context.addIssue({ code: 'custom', message: 'is not a cursor this API issued' });
      return lastUserId ?? z.NEVER;
    })
    .optional()
    .meta({ type: 'string', description: 'Opaque: copy it from the `Link: <…>; rel="next"` header of the previous page.' }),
});

const money = (description: string, example: number) =>
  z.number().meta({ description: `${description} Exact decimal, written digit for digit (0.1 + 0.2 is 0.3).`, example });

export const userAggregateSchema = z
  .object({
    balance: money('earned − spent.', 100),
    earned: money('Sum of the user\'s "earned" transactions.', 150),
    spent: money('Sum of the user\'s "spent" transactions.', 50),
    payout: money('Sum of the user\'s "payout" transactions (requested payouts).', 30),
    paidOut: money('Sum of the user\'s "paidOut" transactions (completed payouts).', 20),
  })
  .strict()
  .meta({ id: 'UserAggregate', description: 'The sums of one user, keys always in this order.' });

export const payoutListSchema = z
  .array(
    z
      .object({ userId: userIdSchema, totalPayout: money('The user\'s payout (> 0).', 30) })
      .strict()
      .meta({ id: 'UserPayout' }),
  )
  .max(MAX_PAGE_SIZE)
  .meta({ id: 'PayoutList', description: 'Users whose payout is above 0, ordered by userId.' });

const tickOutcomes = ['applied', 'reapplied', 'idle', 'budget-exhausted', 'backing-off', 'rate-limited', 'upstream-error', 'conflict', 'rewound', 'skipped', 'split'] as const satisfies readonly TickOutcome[];
// Fails to compile when item-shapes.ts gains an outcome this list lacks.
const everyOutcomeListed: Exclude<TickOutcome, (typeof tickOutcomes)[number]> extends never ? true : never = true;
void everyOutcomeListed;

const count = (description: string) => z.number().int().min(0).meta({ description });

export const ingestionStatusSchema = z
  .object({
    watermark: z.iso.datetime().nullable().meta({ description: 'Head watermark: every transaction created up to this second (UTC) and visible when it was read is in the aggregates; null before the first ingestion.' }),
    lagSeconds: z.number().int().min(0).nullable().meta({ description: 'now − watermark, in seconds (alarm above 120); null before the first ingestion.' }),
    verifiedWatermark: z.iso.datetime().nullable().meta({ description: 'Tail watermark: every second up to here was checked again for late arrivals, at least the late horizon (60 s) after it ended.' }),
    verifiedLagSeconds: z.number().int().min(0).nullable().meta({ description: 'now − verifiedWatermark, in seconds (alarm above 900).' }),
    callsLastMinute: z
      .object({ head: count('Head pass (freshness).'), tail: count('Tail pass (late arrivals).'), reconcile: count('Reconciliation (full re-read of old seconds).') })
      .strict()
      .meta({ description: 'Upstream calls in the last 60 s, per pass (at most 5 in all).' }),
    lastTick: z
      .object({
        at: z.iso.datetime().meta({ description: 'When the last ingestion tick finished.' }),
        outcome: z.enum(tickOutcomes).meta({ description: 'What the last tick did (the failure itself is in the logs and metrics, not shown publicly).' }),
      })
      .strict()
      .nullable()
      .meta({ description: 'null before the first ingestion tick.' }),
    jam: z
      .object({
        pass: z.enum(['head', 'tail', 'reconcile']),
        window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).strict(),
        page: z.number().int().min(1),
        attempts: z.number().int().min(1).meta({ description: 'Failures in a row of this very call.' }),
        since: z.iso.datetime(),
        failure: z.string().meta({ description: 'The class of failure (not-json, bad-shape, client-error, server-error, timeout, network).', example: 'not-json' }),
      })
      .strict()
      .nullable()
      .meta({ description: 'The call that has failed the same way 5 times or more in a row (ingestion retries it with backoff; an operator can split or skip it), or null.' }),
    operatorActions: z
      .array(
        z
          .object({
            at: z.iso.datetime(),
            by: z.string(),
            action: z.enum(['split', 'skip']),
            reason: z.string(),
            pass: z.enum(['head', 'tail', 'reconcile']),
            window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).strict(),
            page: z.number().int().min(1),
            attempts: z.number().int().min(1),
            failure: z.string(),
          })
          .strict(),
      )
      .meta({ description: 'The last operator actions on jammed calls (newest last): who skipped or split what, when and why.' }),
    counters: z
      .object({
        calls: count('Upstream calls that returned a usable page.'),
        fetched: count('Items received in those pages.'),
        applied: count('Transactions newly reflected in the aggregates.'),
        duplicates: count('Transactions received again and ignored (exactly once).'),
        quarantined: count('Malformed items kept aside with their reason.'),
        failedCalls: count('Upstream calls that failed (429, 5xx, timeout, garbage).'),
        headCalls: count('Usable calls of the head pass.'),
        tailCalls: count('Usable calls of the tail pass.'),
        reconcileCalls: count('Usable calls of reconciliation.'),
        lateApplied: count('Transactions applied by the tail or reconciliation: late arrivals the head had not seen.'),
        contradictoryMeta: count('Pages whose meta contradicted the items they held.'),
        cappedRetryAfter: count('Retry-After values above 2 budget windows, shortened to that.'),
      })
      .strict()
      .meta({ description: 'Lifetime counters of ingestion; all 0 before the first ingestion.' }),
  })
  .strict()
  .meta({ id: 'IngestionStatus', description: 'How far ingestion has come. Before any ingestion: nulls and zeros, still a 200.' });

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'about:blank: the status code is the problem type.', example: 'about:blank' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.number().int().min(400).max(599).meta({ example: 400 }),
    detail: z.string().meta({ example: 'Invalid path parameter: userId may only contain letters, digits, "_" and "-".' }),
    instance: z.string().meta({ description: 'The request path.', example: '/aggregatedData/07%2F4092' }),
    requestId: z.string().optional().meta({ description: 'Quote it when reporting a problem.' }),
    invalidParams: z
      .array(z.object({ name: z.string(), reason: z.string() }).strict())
      .optional()
      .meta({ description: 'For a 400: each offending parameter and what is wrong with it.' }),
  })
  .strict()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json). Never a stack trace or an internal message.' });

export type UserAggregateBody = z.infer<typeof userAggregateSchema>;
export type IngestionStatusBody = z.infer<typeof ingestionStatusSchema>;
