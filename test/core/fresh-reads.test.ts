import { planCall } from '../../lib/core/call-plan';
import { freshestRead, initialPosition, rewoundPosition, type IngestionPosition } from '../../lib/core/ingestion-position';
import { positionAfterAction } from '../../lib/core/operator-action';
import { positionAfterPage, type ReceivedPage } from '../../lib/core/page-outcome';
import { recordCounts } from '../../lib/core/second-ledger';
import { defaultSettings } from '../support/ingestion-settings';

const settings = defaultSettings();
const t0 = Date.parse(settings.ingestFrom) / 1000;
const at = (second: number) => (t0 + second) * 1000;

/** Head read up to `head` (seconds after t0) at `density` a second, verified up to `verified`, fresh up to `fresh`. */
function position(head: number, verified: number, density: number, extra: Partial<IngestionPosition> = {}): IngestionPosition {
  const seconds = Array.from({ length: head - verified }, (_, i) => t0 + verified + 1 + i).flatMap((second) => Array<number>(density).fill(second));
  return {
    ...initialPosition(settings),
    head: t0 + head,
    fresh: t0 + head,
    verified: t0 + verified,
    reconciled: t0 + verified,
    density,
    ledger: recordCounts({ from: t0 + verified + 1, counts: [] }, t0 + head, seconds),
    ...extra,
  };
}

const page = (fields: Partial<ReceivedPage> & Pick<ReceivedPage, 'span' | 'seconds' | 'fetchedAtMs'>): ReceivedPage => ({
  pass: 'fresh',
  page: 1,
  meta: {},
  ...fields,
});
/** `perSecond` records for every second of [start, end] (seconds after t0), in createdAt order. */
const records = (start: number, end: number, perSecond: number): number[] =>
  Array.from({ length: end - start + 1 }, (_, i) => t0 + start + i).flatMap((second) => Array<number>(perSecond).fill(second));

describe('fresh reads: who gets the spare calls', () => {
  it('at ordinary traffic reads from the tail position up to the margin before now: one call does the tail, the head and freshness', () => {
    // 2 a second; the head settled up to 1000 − 45, verified 1000 − 72; 72 s × 2 fit a page.
    const plan = planCall(position(955, 928, 2), at(1000), settings);
    expect(plan).toEqual({ kind: 'fetch', pass: 'fresh', span: { start: t0 + 929, end: t0 + 998 }, page: 1 });
  });

  it('starts at the head when only the stretch from the head fits a page (up to a quarter over: it is split where it ends)', () => {
    // 17 a second: from verified (71 s) is 1207 listings, from the head (54 s) 918.
    expect(planCall(position(945, 928, 17), at(1000), settings)).toMatchObject({ pass: 'fresh', span: { start: t0 + 946, end: t0 + 998 } });
  });

  it('near the limit the head takes the call it needs first, and a fresh read gets only what is left, one page long', () => {
    // 66 a second: a page is 15 s; 955 − 935 = 20 s are settled, a full page waits.
    expect(planCall(position(935, 934, 66), at(1000), settings)).toEqual({ kind: 'fetch', pass: 'head', span: { start: t0 + 936, end: t0 + 950 }, page: 1 });
    // Less than a page is settled, nothing else is due: the spare call reads on after the freshest read.
    expect(planCall(position(950, 949, 66, { fresh: t0 + 960 }), at(1000), settings)).toEqual({
      kind: 'fetch',
      pass: 'fresh',
      span: { start: t0 + 961, end: t0 + 975 },
      page: 1,
    });
  });

  it('does not read what the freshest read already covers, nor the seconds inside the margin', () => {
    expect(planCall(position(955, 928, 2, { fresh: t0 + 998 }), at(1000), settings)).toEqual({ kind: 'idle' });
  });

  it('waits a budget window after a failed fresh read (the head meets the same seconds soon)', () => {
    expect(planCall(position(955, 928, 2), at(1000), settings, { freshFailedAtMs: at(990) })).toEqual({ kind: 'idle' });
    expect(planCall(position(955, 928, 2), at(1000), settings, { freshFailedAtMs: at(930) })).toMatchObject({ pass: 'fresh' });
  });

  it('stays off while the head pages through a second or narrows a jam', () => {
    const open = { head: { start: t0 + 956, end: t0 + 956, page: 2 } };
    expect(planCall(position(955, 928, 2, { open }), at(1000), settings)).toMatchObject({ pass: 'head', page: 2 });
    expect(planCall(position(955, 928, 2, { bounds: { head: t0 + 990 } }), at(1000), settings)).toEqual({ kind: 'idle' });
  });

  it('is off with a margin as long as the settle lag', () => {
    expect(planCall(position(955, 928, 2), at(1000), { ...settings, freshMarginSeconds: 45 })).toEqual({ kind: 'idle' });
  });
});

