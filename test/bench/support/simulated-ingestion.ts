import { ingestionConfigFrom } from '../../../lib/ingestion/ingestion-config';
import type { TickDependencies } from '../../../lib/ingestion/run-tick';
import type { DatasetItem } from '../../../lib/mock-upstream/dataset';
import { createCallSlots } from '../../../lib/store/call-slots';
import { FakeClock } from '../../support/fake-clock';
import { inMemoryCursor, inMemoryQuarantine } from '../../../lib/memory/in-memory-ingestion';
import { countingWriter, datasetSource, inMemoryCallSlotTable } from './in-memory-ingestion';

/** The real tick over in-memory storage and a fixed list of upstream items, on a virtual clock. */
export function simulatedIngestion(items: DatasetItem[], startMs: number, environment: Record<string, string>) {
  const clock = new FakeClock(startMs);
  const config = ingestionConfigFrom({ TABLE_NAME: 'simulated', TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused', ...environment });
  const source = datasetSource(items, clock.nowMs);
  const cursor = inMemoryCursor();
  const writer = countingWriter();
  const deps: TickDependencies = {
    cursor,
    callSlots: createCallSlots({ document: inMemoryCallSlotTable(), tableName: 'simulated' }, config.budget, clock),
    aggregates: writer,
    quarantine: inMemoryQuarantine(),
    source,
    settings: config.settings,
    nowMs: clock.nowMs,
    holder: 'simulation',
    defaultBackoffMs: config.defaultBackoffMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
  };
  return { clock, deps, source, cursor, writer };
}
