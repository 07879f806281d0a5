/** The upstream's query-string timestamps: UTC `YYYY-MM-DD HH:mm:ss`. */
export function toUpstreamTimestamp(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/** Truncates to whole seconds (the upstream's resolution), as an ISO string. */
export function floorToSecond(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
}

export const secondsBetween = (earlierIso: string, laterEpochMs: number): number => Math.max(0, Math.round((laterEpochMs - Date.parse(earlierIso)) / 1000));
