import { parse, stringify } from 'lossless-json';
import { DecimalText } from './transaction';

/** Parses JSON keeping every number as the decimal text it was written as. */
export const parseLossless = (text: string): unknown => parse(text, null, (digits) => new DecimalText(digits));

/** Writes JSON back with those numbers exactly as they came. */
export const stringifyLossless = (value: unknown): string =>
  stringify(value, null, undefined, [{ test: (candidate) => candidate instanceof DecimalText, stringify: (candidate) => (candidate as DecimalText).text }]) ??
  'null';
