import Big from 'big.js';
import fc from 'fast-check';
import { userAggregateParamsSchema } from '../../lib/api/schemas';
import { amountDomain, idDomain, transactionTypes, userIdDomain } from '../../lib/core/accepted-domain';
import { referenceAggregates, viewOf, type AggregateSums } from '../../lib/core/aggregate';
import { DecimalText, validateRecord, type Transaction } from '../../lib/core/transaction';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { createReadStore } from '../../lib/store/read-store';
import type { PayoutEntry, PayoutSort } from '../../lib/api/ports';
import { createTestTable } from '../support/dynamodb-table';
import { FakeClock } from '../support/fake-clock';
import { normalised, storedAggregates, storedCursor, testConfig, tick } from '../support/ingestion-harness';
import { ScriptedUpstream, type UpstreamRecord } from '../support/scripted-upstream';

/**
 * Whatever validation accepts, ingestion applies and the read API serves, digit for digit. The
 * records are drawn from the whole accepted domain (lib/core/accepted-domain.ts), edges included,
 * and go through the real ingestion against DynamoDB Local.
 */

const t0 = Date.parse('2024-01-01T00:10:00Z');

const digits = (count: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: count, maxLength: count });

/** Any non-negative amount below 10^15 with 0-12 fraction digits, in the ways JSON can write it; the domain's edges often. */
const amountArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '0',
      '0.000000000001',
      '0.123456789012',
      `${'9'.repeat(amountDomain.integerDigits)}.${'9'.repeat(amountDomain.fractionDigits)}`,
      '0.1',
      '0.2',
      '1e2',
      '1.5E-3',
      '100.000000000000',
    ),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.bigInt({ min: 0n, max: 10n ** BigInt(amountDomain.integerDigits) - 1n }),
        fc.integer({ min: 0, max: amountDomain.fractionDigits }).chain((n) => digits(n)),
      )
      .map(([integer, fraction]) => (fraction ? `${integer}.${fraction}` : `${integer}`)),
  },
);

/** Any userId of the rule: 1-128 characters of its alphabet. */
const userIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('a', 'x'.repeat(userIdDomain.maxCharacters), 'ann@example.com', 'ann+tag@example.co.uk', 'urn:uuid:0b3c-11', '_.-:@+', '074092'),
  fc.string({ unit: fc.constantFrom(...'ABCxyz0189_.@:+-'), minLength: 1, maxLength: userIdDomain.maxCharacters }),
  fc.stringMatching(userIdDomain.pattern),
);

/** Any id of at most 512 characters and 1000 UTF-8 bytes (text or a whole JSON number, even beyond 2^53). */
const idArb: fc.Arbitrary<string | DecimalText> = fc.oneof(
  fc.constantFrom<string | DecimalText>(
    'i'.repeat(idDomain.maxCharacters),
    'é'.repeat(idDomain.maxBytes / 2),
    '€'.repeat(Math.floor(idDomain.maxBytes / 3)),
    new DecimalText('9007199254740993123456'),
    new DecimalText('0'),
    'TX#with#hashes',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((id) => Buffer.byteLength(id, 'utf8') <= idDomain.maxBytes),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map((n) => new DecimalText(n.toString())),
);

/** A type in any case, with blanks around it. */
const typeArb = fc
  .tuple(fc.constantFrom(...transactionTypes), fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }), fc.constantFrom('', ' ', '\t'))
  .map(([type, upper, blank]) => `${blank}${[...type].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('')}${blank}`);

/** Every accepted form of createdAt for the instant `ms`. */
function createdAtForms(ms: number): string[] {
  const iso = new Date(ms).toISOString();
  const plain = iso.slice(0, 19);
  const shifted = new Date(ms + (5 * 60 + 30) * 60_000).toISOString().slice(0, 19);
  return [iso, `${plain}Z`, plain, plain.replace('T', ' '), `${plain}.5`, `${shifted}+05:30`];
}

const recordArb = fc.record({
  userId: userIdArb,
  id: idArb,
  type: typeArb,
  amount: amountArb,
  offsetMs: fc.integer({ min: 0, max: 59_999 }),
  form: fc.nat({ max: 5 }),
});

const worldArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 40 }),
  /** A few users appear many times, so sums grow beyond one amount. */
  sharedUsers: fc.array(userIdArb, { minLength: 1, maxLength: 3 }),
  share: fc.double({ min: 0, max: 0.8, noNaN: true }),
});

const compareUserIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The payout list as the API promises it: users above 0, in the requested order, at least `min`. */
function referenceList(sums: Map<string, AggregateSums>, sort: PayoutSort, min?: string): PayoutEntry[] {
  const entries = [...sums]
    .filter(([, s]) => new Big(s.payout).gt(0) && (min === undefined || new Big(s.payout).gte(min)))
    .map(([userId, s]) => ({ userId, totalPayout: new Big(s.payout).toFixed() }));
  const byAmount = (a: PayoutEntry, b: PayoutEntry) => new Big(a.totalPayout).cmp(b.totalPayout) || compareUserIds(a.userId, b.userId);
  if (sort === 'userId') return entries.sort((a, b) => compareUserIds(a.userId, b.userId));
  return sort === 'totalPayout' ? entries.sort(byAmount) : entries.sort((a, b) => byAmount(b, a));
}

test('every record validation accepts is applied exactly and listed in every payout order under every minTotalPayout', async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, async (world) => {
      const table = await createTestTable();
      const store = { document: createDocumentClient(), tableName: table.tableName };
      try {
        const drawn: UpstreamRecord[] = world.records.map((r, i) => {
          const createdAtMs = t0 + r.offsetMs;
          const userId = i / world.records.length < world.share ? world.sharedUsers[i % world.sharedUsers.length]! : r.userId;
          const record = { id: r.id, userId, createdAt: createdAtForms(createdAtMs)[r.form]!, type: r.type, amount: new DecimalText(r.amount) };
          return { record, createdAtMs, visibleAtMs: createdAtMs };
        });
        // One listing per identity (userId, id): which of two contents wins is the exactly-once test's subject, not this one's.
        const identities = new Set<string>();
        const records = drawn.filter(({ record }) => {
          const identity = `${record.userId}\u0000${record.id instanceof DecimalText ? record.id.text : record.id}`;
          return !identities.has(identity) && Boolean(identities.add(identity));
        });
        const valid: Transaction[] = records.map(({ record }) => {
          const validated = validateRecord(record);
          // The arbitraries draw only from the accepted domain: a refusal here is a bug in the test or the domain.
          if (!validated.ok) throw new Error(`not accepted: ${validated.reason} ${JSON.stringify(record)}`);
          return validated.transaction;
        });

        const clock = new FakeClock(t0 + 70_000);
        const upstream = new ScriptedUpstream(records, clock.nowMs);
        const config = testConfig(table.tableName, { RECONCILE_HOURS: '0' });
        for (let ticks = 0; Date.parse((await storedCursor(store))?.watermark ?? '0') < t0 + 60_000; ticks++) {
          if (ticks > 40) throw new Error('ingestion did not get past the records within 40 ticks');
          const report = await tick(config, store, upstream, clock);
          expect(report.outcome).not.toMatch(/apply-failed|upstream-error/);
          expect(report.quarantined).toBe(0);
          clock.advance(12_000);
        }

        const reference = referenceAggregates(valid);
        expect(normalised(await storedAggregates(store))).toEqual(normalised(reference));
        const reads = createReadStore(store);
        for (const [userId, sums] of reference) {
          expect(userAggregateParamsSchema.safeParse({ userId }).success).toBe(true);
          const view = await reads.getAggregate(userId);
          expect(Object.fromEntries(Object.entries(view!).map(([k, v]) => [k, new Big(v).toFixed()]))).toEqual(
            Object.fromEntries(Object.entries(viewOf(sums)).map(([k, v]) => [k, new Big(v).toFixed()])),
          );
        }
        const payouts = [...reference.values()].map((s) => new Big(s.payout)).filter((p) => p.gt(0));
        const step = new Big(`1e-${amountDomain.fractionDigits}`);
        const bounds = [undefined, '0', step.toFixed(), ...payouts.slice(0, 3).flatMap((p) => [p.toFixed(), p.plus(step).toFixed(), p.minus(step).toFixed()])];
        for (const sort of ['userId', 'totalPayout', '-totalPayout'] as const) {
          for (const min of bounds) {
            const listed: PayoutEntry[] = [];
            let after: string | undefined;
            for (let pages = 0; pages < 100; pages++) {
              const page = await reads.listPayouts({ limit: 3, sort, minTotalPayout: min, after });
              listed.push(...page.payouts);
              after = page.next;
              if (!after) break;
            }
            expect({ sort, min, listed: listed.map((e) => ({ ...e, totalPayout: new Big(e.totalPayout).toFixed() })) }).toEqual({
              sort,
              min,
              listed: referenceList(reference, sort, min),
            });
          }
        }
      } finally {
        await table.drop();
      }
    }),
    { numRuns: Number(process.env.DOMAIN_PROPERTY_RUNS ?? 20) },
  );
}, 300_000);
