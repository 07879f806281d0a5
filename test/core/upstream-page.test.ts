import { pageCoverage, positionAfterPage, type ReceivedPage } from '../../lib/core/page-outcome';
import { initialPosition } from '../../lib/core/ingestion-position';
import { recordCounts } from '../../lib/core/second-ledger';
import { contradictoryMeta, mayHaveMore } from '../../lib/core/upstream-page';
import { defaultSettings } from '../support/ingestion-settings';

describe('what was received decides whether a window may hold more, meta only helps', () => {
  it.each([
    ['a full page, whatever totalPages says', 1000, 1, { totalPages: 1 }, true],
    ['a full page with no meta at all', 1000, 3, {}, true],
    ['a full page of the page size the upstream says it uses', 200, 1, { itemsPerPage: 200, totalPages: 1 }, true],
    ['a short page whose meta says more pages follow', 10, 1, { totalPages: 3 }, true],
    ['a short page, meta agreeing', 10, 1, { totalPages: 1, itemCount: 10 }, false],
    ['a short page with no meta', 10, 2, {}, false],
    ['an empty page, whatever meta says', 0, 1, { totalPages: 9 }, false],
  ])('%s', (_, received, page, meta, expected) => {
    expect(mayHaveMore(received, page, meta)).toBe(expected);
  });

  it.each([
    ['itemCount off by one', 999, 1, { itemCount: 1000 }, /itemCount 1000 but 999/],
    ['another page number than asked', 10, 2, { currentPage: 1 }, /currentPage 1 but page 2/],
    ['fewer pages than already seen', 1000, 3, { totalPages: 2 }, /totalPages 2 but page 3/],
    ['fewer items in all than received', 1000, 2, { totalItems: 1500 }, /totalItems 1500 is fewer/],
  ])('counts contradictory meta: %s', (_, received, page, meta, message) => {
    expect(contradictoryMeta(received, page, meta)).toMatch(message);
  });

  it('finds nothing to say about meta that agrees, or is missing', () => {
    expect(contradictoryMeta(1000, 1, { totalItems: 1200, itemCount: 1000, itemsPerPage: 1000, totalPages: 2, currentPage: 1 })).toBeUndefined();
    expect(contradictoryMeta(1000, 1, {})).toBeUndefined();
  });
});

const settings = defaultSettings();
const t0 = Date.parse(settings.ingestFrom) / 1000;
const page = (fields: Partial<ReceivedPage> & Pick<ReceivedPage, 'pass' | 'span' | 'seconds'>): ReceivedPage => ({
  page: 1,
  fetchedAtMs: (t0 + 1000) * 1000,
  meta: {},
  ...fields,
});

describe('what a page covers, and where the passes stand after it', () => {
  it('a full page in createdAt order is split where it ends: the next call starts at its last second', () => {
    const seconds = Array.from({ length: 1000 }, (_, i) => t0 + Math.floor(i / 100));
    expect(pageCoverage(page({ pass: 'head', span: { start: t0, end: t0 + 59 }, seconds }))).toEqual({
      kind: 'split',
      span: { start: t0, end: t0 + 8 },
      restFrom: t0 + 9,
    });
  });

  it('a full page out of order, or one second holding more than a page, is paged through', () => {
    const unordered = [t0 + 5, ...Array.from({ length: 999 }, () => t0 + 1)];
    expect(pageCoverage(page({ pass: 'head', span: { start: t0, end: t0 + 9 }, seconds: unordered }))).toEqual({
      kind: 'paging',
      next: { start: t0, end: t0 + 9, page: 2 },
    });
    const oneSecond = Array.from({ length: 1000 }, () => t0);
    expect(pageCoverage(page({ pass: 'head', span: { start: t0, end: t0 + 9 }, seconds: oneSecond }))).toMatchObject({ kind: 'paging' });
  });

  it('the head records what it received per second; the split second is counted by the call that reads it whole', () => {
    const seconds = Array.from({ length: 1000 }, (_, i) => t0 + Math.floor(i / 100));
    const after = positionAfterPage(
      initialPosition(settings),
      page({ pass: 'head', span: { start: t0, end: t0 + 59 }, seconds, fetchedAtMs: (t0 + 30) * 1000 }),
      settings,
    );
    expect(after.head).toBe(t0 + 8);
    expect(after.ledger.counts).toEqual(Array(9).fill(100));
    expect(after.verified).toBe(t0 - 1); // read 22 s after it ended: the tail checks it later
    // Read when already older than the late horizon, a window needs no second look.
    const old = positionAfterPage(
      initialPosition(settings),
      page({ pass: 'head', span: { start: t0, end: t0 + 59 }, seconds, fetchedAtMs: (t0 + 100) * 1000 }),
      settings,
    );
    expect(old).toMatchObject({ head: t0 + 8, verified: t0 + 8, ledger: { from: t0 + 9, counts: [] } });
  });

  it('the tail verifies a whole span by count when the upstream lists what the head saw, and grows its next probe', () => {
    const base = {
      ...initialPosition(settings),
      head: t0 + 299,
      ledger: recordCounts(
        { from: t0, counts: [] },
        t0 + 299,
        Array.from({ length: 3000 }, (_, i) => t0 + Math.floor(i / 10)),
      ),
    };
    const seconds = Array.from({ length: 1000 }, (_, i) => t0 + Math.floor(i / 10));
    const matched = positionAfterPage(base, page({ pass: 'tail', span: { start: t0, end: t0 + 299 }, seconds, meta: { totalItems: 3000 } }), settings);
    expect(matched).toMatchObject({ verified: t0 + 299, probeItems: 2000 });
    const late = positionAfterPage(base, page({ pass: 'tail', span: { start: t0, end: t0 + 299 }, seconds, meta: { totalItems: 3001 } }), settings);
    expect(late.verified).toBe(t0 + 98); // only what it re-read: a late listing hides in the rest
    expect(late.probeItems).toBe(1000);
  });

  it('without totalItems the tail verifies only what it re-read (degrades, never guesses)', () => {
    const base = {
      ...initialPosition(settings),
      head: t0 + 299,
      ledger: recordCounts(
        { from: t0, counts: [] },
        t0 + 299,
        Array.from({ length: 3000 }, (_, i) => t0 + Math.floor(i / 10)),
      ),
    };
    const seconds = Array.from({ length: 1000 }, (_, i) => t0 + Math.floor(i / 10));
    expect(positionAfterPage(base, page({ pass: 'tail', span: { start: t0, end: t0 + 299 }, seconds }), settings).verified).toBe(t0 + 98);
  });
});
