import { initialPosition, planNextCall, positionAfterPage, type IngestionSettings } from '../../lib/core/window-plan';
import { toUpstreamTimestamp } from '../../lib/core/upstream-time';

const settings: IngestionSettings = { ingestFrom: '2024-01-01T00:00:00Z', lookBackSeconds: 60, settleLagSeconds: 5 };
const at = (iso: string) => Date.parse(iso);

test('the first window runs from INGEST_FROM to now minus the settle lag, in whole seconds', () => {
  expect(planNextCall(initialPosition(settings), at('2024-01-01T01:00:00.750Z'), settings)).toEqual({
    kind: 'fetch',
    window: { start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T00:59:55.000Z' },
    page: 1,
  });
});

test('a caught-up window starts one look-back before the watermark', () => {
  const plan = planNextCall({ watermark: '2024-01-01T02:00:00.000Z' }, at('2024-01-01T02:00:17Z'), settings);
  expect(plan).toEqual({ kind: 'fetch', window: { start: '2024-01-01T01:59:00.000Z', end: '2024-01-01T02:00:12.000Z' }, page: 1 });
});

test('nothing is asked for while the settled end has not passed the watermark', () => {
  expect(planNextCall({ watermark: '2024-01-01T02:00:00.000Z' }, at('2024-01-01T02:00:05Z'), settings).kind).toBe('idle');
});

test('an open window continues with its next page whatever the time', () => {
  const position = { watermark: '2024-01-01T00:00:00.000Z', window: { start: 'a', end: 'b', page: 3 } };
  expect(planNextCall(position, at('2030-01-01T00:00:00Z'), settings)).toEqual({ kind: 'fetch', window: { start: 'a', end: 'b' }, page: 3 });
});

describe('after a page is applied', () => {
  const window = { start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T01:00:00.000Z' };
  const position = { watermark: '2024-01-01T00:00:00.000Z' };

  test('a full page that is not the last keeps the window open at the next page; the watermark stays', () => {
    expect(positionAfterPage(position, { window, page: 1 }, { currentPage: 1, totalPages: 3, itemCount: 1000, itemsPerPage: 1000 })).toEqual({
      watermark: position.watermark,
      window: { ...window, page: 2 },
    });
  });

  test.each([
    ['the last page', { currentPage: 3, totalPages: 3, itemCount: 1000, itemsPerPage: 1000 }],
    ['a short page', { currentPage: 1, totalPages: 3, itemCount: 20, itemsPerPage: 1000 }],
    ['an empty window', { currentPage: 1, totalPages: 0, itemCount: 0, itemsPerPage: 1000 }],
  ])('%s closes the window and moves the watermark to its end', (_, meta) => {
    expect(positionAfterPage(position, { window, page: meta.currentPage }, meta)).toEqual({ watermark: window.end });
  });
});

test('upstream timestamps are UTC YYYY-MM-DD HH:mm:ss', () => {
  expect(toUpstreamTimestamp('2023-03-16T12:33:11.999Z')).toBe('2023-03-16 12:33:11');
});
