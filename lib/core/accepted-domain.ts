/**
 * What an upstream record may be and still be applied: the one definition read by validation
 * (lib/core/transaction.ts), the payout sort key (lib/core/payout-sort-key.ts), the read API's
 * rules (lib/api/schemas.ts) and the OpenAPI document. The property test
 * `test/ingestion/accepted-domain.property.test.ts` draws records from all of it, edges included.
 * No imports: the read functions' bundles take this file alone.
 */

/** The transaction types, in their canonical spelling; another case or surrounding blanks are accepted as that type. */
export const transactionTypes = ['earned', 'spent', 'payout', 'paidOut'] as const;
export type TransactionType = (typeof transactionTypes)[number];

/**
 * Amounts: a non-negative decimal below 10^integerDigits (10^15) with at most 12 fraction digits. Any sum of such
 * amounts keeps within DynamoDB's 38 significant digits (24 integer + 12 fraction digits hold a
 * billion times the largest amount), so every sum is exact.
 */
export const amountDomain = { integerDigits: 15, fractionDigits: 12 } as const;

/** Sums (a user's payout, the payout sort key): 24 integer and 12 fraction digits, 36 significant digits. */
export const sumDomain = { integerDigits: 24, fractionDigits: amountDomain.fractionDigits } as const;

/** Transaction ids: a marker's sort key is `TX#<id>` and DynamoDB allows 1024 bytes. */
export const idDomain = { maxCharacters: 512, maxBytes: 1000 } as const;

/**
 * Who can be a user: the read API serves exactly these ids (URL-encoded in the path), and
 * ingestion quarantines a transaction of any other user instead of counting money no one could
 * see. E-mail-like ids and prefixed UUIDs are users too (`.`, `@`, `:`, `+`).
 */
export const userIdDomain = {
  maxCharacters: 128,
  characters: 'A-Za-z0-9_.@:+-',
  pattern: /^[A-Za-z0-9_.@:+-]{1,128}$/,
  rule: '1-128 characters of letters, digits and _ - . @ : +',
  /** The reason the read API gives for a character outside the rule. */
  charactersRule: 'may only contain letters, digits and _ - . @ : +',
} as const;

/**
 * `createdAt`: ISO 8601 with an offset (converted to UTC), or without one, or the API's own query
 * format `YYYY-MM-DD HH:mm:ss` (both taken as UTC), optionally with fractional seconds.
 */
export const createdAtWithoutOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$/;
