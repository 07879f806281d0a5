import Big from 'big.js';
import { LosslessNumber, stringify } from 'lossless-json';

/**
 * Money in JSON responses: a decimal string is written as a JSON number literal digit for digit,
 * so 0.1 + 0.2 reads `0.3` and 12345678901234567.89 keeps every digit (no float ever holds it).
 */
export type JsonDecimal = LosslessNumber;

/** Wraps an exact decimal string (canonical form, no exponent) for `stringifyExact`. */
export const jsonDecimal = (decimal: string): JsonDecimal => new LosslessNumber(new Big(decimal).toFixed());

/** JSON text of a value whose money fields were wrapped with `jsonDecimal`. Key order is kept. */
export const stringifyExact = (value: object): string => stringify(value) ?? 'null';
