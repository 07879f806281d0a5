/** The upstream's query-string timestamps: UTC `YYYY-MM-DD HH:mm:ss`. */
export function toUpstreamTimestamp(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}
