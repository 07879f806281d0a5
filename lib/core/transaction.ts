import Big from 'big.js';
import * as z from 'zod';

export const transactionTypes = ['earned', 'spent', 'payout', 'paidOut'] as const;
export type TransactionType = (typeof transactionTypes)[number];

/** A valid upstream transaction. Identity is (userId, id); amount is an exact decimal string. */
export interface Transaction {
  id: string;
  userId: string;
  createdAt: string;
  type: TransactionType;
  amount: string;
}

/** An upstream record that cannot be applied, kept with the reason. */
export interface QuarantinedRecord {
  /** Position in the page, so re-applying the page overwrites rather than repeats. */
  index: number;
  reason: string;
  raw: unknown;
}

/**
 * A number exactly as the upstream wrote it. The client parses JSON losslessly, so an amount
 * reaches validation as the decimal text of the response, never as a binary float.
 */
export class DecimalText {
  constructor(readonly text: string) {}
}

/** The same rule the read API applies to path ids: a user we could never serve is not applied. */
export const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
/** DynamoDB numbers keep 38 significant digits; stay far below so sums never round. */
const MAX_AMOUNT = new Big('1e15');
const MAX_FRACTION_DIGITS = 8;

const recordSchema = z.object({
  id: z.string('id is missing or not a string').min(1, 'id is empty').max(256, 'id is longer than 256 characters'),
  userId: z.string('userId is missing or not a string').regex(userIdPattern, 'userId is not 1-64 characters of [A-Za-z0-9_-]'),
  createdAt: z.iso.datetime({ offset: true, message: 'createdAt is not an ISO 8601 date-time' }),
  type: z.enum(transactionTypes, `type is not one of ${transactionTypes.join(', ')}`),
  amount: z.instanceof(DecimalText, { message: 'amount is missing or not a JSON number' }),
});

export type RecordValidation = { ok: true; transaction: Transaction } | { ok: false; reason: string };

export function validateRecord(raw: unknown): RecordValidation {
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join('; ') };
  }
  const amount = exactAmount(parsed.data.amount.text);
  if (!amount.ok) return amount;
  const { id, userId, createdAt, type } = parsed.data;
  return { ok: true, transaction: { id, userId, createdAt: new Date(createdAt).toISOString(), type, amount: amount.value } };
}

function exactAmount(text: string): { ok: true; value: string } | { ok: false; reason: string } {
  let value: Big;
  try {
    value = new Big(text);
  } catch {
    return { ok: false, reason: 'amount is not a finite decimal number' };
  }
  if (value.lt(0)) return { ok: false, reason: 'amount is negative' };
  if (value.gte(MAX_AMOUNT)) return { ok: false, reason: 'amount is too large (1e15 or more)' };
  if (!value.eq(value.round(MAX_FRACTION_DIGITS, Big.roundDown))) {
    return { ok: false, reason: `amount has more than ${MAX_FRACTION_DIGITS} decimal places` };
  }
  return { ok: true, value: value.toFixed() };
}

export interface PageValidation {
  transactions: Transaction[];
  quarantined: QuarantinedRecord[];
}

export function validatePage(records: readonly unknown[]): PageValidation {
  const transactions: Transaction[] = [];
  const quarantined: QuarantinedRecord[] = [];
  records.forEach((raw, index) => {
    const result = validateRecord(raw);
    if (result.ok) transactions.push(result.transaction);
    else quarantined.push({ index, reason: result.reason, raw });
  });
  return { transactions, quarantined };
}

export const transactionIdentity = (transaction: Pick<Transaction, 'userId' | 'id'>): string =>
  `${transaction.userId}\u0000${transaction.id}`;
