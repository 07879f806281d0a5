import { countBetween, dropThrough, recordCounts, replaceCounts } from './second-ledger';
import { epochSecond, freshestRead, type IngestionPosition, type IngestionSettings, type OpenSpan, type Pass, type Span } from './ingestion-position';
import { mayHaveMore, type PageMeta } from './upstream-page';
import { upstreamContract } from './upstream-contract';

/** One page as the passes need it: where each record sits in time, not what it holds. */
export interface ReceivedPage {
  pass: Pass;
  span: Span;
  page: number;
  fetchedAtMs: number;
  /** The createdAt second of each record received, in the upstream's order (null: a record without a usable createdAt). */
  seconds: (number | null)[];
  meta: PageMeta;
}

/**
 * What one page covers. A page that may have a successor is split where its records end when
 * they come in createdAt order (every second before the last one seen is complete, the next
 * call starts at that second): the window ends with this very call and every call brings a
 * full page. Otherwise (unordered records, one second holding more than a page) the span is
 * paged through and covered only by its last page.
 */
export type PageCoverage = { kind: 'whole'; span: Span } | { kind: 'split'; span: Span; restFrom: number } | { kind: 'paging'; next: OpenSpan };

export function pageCoverage(page: ReceivedPage): PageCoverage {
  const { span } = page;
  if (!mayHaveMore(page.seconds.length, page.page, page.meta)) return { kind: 'whole', span };
  const last = lastSecondIfOrdered(page.seconds);
  if (page.page === 1 && last !== undefined && last > span.start && last <= span.end)
    return { kind: 'split', span: { start: span.start, end: last - 1 }, restFrom: last };
  return { kind: 'paging', next: { ...span, page: page.page + 1 } };
}

function lastSecondIfOrdered(seconds: readonly (number | null)[]): number | undefined {
  let last: number | undefined;
  for (const second of seconds) {
    if (second === null) continue;
    if (last !== undefined && second < last) return undefined;
    last = second;
  }
  return last;
}

/** Where the passes stand once the page is fully applied. Pure: a re-applied page gives the same answer. */
export function positionAfterPage(position: IngestionPosition, page: ReceivedPage, settings: IngestionSettings): IngestionPosition {
  const coverage = pageCoverage(page);
  const open = { ...position.open };
  delete open[page.pass];
  // A fresh read is never paged through: the settled head reads the same seconds soon.
  if (coverage.kind === 'paging' && page.pass !== 'fresh') open[page.pass] = coverage.next;
  const next = { ...position, open };
  if (page.pass === 'head') return afterHeadPage(next, page, coverage, settings);
  if (page.pass === 'fresh') return afterFreshPage(next, page, coverage, settings);
  if (page.pass === 'tail') return afterTailPage(next, page, coverage);
  if (coverage.kind === 'paging') return next;
  return { ...next, reconciled: Math.max(position.reconciled, coverage.span.end) };
}

function afterHeadPage(position: IngestionPosition, page: ReceivedPage, coverage: PageCoverage, settings: IngestionSettings): IngestionPosition {
  // Count what the head received per second; a record without a usable createdAt counts at the window's start.
  const placed = page.seconds.map((second) => (second === null || second < page.span.start || second > page.span.end ? page.span.start : second));
  const counted = coverage.kind === 'split' ? placed.filter((second) => second < coverage.restFrom) : placed;
  const through = coverage.kind === 'split' ? coverage.span.end : page.span.end;
  let ledger = recordCounts(position.ledger, through, counted);
  if (coverage.kind === 'paging') return { ...position, ledger };

  const head = Math.max(position.head, coverage.span.end);
  const age = epochSecond(page.fetchedAtMs) - coverage.span.end;
  let { verified, reconciled, density } = position;
  // Seconds already older than the horizon when read need no second look (and none older than a reconciliation's age either).
  if (verified === position.head && age >= settings.lateHorizonSeconds) {
    verified = head;
    ledger = dropThrough(ledger, head);
  }
  if (reconciled === position.head && age >= settings.reconcileSeconds) reconciled = head;
  if (page.page === 1) {
    const seen = counted.length / (coverage.span.end - coverage.span.start + 1);
    density = density > 0 ? (density + seen) / 2 : seen;
  }
  return { ...position, head, verified, reconciled, ledger, density };
}

