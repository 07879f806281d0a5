/**
 * `Data-As-Of: <ISO 8601>` on the data routes: the head watermark, i.e. every transaction created
 * up to that instant (and visible upstream when it was read) is counted in the body. Absent
 * before the first ingestion. Read from the cursor item at most every few seconds per container
 * (lib/store/read-store.ts), so it may trail the true watermark by that much, never lead it.
 */
export const dataAsOfHeader = (watermark: string | undefined): Record<string, string> => (watermark === undefined ? {} : { 'Data-As-Of': watermark });
