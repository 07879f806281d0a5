import type { IngestionPosition, Pass, Span } from './ingestion-position';
import { dropThrough, recordCounts } from './second-ledger';

/** The call that keeps failing the same way: its pass, span and page. */
export interface JammedCall {
  pass: Pass;
  span: Span;
  page: number;
}

/**
 * An operator's way past what is stuck: `split` and `skip` move the jammed call's pass;
 * `quarantine` sets a pending page's unapplied records aside so the page can be checkpointed.
 */
export const operatorActions = ['split', 'skip', 'quarantine'] as const;
export type OperatorAction = (typeof operatorActions)[number];
export type PassAction = Exclude<OperatorAction, 'quarantine'>;

/**
 * A call's identity across ticks: the same pass asking from the same second for the same page.
 * The end is left out: a head window grows with the clock while its start stays put.
 */
/** The call a planned call, a pending page or a streak stands for: its pass, span and page only. */
export const jammedCallOf = ({ pass, span, page }: JammedCall): JammedCall => ({ pass, span, page });

export const callKey = (call: JammedCall): string => `${call.pass}:${call.span.start}#${call.page}`;

/**
 * Where the passes stand after an operator acted on a jammed call (pure).
 * - split: the pass asks for the first half of the span next (page 1), then the second half
 *   (its windows end at the span's end until it is past it), so each split halves the span that
 *   holds a bad record, down to one second in log2(seconds) splits; a one-second span cannot split.
 * - skip: the pass moves past the span without reading it. The head's skipped seconds are still
 *   checked by the tail later (their ledger counts are zero, so the check re-reads them). A fresh
 *   read is given up without moving anything (the watermark claims nothing it did not read).
 */
export function positionAfterAction(position: IngestionPosition, call: JammedCall, action: PassAction): IngestionPosition | { refused: string } {
  // A fresh read is only ever given up: nothing moves, the settled head reads the same seconds soon (a failed call never jams; a stored fresh page might).
  if (call.pass === 'fresh') return action === 'skip' ? position : { refused: 'a fresh read is not split: skip it, the settled head reads the same seconds' };
  const open = { ...position.open };
  delete open[call.pass];
  if (action === 'split') {
    if (call.span.end <= call.span.start) return { refused: 'a one-second span cannot be split: skip it' };
    const mid = Math.floor((call.span.start + call.span.end) / 2);
    // The second half stays the bound of the pass's next windows: each split halves what is left.
    const bounds = { ...position.bounds, [call.pass]: call.span.end };
    return { ...position, open: { ...open, [call.pass]: { start: call.span.start, end: mid, page: 1 } }, bounds };
  }
  if (call.pass === 'head') {
    const head = Math.max(position.head, call.span.end);
    return { ...position, open, head, ledger: recordCounts(position.ledger, head, []) };
  }
  if (call.pass === 'tail') {
    const verified = Math.max(position.verified, call.span.end);
    return { ...position, open, verified, ledger: dropThrough(position.ledger, verified) };
  }
  return { ...position, open, reconciled: Math.max(position.reconciled, call.span.end) };
}
