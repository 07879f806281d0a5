import { planCall } from '../../lib/core/call-plan';
import { initialPosition } from '../../lib/core/ingestion-position';
import { positionAfterAction } from '../../lib/core/operator-action';
import { defaultSettings } from '../support/ingestion-settings';

const settings = defaultSettings({ reconcileSeconds: 0 });
const t0 = Date.parse(settings.ingestFrom) / 1000;

describe('an operator acting on a jammed call', () => {
  const jammed = { pass: 'head' as const, span: { start: t0, end: t0 + 99 }, page: 1 };

  it('split: the first half next, then the second half, never a wider window until the span is passed', () => {
    const split = positionAfterAction(initialPosition(settings), jammed, 'split');
    if ('refused' in split) throw new Error(split.refused);
    expect(planCall(split, (t0 + 1000) * 1000, settings)).toMatchObject({ pass: 'head', span: { start: t0, end: t0 + 49 } });
    const firstHalfRead = { ...split, open: {}, head: t0 + 49 };
    expect(planCall(firstHalfRead, (t0 + 1000) * 1000, settings)).toMatchObject({ pass: 'head', span: { start: t0 + 50, end: t0 + 99 } });
    const past = { ...firstHalfRead, head: t0 + 99 };
    expect(planCall(past, (t0 + 1000) * 1000, settings)).toMatchObject({ pass: 'head', span: { start: t0 + 100, end: t0 + 955 } });
  });

  it('refuses to split one second, and skip moves the pass past the span', () => {
    expect(positionAfterAction(initialPosition(settings), { ...jammed, span: { start: t0, end: t0 } }, 'split')).toEqual({
      refused: expect.stringContaining('skip it'),
    });
    const skipped = positionAfterAction(initialPosition(settings), jammed, 'skip');
    expect(skipped).toMatchObject({ head: t0 + 99, verified: t0 - 1, ledger: { from: t0, counts: Array(100).fill(0) } });
  });
});
