import { PutCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import type { QuarantineStore } from '../ingestion/ports';
import type { QuarantineItem } from './item-shapes';
import { keys } from './table-schema';
import { isConditionalCheckFailure, type StoreContext } from './store-context';

const PARALLEL_PUTS = 8;

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
