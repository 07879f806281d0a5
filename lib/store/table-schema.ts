/**
 * The one definition of the DynamoDB table: read by the CDK stack, by the local runtime
 * (which creates the table in DynamoDB Local from it) and by the store adapter.
 *
 * Single table, string keys:
 *   USER#<userId>   AGGREGATE            the user's sums (earned, spent, payout, paidOut), updatedAt
 *   USER#<userId>   TX#<transactionId>   ingestion marker: this transaction was applied (TTL)
 *   INGESTION       CURSOR               the passes' watermarks and ledger, sequence, status counters
 *   INGESTION       PENDING#<seq>#<n>    a fetched page not yet applied, in chunks (TTL)
 *   INGESTION       CALL_SLOT#<n>        one of the 5 upstream call slots per 60 s
 *   INGESTION       AUDIT#<iso>          an operator's skip or split of a jammed call (kept)
 *   QUARANTINE      RAW#<sha256>         a malformed upstream record (by content) and its reason
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  payoutIndex: {
    name: 'payoutIndex',
    /** Present only on aggregates whose payout is above 0: the index is sparse. */
    partitionKey: 'payoutIndexPk',
    sortKey: 'userId',
  },
  payoutAmountIndex: {
    name: 'payoutAmountIndex',
    /** The same sparse partition attribute as payoutIndex: only aggregates whose payout is above 0. */
    partitionKey: 'payoutIndexPk',
    /** Fixed-width payout amount, `#`, userId (lib/core/payout-sort-key.ts): amount order, ties by userId. */
    sortKey: 'payoutSortKey',
  },
} as const;

/** The global secondary indexes, each projecting the payout (and its keys): defined once, for CDK and DynamoDB Local. */
export const globalSecondaryIndexes = [
  { ...tableSchema.payoutIndex, nonKeyAttributes: ['payout'] },
  { ...tableSchema.payoutAmountIndex, nonKeyAttributes: ['payout', 'userId'] },
] as const;

/** Constant partition value of the sparse payout index. */
export const PAYOUT_INDEX_PARTITION = 'PAYOUT';

/** The attribute definitions every engine needs (CreateTable / CDK). All keys are strings. */
export const keyAttributes = [
  tableSchema.partitionKey,
  tableSchema.sortKey,
  tableSchema.payoutIndex.partitionKey,
  tableSchema.payoutIndex.sortKey,
  tableSchema.payoutAmountIndex.sortKey,
] as const;

export const keys = {
  aggregate: (userId: string) => ({ pk: `USER#${userId}`, sk: 'AGGREGATE' }),
  marker: (userId: string, transactionId: string) => ({ pk: `USER#${userId}`, sk: `TX#${transactionId}` }),
  cursor: () => ({ pk: 'INGESTION', sk: 'CURSOR' }),
  callSlot: (slot: number) => ({ pk: 'INGESTION', sk: `CALL_SLOT#${slot}` }),
  pendingChunk: (sequence: number, chunk: number) => ({
    pk: 'INGESTION',
    sk: `PENDING#${String(sequence).padStart(12, '0')}#${String(chunk).padStart(3, '0')}`,
  }),
  audit: (atIso: string) => ({ pk: 'INGESTION', sk: `AUDIT#${atIso}` }),
  quarantine: (rawSha256: string) => ({ pk: 'QUARANTINE', sk: `RAW#${rawSha256}` }),
} as const;
