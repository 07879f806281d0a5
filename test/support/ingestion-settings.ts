import type { IngestionSettings } from '../../lib/core/ingestion-position';
import { ingestionConfigFrom } from '../../lib/ingestion/ingestion-config';

/** The passes' settings at their defaults (the fetch function's own reading of an empty environment), from 2025-01-01, with `overrides`. */
export function defaultSettings(overrides: Partial<IngestionSettings> = {}): IngestionSettings {
  const { settings } = ingestionConfigFrom({ TABLE_NAME: 'unused', TRANSACTIONS_API_URL: 'http://127.0.0.1:9/unused', INGEST_FROM: '2025-01-01T00:00:00Z' });
  return { ...settings, ...overrides };
}
