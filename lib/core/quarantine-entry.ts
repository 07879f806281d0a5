import { createHash } from 'node:crypto';
import { stringifyLossless } from './lossless-json';
import type { QuarantinedRecord } from './transaction';

/** A quarantined record as it is kept (in a pending page, in the quarantine): an excerpt of its JSON plus the hash of all of it. */
export type QuarantineEntry = Omit<QuarantinedRecord, 'raw'> & {
  /** The raw record's JSON text, its first QUARANTINED_RAW_CHARS characters. */
  raw: string;
  /** SHA-256 of the whole raw record's JSON text, so an excerpt can be matched with the upstream's copy. */
  rawSha256: string;
};

/** Keeps a page of even 1000 huge malformed records within DynamoDB's limits: an excerpt plus a hash of the whole. */
const QUARANTINED_RAW_CHARS = 512;

export function quarantineEntry(index: number, reason: string, raw: unknown): QuarantineEntry {
  const text = stringifyLossless(raw);
  return { index, reason, raw: text.slice(0, QUARANTINED_RAW_CHARS), rawSha256: createHash('sha256').update(text).digest('hex') };
}
