import * as z from 'zod/mini';
import { DecimalText } from '../core/transaction';
import { parseLossless } from '../core/lossless-json';
import { toUpstreamTimestamp } from '../core/upstream-time';
import type { PageMeta } from '../core/upstream-page';
import { UpstreamCallError, type TransactionSource } from '../ingestion/ports';

export interface TransactionApiClientOptions {
  baseUrl: string;
  timeoutMs: number;
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
  nowMs?: () => number;
}

/** A count the upstream reports; anything else in its place reads as "not reported" (meta is advice, see upstream-page.ts). */
const count = z.pipe(
  z.unknown(),
  z.transform((value) => {
    const number = value instanceof DecimalText ? Number(value.text) : Number.NaN;
    return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
  }),
);
/** Only `items` is required: the paging decisions never rest on meta alone. */
const envelopeSchema = z.object({
  items: z.array(z.unknown()),
  meta: z.pipe(
    z.optional(z.partial(z.object({ totalItems: count, itemCount: count, itemsPerPage: count, totalPages: count, currentPage: count }))),
    z.transform((meta) => Object.fromEntries(Object.entries(meta ?? {}).filter(([, value]) => value !== undefined)) as PageMeta),
  ),
});

export function createTransactionApiClient(options: TransactionApiClientOptions): TransactionSource {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const nowMs = options.nowMs ?? Date.now;
  return {
    async fetchPage(window, page) {
      const url = new URL('transactions', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
      url.searchParams.set('startDate', toUpstreamTimestamp(window.start));
      url.searchParams.set('endDate', toUpstreamTimestamp(window.end));
      url.searchParams.set('page', String(page));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.apiKey) headers['x-api-key'] = options.apiKey;

      let text: string;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
        text = await response.text();
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new UpstreamCallError('timeout', `no answer within ${options.timeoutMs} ms`);
        }
        throw new UpstreamCallError('network', `request failed: ${(error as Error).message}`);
      }
      if (response.status === 429) {
        throw new UpstreamCallError('rate-limited', 'upstream answered 429', 429, retryAfterMs(response.headers.get('retry-after'), nowMs()));
      }
      if (response.status >= 500) throw new UpstreamCallError('server-error', `upstream answered ${response.status}`, response.status);
      if (response.status !== 200) throw new UpstreamCallError('client-error', `upstream answered ${response.status}`, response.status);

      let body: unknown;
      try {
        body = parseLossless(text);
      } catch {
        throw new UpstreamCallError('not-json', 'upstream body is not JSON', response.status);
      }
      const envelope = envelopeSchema.safeParse(body);
      if (!envelope.success) {
        throw new UpstreamCallError(
          'bad-shape',
          `upstream body has the wrong shape: ${envelope.error.issues[0]?.path.join('.') ?? ''} ${envelope.error.issues[0]?.message ?? ''}`.trim(),
          response.status,
        );
      }
      return { records: envelope.data.items, meta: envelope.data.meta };
    },
  };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
