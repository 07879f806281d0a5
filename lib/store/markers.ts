import type { Transaction } from '../core/transaction';
import { batchGetAll, type BatchGetOptions } from './batch-get';
import { keys } from './table-schema';
import type { StoreContext } from './store-context';

/** A marker's `seq` when an operator quarantined its transaction instead of applying it (lib/store/operator-actions.ts). */
export const OPERATOR_QUARANTINE_SEQUENCE = -1;

/** What a transaction's marker (USER#u / TX#id) says: the page that applied it (or the operator's −1), and the content it carried. */
export interface Marker {
  seq: number;
  content?: string;
}

/** The key `readMarkers` answers by. */
export const markerKey = (transaction: Pick<Transaction, 'userId' | 'id'>): string => {
  const { pk, sk } = keys.marker(transaction.userId, transaction.id);
  return `${pk}|${sk}`;
};

/** The existing markers among the transactions', by `markerKey`. */
export async function readMarkers(
  store: StoreContext,
  transactions: readonly Transaction[],
  options: Pick<BatchGetOptions, 'consistentRead' | 'sleep'> = {},
): Promise<Map<string, Marker>> {
  const items = await batchGetAll(
    store,
    transactions.map((t) => keys.marker(t.userId, t.id)),
    { projection: 'pk, sk, seq, content', ...options },
  );
  return new Map(
    items.map((item) => [`${item.pk}|${item.sk}`, { seq: Number(item.seq), ...(item.content === undefined ? {} : { content: String(item.content) }) }]),
  );
}