/**
 * A fresh read moves the freshest read to what it fully read (never past a page that overflowed).
 * Where it started at or before the head's (the tail's, reconciliation's) next second, what it
 * read is also settled (verified, reconciled) as far as it was old enough when read: the same
 * rule as a head window read late. Its counts replace the ledger's for the seconds it read whole.
 */
function afterFreshPage(position: IngestionPosition, page: ReceivedPage, coverage: PageCoverage, settings: IngestionSettings): IngestionPosition {
  const { start } = page.span;
  const seconds = (end: number) => end - start + 1;
  if (coverage.kind === 'paging') {
    // More than a page and no order to split by: nothing was read whole. Count the span as two pages (the upstream's
    // page may be smaller than the contract's), so the next fresh window is half as long and no longer stands in for the head's.
    return { ...position, density: Math.max(position.density, (2 * upstreamContract.pageSize) / seconds(page.span.end)) };
  }
  const covered = coverage.span.end;
  const fetched = epochSecond(page.fetchedAtMs);
  const placed = page.seconds.map((second) => (second === null || second < start || second > page.span.end ? start : second));
  const counted = coverage.kind === 'split' ? placed.filter((second) => second < coverage.restFrom) : placed;
  const read = freshestRead(position);
  let { head, verified, reconciled, ledger, density } = position;
  if (start <= head + 1) head = Math.max(head, Math.min(covered, fetched - settings.settleLagSeconds));
  ledger = replaceCounts(ledger, start, Math.min(covered, head), counted);
  if (start <= verified + 1) verified = Math.max(verified, Math.min(covered, head, fetched - settings.lateHorizonSeconds));
  if (start <= reconciled + 1) reconciled = Math.max(reconciled, Math.min(covered, head, fetched - settings.reconcileSeconds));
  if (page.page === 1 && covered >= start) {
    const seen = counted.length / seconds(covered);
    // A page that overflowed is evidence the stretch is denser than thought: trust it at once (traffic rising), not half-way.
    density = density > 0 ? (coverage.kind === 'split' ? Math.max(seen, (density + seen) / 2) : (density + seen) / 2) : seen;
  }
  // Only a read that joins what was read before moves the watermark.
  const fresh = start <= read + 1 ? Math.max(read, covered) : read;
  return { ...position, head, fresh, verified, reconciled, ledger: dropThrough(ledger, verified), density };
}

function afterTailPage(position: IngestionPosition, page: ReceivedPage, coverage: PageCoverage): IngestionPosition {
  const { ledger } = position;
  const { start, end } = page.span;
  const total = page.meta.totalItems;
  let verified = position.verified;
  let probeItems = position.probeItems;
  const grow = () => (probeItems = Math.min(probeItems * 2, 1_000_000));
  const shrink = () => (probeItems = Math.max(upstreamContract.pageSize, Math.floor(probeItems / 2)));

  if (coverage.kind === 'whole') {
    // Every listing of the span was read again, whatever the counts say.
    verified = end;
    if (page.page === 1) (page.seconds.length === countBetween(ledger, start, end) ? grow : shrink)();
  } else if (coverage.kind === 'split') {
    // Re-read up to the last second seen; the rest is verified when the upstream counts what the head did.
    const before = page.seconds.filter((second) => second !== null && second < coverage.restFrom).length;
    if (total !== undefined && total - before === countBetween(ledger, coverage.restFrom, end)) {
      verified = end;
      grow();
    } else {
      verified = coverage.span.end;
      if (total !== undefined) shrink();
    }
  } else if (page.page === 1) {
    if (total !== undefined && total === countBetween(ledger, start, end)) {
      verified = end;
      grow();
      return { ...position, open: withoutTail(position.open), verified, ledger: dropThrough(ledger, verified), probeItems };
    }
    if (start < end && probeItems > upstreamContract.pageSize) {
      // Narrow first: a smaller span may be settled by one page instead of paging this one.
      shrink();
      return { ...position, open: withoutTail(position.open), probeItems };
    }
  }
  return { ...position, verified, ledger: dropThrough(ledger, verified), probeItems };
}

function withoutTail(open: IngestionPosition['open']): IngestionPosition['open'] {
  const rest = { ...open };
  delete rest.tail;
  return rest;
}
