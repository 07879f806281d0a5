import Big from 'big.js';
import * as z from 'zod/mini';
import { amountDomain, createdAtWithoutOffset, idDomain, transactionTypes, userIdDomain, type TransactionType } from './accepted-domain';

export { transactionTypes, type TransactionType };

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

const MAX_AMOUNT = new Big(10).pow(amountDomain.integerDigits);
const MAX_FRACTION_DIGITS = amountDomain.fractionDigits;
const MAX_ID_CHARACTERS = idDomain.maxCharacters;
const MAX_ID_BYTES = idDomain.maxBytes;

/**
 * Where being lenient loses nothing, the record is taken as meant (the README's validation table):
 * a whole JSON number as an id is its digits; a type in another case is that type; a date-time
 * without an offset, or with a space for the `T` (the API's own query format), is UTC.
 */
const idText = (field: string) =>
  z.pipe(
    z.transform((value: unknown) => (value instanceof DecimalText && /^-?\d+$/.test(value.text) ? value.text : value)),
    z.string({ error: `${field} is missing or not a string` }),
  );
const lenientDateTime = z.pipe(
  z.transform((value: unknown) => (typeof value === 'string' && createdAtWithoutOffset.test(value) ? `${value.replace(' ', 'T')}Z` : value)),
  z.iso.datetime({ offset: true, error: 'createdAt is not an ISO 8601 date-time' }),
);
const lenientType = z.pipe(
  z.transform((value: unknown) =>
    typeof value === 'string' ? (transactionTypes.find((type) => type.toLowerCase() === value.trim().toLowerCase()) ?? value) : value,
  ),
  z.enum(transactionTypes, { error: `type is not one of ${transactionTypes.join(', ')}` }),
);

const recordSchema = z.object({
  id: z.pipe(
    idText('id'),
    z.string().check(
      z.minLength(1, 'id is empty'),
      z.maxLength(MAX_ID_CHARACTERS, `id is longer than ${MAX_ID_CHARACTERS} characters`),
      z.refine((id: string) => Buffer.byteLength(id, 'utf8') <= MAX_ID_BYTES, `id is longer than ${MAX_ID_BYTES} bytes`),
    ),
  ),
  userId: z.pipe(idText('userId'), z.string().check(z.regex(userIdDomain.pattern, `userId is not ${userIdDomain.rule}`))),
  createdAt: lenientDateTime,
  type: lenientType,
  amount: z.instanceof(DecimalText, { error: 'amount is missing or not a JSON number' }),
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
  if (value.gte(MAX_AMOUNT)) return { ok: false, reason: `amount is too large (1e${amountDomain.integerDigits} or more)` };
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

export const transactionIdentity = (transaction: Pick<Transaction, 'userId' | 'id'>): string => `${transaction.userId}\u0000${transaction.id}`;