describe('fresh reads: where the passes stand after one', () => {
  it('a whole fresh read moves the watermark to its end, settles and verifies what was old enough, and replaces the ledger counts', () => {
    const before = position(955, 928, 2);
    const seconds = records(929, 998, 2);
    seconds.push(t0 + 950); // a late listing the head had not seen
    const after = positionAfterPage(before, page({ span: { start: t0 + 929, end: t0 + 998 }, seconds, fetchedAtMs: at(1000) }), settings);
    expect(freshestRead(after)).toBe(t0 + 998);
    expect(after).toMatchObject({ head: t0 + 955, verified: t0 + 940 });
    expect(after.ledger.from).toBe(t0 + 941);
    expect(after.ledger.counts).toEqual([...Array(9).fill(2), 3, ...Array(5).fill(2)]);
  });

  it('a fresh read that overflowed a page moves nothing past what it fully read', () => {
    const before = position(945, 928, 20);
    const seconds = records(946, 998, 20).slice(0, 1000); // ordered: split where the page ends
    const after = positionAfterPage(before, page({ span: { start: t0 + 946, end: t0 + 998 }, seconds, fetchedAtMs: at(1000) }), settings);
    const last = seconds[seconds.length - 1]!;
    expect(freshestRead(after)).toBe(last - 1);
    expect(after.head).toBe(t0 + 955);
    // Unordered: nothing was read whole, nothing moves; the next fresh window is shorter.
    const unordered = [t0 + 990, ...records(946, 998, 20).slice(0, 999)];
    const stuck = positionAfterPage(before, page({ span: { start: t0 + 946, end: t0 + 998 }, seconds: unordered, fetchedAtMs: at(1000) }), settings);
    expect(stuck).toMatchObject({ head: before.head, fresh: before.fresh, verified: before.verified, open: {} });
    expect(stuck.density).toBeGreaterThan(before.density);
  });

  it('a fresh read that overflowed takes the density it saw at once (traffic rising), not half-way', () => {
    const before = position(945, 928, 5);
    const seconds = records(946, 998, 20).slice(0, 1000);
    const after = positionAfterPage(before, page({ span: { start: t0 + 946, end: t0 + 998 }, seconds, fetchedAtMs: at(1000) }), settings);
    expect(after.density).toBe(20);
  });

  it('a fresh read after a gap it did not read moves the settled passes nothing and the watermark nothing', () => {
    const before = position(955, 928, 2, { fresh: t0 + 960 });
    const after = positionAfterPage(before, page({ span: { start: t0 + 970, end: t0 + 980 }, seconds: records(970, 980, 2), fetchedAtMs: at(1000) }), settings);
    expect(after).toMatchObject({ head: t0 + 955, fresh: t0 + 960, verified: t0 + 928 });
  });

  it('the settled head still reads every second once it has settled, whatever fresh reads did before', () => {
    // 20 a second: the stretch from the head (98 s) is two pages, so the head reads its own page.
    const ahead = position(900, 900, 20, { fresh: t0 + 990 });
    expect(planCall(ahead, at(1000), settings)).toMatchObject({ pass: 'head', span: { start: t0 + 901, end: t0 + 950 } });
  });

  it('a rewind moves the watermark back with every pass; an operator skips a fresh read without moving anything, and cannot split it', () => {
    const rewound = rewoundPosition(position(955, 928, 2, { fresh: t0 + 998 }), t0 + 500);
    expect(freshestRead(rewound)).toBe(t0 + 500);
    const before = position(955, 928, 2);
    const call = { pass: 'fresh' as const, span: { start: t0 + 929, end: t0 + 998 }, page: 1 };
    expect(positionAfterAction(before, call, 'skip')).toEqual(before);
    expect(positionAfterAction(before, call, 'split')).toMatchObject({ refused: expect.any(String) });
  });

  it('a head skip moves the settled head, and the watermark with it when it passes the freshest read', () => {
    const skipped = positionAfterAction(
      position(955, 928, 2, { fresh: t0 + 960 }),
      { pass: 'head', span: { start: t0 + 956, end: t0 + 980 }, page: 1 },
      'skip',
    );
    expect('refused' in skipped ? undefined : freshestRead(skipped)).toBe(t0 + 980);
  });
});

describe('the tail never re-reads a second whose markers may have expired', () => {
  it('a tail that far behind checks from the oldest safe second on (the seconds before it are counted, and alarmed)', () => {
    const now = 30 * 86_400;
    const behind = position(now - 50, now - 8 * 86_400, 0, { fresh: t0 + now - 50 });
    const plan = planCall(behind, at(now), { ...settings, freshMarginSeconds: 45 });
    expect(plan).toMatchObject({ kind: 'fetch', pass: 'tail' });
    expect(plan.kind === 'fetch' && plan.span.start).toBe(t0 + now - settings.markerSafeSeconds + 1);
  });

  it('nor does a fresh read start from a pass that far behind', () => {
    const now = 30 * 86_400;
    const behind = position(now - 50, now - 8 * 86_400, 0);
    const plan = planCall(behind, at(now), settings);
    expect(plan.kind === 'fetch' && plan.pass === 'fresh' ? plan.span.start : undefined).not.toBe(t0 + now - 8 * 86_400 + 1);
  });
});

describe('reconciliation takes a call for a page, not one a minute', () => {
  it('waits until a page worth at the density seen lately is a reconciliation age old (at most an hour by default)', () => {
    const now = 200_000;
    // 2 a second: a page is 500 s.
    const waiting = position(now - 45, now - 72, 2, { reconciled: t0 + now - 86_400 - 400 });
    expect(planCall(waiting, at(now), { ...settings, freshMarginSeconds: 45 })).toEqual({ kind: 'idle' });
    const due = { ...waiting, reconciled: t0 + now - 86_400 - 600 };
    expect(planCall(due, at(now), settings)).toEqual({
      kind: 'fetch',
      pass: 'reconcile',
      span: { start: t0 + now - 86_400 - 599, end: t0 + now - 86_400 },
      page: 1,
    });
  });
});
