import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Window } from '../core/upstream-page';
import type { QuarantineItem } from './item-shapes';
import { keys } from './table-schema';
import type { StoreContext } from './store-context';

export interface QuarantineStore {
  /** Keeps malformed records of page `sequence`; keyed by position, so re-applying overwrites. */
  keep(sequence: number, records: readonly { index: number; reason: string; raw: string; rawSha256?: string }[], source: { window: Window; page: number }, nowIso: string): Promise<void>;
}

export function createQuarantineStore({ document, tableName }: StoreContext, sleep: (ms: number) => Promise<void>): QuarantineStore {
  return {
    async keep(sequence, records, source, nowIso) {
      for (let offset = 0; offset < records.length; offset += 25) {
        const items: QuarantineItem[] = records.slice(offset, offset + 25).map((record) => ({
          ...keys.quarantine(sequence, record.index),
          reason: record.reason,
          raw: record.raw,
          ...(record.rawSha256 ? { rawSha256: record.rawSha256 } : {}),
          windowStart: source.window.start,
          windowEnd: source.window.end,
          page: source.page,
          quarantinedAt: nowIso,
        }));
        let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [tableName]: items.map((Item) => ({ PutRequest: { Item: { ...Item } } })),
        };
        while (request && (request[tableName]?.length ?? 0) > 0) {
          const response = await document.send(new BatchWriteCommand({ RequestItems: request }));
          request = response.UnprocessedItems as typeof request;
          if (request && (request[tableName]?.length ?? 0) > 0) await sleep(50);
        }
      }
    },
  };
}
