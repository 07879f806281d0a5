import { LosslessNumber } from 'lossless-json';
import { amountDomain, idDomain, userIdDomain } from '../core/accepted-domain';
import type { DatasetItem } from './dataset';

/**
 * `extreme-records` (MOCK_FAULTS): records at every edge of what validation accepts
 * (lib/core/accepted-domain.ts), each built from that definition, so they move with it. Every
 * one must be applied exactly like an ordinary record; none is malformed.
 */

/** Seconds between two extreme records, and after the first example before the first of them. */
const SPACING_MS = 5_000;
const OFFSET_MS = 7_000;

/** The largest amount: just under 10^integerDigits, with every fraction digit (999…9.99…9). */
export const largestAmount = `${'9'.repeat(amountDomain.integerDigits)}.${'9'.repeat(amountDomain.fractionDigits)}`;
/** The finest amount: 0.123456789012 at 12 fraction digits. */
export const finestAmount = `0.${Array.from({ length: amountDomain.fractionDigits }, (_, i) => (i + 1) % 10).join('')}`;
/** A userId with every special character the rule allows, as long as it allows. */
export const longestUserId = (() => {
  const head = `edge${[...userIdDomain.characters.replace(/A-Za-z0-9/, '')].join('')}`;
  return head + 'u'.repeat(userIdDomain.maxCharacters - head.length);
})();
export const emailUserId = 'first.last+payouts@example.com';
/** As many characters as an id may have (ASCII). */
export const longestId = `tx-${'i'.repeat(idDomain.maxCharacters - 3)}`;
/** As many UTF-8 bytes as an id may have: 3-byte euro signs, topped up with ASCII. */
export const widestId = (() => {
  const euros = Math.floor(idDomain.maxBytes / 3);
  return '€'.repeat(euros) + 'x'.repeat(idDomain.maxBytes - euros * 3);
})();
/** 2^53 + 1: an integer id a binary float cannot hold, written as a JSON number. */
export const unsafeIntegerId = '9007199254740993';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
/** The API's own query format, `YYYY-MM-DD HH:mm:ss` (UTC). */
const queryFormat = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** ISO 8601 with a +05:30 offset, naming the same instant. */
const withOffset = (ms: number) => {
  const local = new Date(ms + 330 * 60_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+05:30`;
};
const iso = (ms: number) => new Date(ms).toISOString();

interface ExtremeRecord {
  id: string;
  /** The id written as a JSON number instead of a string. */
  numericId?: boolean;
  userId: string;
  createdAt: (ms: number) => string;
  type: string;
  amount: string;
}

const records: readonly ExtremeRecord[] = [
  { id: 'extreme-finest-payout', userId: 'extreme-finest', createdAt: iso, type: 'payout', amount: finestAmount },
  { id: 'extreme-largest-earned', userId: 'extreme-largest', createdAt: iso, type: 'earned', amount: largestAmount },
  { id: 'extreme-largest-payout-1', userId: 'extreme-largest', createdAt: iso, type: 'payout', amount: largestAmount },
  { id: 'extreme-largest-payout-2', userId: 'extreme-largest', createdAt: iso, type: 'payout', amount: largestAmount },
  { id: 'extreme-largest-spent', userId: 'extreme-largest', createdAt: iso, type: 'spent', amount: largestAmount },
  { id: 'extreme-email-user', userId: emailUserId, createdAt: iso, type: 'payout', amount: '12.5' },
  { id: 'extreme-longest-user', userId: longestUserId, createdAt: iso, type: 'payout', amount: '7.25' },
  { id: longestId, userId: 'extreme-ids', createdAt: iso, type: 'earned', amount: '1' },
  { id: widestId, userId: 'extreme-ids', createdAt: iso, type: 'earned', amount: '2' },
  { id: unsafeIntegerId, numericId: true, userId: 'extreme-ids', createdAt: iso, type: 'earned', amount: '4' },
  { id: 'extreme-type-case', userId: 'extreme-types', createdAt: iso, type: 'Payout', amount: '3.5' },
  { id: 'extreme-type-blanks', userId: 'extreme-types', createdAt: iso, type: ' PAIDOUT ', amount: '1.25' },
  { id: 'extreme-query-format', userId: 'extreme-dates', createdAt: queryFormat, type: 'earned', amount: '10' },
  { id: 'extreme-offset', userId: 'extreme-dates', createdAt: withOffset, type: 'spent', amount: '2.5' },
  { id: 'extreme-zero-payout', userId: 'extreme-zero', createdAt: iso, type: 'payout', amount: '0' },
];

/**
 * The extreme records as dataset items, 5 s apart from 7 s after `firstExampleAtMs` (the seed
 * example's first transaction): locally inside the generated history, so the first pages mix
 * them with ordinary traffic; deployed, once and for all beside the example.
 */
export function extremeRecordItems(firstExampleAtMs: number): DatasetItem[] {
  const startMs = Math.floor(firstExampleAtMs / 1000) * 1000 + OFFSET_MS;
  return records.map((record, index) => {
    const at = startMs + index * SPACING_MS;
    return {
      at,
      id: record.id,
      record: {
        id: record.numericId ? new LosslessNumber(record.id) : record.id,
        userId: record.userId,
        createdAt: record.createdAt(at),
        type: record.type,
        amount: new LosslessNumber(record.amount),
      },
    };
  });
}
