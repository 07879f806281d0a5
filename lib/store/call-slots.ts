import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { slotToClaim } from '../core/call-budget';
import type { CallBudget, CallSlots } from '../ingestion/ports';
import { plainNumbers, type CallSlotItem, type Stored } from './item-shapes';
import { keys } from './table-schema';
import { isConditionalCheckFailure, type StoreContext } from './store-context';

/** A claim older than this when the request goes out is stamped again: the upstream counts arrivals. */
export const SEND_WITHIN_MS = 50;

/**
 * The upstream budget, enforced in DynamoDB: `calls` slots, each admitting one call and then
 * closed for `windowMs`. A slot is taken with a conditional write on the claim time that was
 * read, so concurrent ticks cannot both take it. Six calls inside any window would need one
 * slot to admit two calls less than `windowMs` apart, which the condition forbids.
 */
export function createCallSlots(
  { document, tableName }: StoreContext,
  budget: CallBudget,
  clock: { nowMs(): number; sleep(ms: number): Promise<void> },
): CallSlots {
  const readClaims = async (): Promise<number[]> => {
    const { Items = [] } = await document.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.callSlot(0).pk, ':prefix': 'CALL_SLOT#' },
        ConsistentRead: true,
      }),
    );
    const claims = new Array<number>(budget.calls).fill(0);
    for (const item of plainNumbers<CallSlotItem[]>(Items as Stored<CallSlotItem>[])) {
      const slot = Number(item.sk.slice('CALL_SLOT#'.length));
      if (slot < budget.calls) claims[slot] = item.claimedAt;
    }
    return claims;
  };

  return {
    async claim(holder) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const claims = await readClaims();
        const next = slotToClaim(claims, budget, clock.nowMs());
        if ('giveUp' in next) return { claimed: false, freeAtMs: next.freeAtMs };
        const { slot, seen, waitMs } = next;
        if (waitMs > 0) await clock.sleep(waitMs);
        const claimedAt = clock.nowMs();
        const item: CallSlotItem = {
          ...keys.callSlot(slot),
          claimedAt,
          claimedBy: holder,
          expiresAt: Math.ceil((claimedAt + budget.windowMs) / 1000) + 86_400,
        };
        try {
          await document.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: seen === 0 ? 'attribute_not_exists(pk)' : 'claimedAt = :seen',
              ExpressionAttributeValues: seen === 0 ? undefined : { ':seen': seen },
            }),
          );
          return { claimed: true, slot, claimedAt, holder };
        } catch (error) {
          if (!isConditionalCheckFailure(error)) throw error;
        }
      }
      return { claimed: false, freeAtMs: clock.nowMs() + budget.windowMs / budget.calls };
    },

    async confirm(claim) {
      const now = clock.nowMs();
      if (now - claim.claimedAt <= SEND_WITHIN_MS) return true;
      try {
        await document.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.callSlot(claim.slot),
            UpdateExpression: 'SET claimedAt = :now, expiresAt = :expiresAt',
            ConditionExpression: 'claimedAt = :claimedAt AND claimedBy = :holder',
            ExpressionAttributeValues: {
              ':now': now,
              ':expiresAt': Math.ceil((now + budget.windowMs) / 1000) + 86_400,
              ':claimedAt': claim.claimedAt,
              ':holder': claim.holder,
            },
          }),
        );
        claim.claimedAt = now;
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    },
  };
}
