/**
 * Which failures of a write are a record's own: retrying cannot help, and the rest of its page
 * can still be applied. Everything else (throttling, 5xx, network, a missing grant) is the
 * page's: the page stays pending, the tick records `apply-failed`, a later tick tries again.
 */

/** The store refused a transaction for what it holds (DynamoDB's ValidationException or a cancellation reason `ValidationError`). */
export class RecordRefusedError extends Error {
  override name = 'RecordRefusedError';
}

/**
 * - `RangeError`: our own encoders refusing a value (e.g. a sum that does not fit the payout sort key);
 * - `ValidationException`: DynamoDB refusing the item itself (size, number precision);
 * - `RecordRefusedError`: a transaction cancelled because one of its items is invalid.
 */
export const isRecordRefusal = (error: unknown): boolean =>
  error instanceof RangeError || error instanceof RecordRefusedError || (error as { name?: string } | undefined)?.name === 'ValidationException';
