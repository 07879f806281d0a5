/**
 * How many listings the head pass received for each second it read: the tail pass compares
 * these with the upstream's `totalItems` to verify a whole span in one call. Seconds are epoch
 * seconds; `counts[i]` belongs to second `from + i`.
 */
export interface SecondLedger {
  from: number;
  counts: number[];
}

export const emptyLedger = (from: number): SecondLedger => ({ from, counts: [] });

/** The ledger's last second (from − 1 when empty). */
export const ledgerEnd = (ledger: SecondLedger): number => ledger.from + ledger.counts.length - 1;

/** Adds counts per second, growing the ledger with zeros up to `through`. Seconds before `from` are ignored. */
export function recordCounts(ledger: SecondLedger, through: number, seconds: Iterable<number>): SecondLedger {
  const counts = [...ledger.counts];
  while (ledger.from + counts.length - 1 < through) counts.push(0);
  for (const second of seconds) {
    const index = second - ledger.from;
    if (index >= 0 && index < counts.length) counts[index]! += 1;
  }
  return { from: ledger.from, counts };
}

/**
 * Sets the counts of seconds [start, through] to what one read of them received (a later, whole
 * read of a second saw at least what an earlier one did), growing the ledger with zeros up to
 * `through`. Seconds before `from` are ignored.
 */
export function replaceCounts(ledger: SecondLedger, start: number, through: number, seconds: Iterable<number>): SecondLedger {
  const counts = [...ledger.counts];
  while (ledger.from + counts.length - 1 < through) counts.push(0);
  for (let second = Math.max(start, ledger.from); second <= through; second++) counts[second - ledger.from] = 0;
  for (const second of seconds) {
    const index = second - ledger.from;
    if (second >= start && second <= through && index >= 0) counts[index]! += 1;
  }
  return { from: ledger.from, counts };
}

/** Listings the head received for seconds [start, end]. */
export function countBetween(ledger: SecondLedger, start: number, end: number): number {
  let total = 0;
  for (let second = Math.max(start, ledger.from); second <= Math.min(end, ledgerEnd(ledger)); second++) total += ledger.counts[second - ledger.from]!;
  return total;
}

/** Forgets every second up to `through` (they are verified). */
export function dropThrough(ledger: SecondLedger, through: number): SecondLedger {
  if (through < ledger.from) return ledger;
  return { from: through + 1, counts: ledger.counts.slice(through + 1 - ledger.from) };
}

/** The last second e ≥ start, e ≤ limit, whose span [start, e] holds at most `items` listings (at least `start` itself). */
export function spanHolding(ledger: SecondLedger, start: number, limit: number, items: number): number {
  let total = 0;
  let end = start;
  for (let second = start; second <= limit; second++) {
    total += second >= ledger.from && second <= ledgerEnd(ledger) ? ledger.counts[second - ledger.from]! : 0;
    if (total > items && second > start) break;
    end = second;
  }
  return end;
}
