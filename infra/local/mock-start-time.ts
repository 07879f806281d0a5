import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The mock's start instant, kept in DATA_DIR: a restarted stack serves the same history (and
 * the seed example at the same place) as before, so persisted aggregates stay consistent.
 */
export function persistedMockStart(dataDir: string | undefined, nowMs: number): number {
  if (!dataDir) return nowMs;
  const file = path.join(dataDir, 'mock-upstream.json');
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { startedAt?: unknown };
    const startedAtMs = typeof saved.startedAt === 'string' ? Date.parse(saved.startedAt) : Number.NaN;
    if (!Number.isNaN(startedAtMs)) return startedAtMs;
  } catch {
    // First start on this directory (or an unreadable file): start now and remember it.
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ startedAt: new Date(nowMs).toISOString() })}\n`);
  return nowMs;
}
