import Big from 'big.js';

/** A stored DynamoDB number (a `NumberValue` with wrapNumbers, a plain number, or N text) as exact decimal text; absent is 0. */
export function decimalText(value: unknown): string {
  if (value === undefined || value === null) return '0';
  return new Big(String((value as { value?: string }).value ?? value)).toFixed();
}
