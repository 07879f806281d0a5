import { createAggregateWriter } from '../store/aggregate-writer';
import { createCallSlots } from '../store/call-slots';
import { createCursorRepository } from '../store/cursor-repository';
import { createQuarantineStore } from '../store/quarantine-store';
import { sharedDocumentClient } from '../store/dynamo-client';
import type { StoreContext } from '../store/store-context';
import { createTransactionApiClient } from '../upstream/transaction-api-client';
import type { IngestionConfig } from './ingestion-config';
import type { TransactionSource } from './ports';
import type { TickDependencies } from './run-tick';

export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Composes the adapters of one tick; everything with I/O or time comes in from here. */
export function tickDependencies(
  config: IngestionConfig,
  options: { store?: StoreContext; source?: TransactionSource; clock?: Clock; apiKey?: string; holder: string },
): TickDependencies {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? { document: sharedDocumentClient(), tableName: config.tableName };
  return {
    cursor: createCursorRepository(store),
    callSlots: createCallSlots(store, config.budget, clock),
    aggregates: createAggregateWriter(store, {
      nowMs: clock.nowMs,
      sleep: clock.sleep,
      markerTtlSeconds: config.markerTtlSeconds,
      concurrency: config.applyConcurrency,
    }),
    quarantine: createQuarantineStore(store),
    source:
      options.source ??
      createTransactionApiClient({ baseUrl: config.transactionsApiUrl, timeoutMs: config.upstreamTimeoutMs, apiKey: options.apiKey, nowMs: clock.nowMs }),
    settings: config.settings,
    nowMs: clock.nowMs,
    holder: options.holder,
    defaultBackoffMs: config.defaultBackoffMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
  };
}
