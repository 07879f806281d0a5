import { DecimalText, type TransactionType } from '../../lib/core/transaction';
import type { PageMeta, Window } from '../../lib/core/upstream-page';
import type { UpstreamCallError, TransactionPage, TransactionSource } from '../../lib/ingestion/ports';

/** A record as the upstream holds it, plus when it becomes visible (late arrivals appear after createdAt). */
export interface UpstreamRecord {
  record: { id?: unknown; userId?: unknown; createdAt?: unknown; type?: unknown; amount?: unknown };
  /** Sort key and window membership: epoch ms of createdAt (also for malformed records). */
  createdAtMs: number;
  visibleAtMs: number;
}

export const upstreamRecord = (fields: {
  id: string;
  userId: string;
  createdAtMs: number;
  type: TransactionType;
  amount: string;
  visibleAtMs?: number;
}): UpstreamRecord => ({
  record: {
    id: fields.id,
    userId: fields.userId,
    createdAt: new Date(fields.createdAtMs).toISOString(),
    type: fields.type,
    amount: new DecimalText(fields.amount),
  },
  createdAtMs: fields.createdAtMs,
  visibleAtMs: fields.visibleAtMs ?? fields.createdAtMs,
});

/**
 * An in-memory Transaction API with the contract's behaviour (inclusive second bounds, sorted
 * pages, meta) on a controllable clock. It records every call so tests can check the budget,
 * and can be told to fail particular calls.
 */
export class ScriptedUpstream implements TransactionSource {
  readonly calls: { atMs: number; window: Window; page: number }[] = [];
  private readonly failures = new Map<number, UpstreamCallError>();

  constructor(
    private readonly records: UpstreamRecord[],
    private readonly nowMs: () => number,
    private readonly pageSize = 1000,
  ) {}

  /** The n-th call (0-based) fails with this error. */
  failCall(index: number, error: UpstreamCallError): this {
    this.failures.set(index, error);
    return this;
  }

  async fetchPage(window: Window, page: number): Promise<TransactionPage> {
    const index = this.calls.length;
    this.calls.push({ atMs: this.nowMs(), window, page });
    const failure = this.failures.get(index);
    if (failure) throw failure;
    const from = Date.parse(window.start);
    const to = Date.parse(window.end) + 999;
    const visible = this.records
      .filter((r) => r.visibleAtMs <= this.nowMs() && r.createdAtMs >= from && r.createdAtMs <= to)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || String(a.record.id).localeCompare(String(b.record.id)));
    const items = visible.slice((page - 1) * this.pageSize, page * this.pageSize).map((r) => r.record);
    const meta: PageMeta & { totalItems: number } = {
      totalItems: visible.length,
      itemCount: items.length,
      itemsPerPage: this.pageSize,
      totalPages: Math.ceil(visible.length / this.pageSize),
      currentPage: page,
    };
    return { records: items, meta };
  }

  /** Most calls that fell inside any window of `windowMs` (upstream's rolling count). */
  maxCallsInAnyWindow(windowMs: number): number {
    const times = this.calls.map((c) => c.atMs).sort((a, b) => a - b);
    let max = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= windowMs) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }
}
