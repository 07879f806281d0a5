import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { stringifyLossless } from '../core/lossless-json';
import pLimit from 'p-limit';
import type { Window } from '../core/upstream-page';
import type { QuarantineItem } from './item-shapes';
import { keys } from './table-schema';
import { isConditionalCheckFailure, type StoreContext } from './store-context';

export interface QuarantinedRecord {
  index: number;
  reason: string;
  raw: string;
  rawSha256: string;
}

export interface QuarantineStore {
  /**
   * Keeps the malformed records of page `sequence`, one item per distinct content, and answers
   * how many are new: a tail or reconciliation re-read of the same record counts nothing, a retry
   * of the same page (after a crash before its checkpoint) counts them again, as it should.
   */
  keep(sequence: number, records: readonly QuarantinedRecord[], source: { window: Window; page: number }, nowIso: string): Promise<number>;
}

const PARALLEL_PUTS = 8;

/** Keeps a page of even 1000 huge malformed records within DynamoDB's limits: an excerpt plus a hash of the whole. */
const QUARANTINED_RAW_CHARS = 512;

/** A record as the quarantine keeps it: an excerpt of its JSON plus the hash of all of it. */
export function quarantineEntry(index: number, reason: string, raw: unknown): QuarantinedRecord {
  const text = stringifyLossless(raw);
  return { index, reason, raw: text.slice(0, QUARANTINED_RAW_CHARS), rawSha256: createHash('sha256').update(text).digest('hex') };
}

export function createQuarantineStore({ document, tableName }: StoreContext): QuarantineStore {
  const limit = pLimit(PARALLEL_PUTS);
  return {
    async keep(sequence, records, source, nowIso) {
      const distinct = [...new Map(records.map((record) => [record.rawSha256, record])).values()];
      const kept = await Promise.all(
        distinct.map((record) =>
          limit(async () => {
            const item: QuarantineItem = {
              ...keys.quarantine(record.rawSha256),
              reason: record.reason,
              raw: record.raw,
              rawSha256: record.rawSha256,
              firstSequence: sequence,
              windowStart: source.window.start,
              windowEnd: source.window.end,
              page: source.page,
              quarantinedAt: nowIso,
            };
            try {
              await document.send(
                new PutCommand({
                  TableName: tableName,
                  Item: { ...item },
                  ConditionExpression: 'attribute_not_exists(pk) OR firstSequence = :sequence',
                  ExpressionAttributeValues: { ':sequence': sequence },
                }),
              );
              return 1;
            } catch (error) {
              if (isConditionalCheckFailure(error)) return 0;
              throw error;
            }
          }),
        ),
      );
      return kept.reduce<number>((sum, one) => sum + one, 0);
    },
  };
}
