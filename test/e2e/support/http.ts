import { type expectedPayouts, parseExact, type ExpectedAggregate } from './reference';

export async function getExact(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, body: parseExact(await response.text()), headers: response.headers };
}

/** The whole payout list, following `Link: <…>; rel="next"` from page to page. */
export async function allPayouts(apiUrl: string, limit = 1000): Promise<ReturnType<typeof expectedPayouts>> {
  const payouts: ReturnType<typeof expectedPayouts> = [];
  let next: string | undefined = `${apiUrl}/aggregatedData/payouts?limit=${limit}`;
  while (next) {
    const page = await getExact(next);
    if (page.status !== 200) throw new Error(`payouts answered ${page.status}`);
    payouts.push(...(page.body as ReturnType<typeof expectedPayouts>));
    const link = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '');
    next = link ? new URL(link[1]!, apiUrl).toString() : undefined;
  }
  return payouts;
}

export async function aggregateOf(apiUrl: string, userId: string): Promise<ExpectedAggregate | number> {
  const answer = await getExact(`${apiUrl}/aggregatedData/${userId}`);
  return answer.status === 200 ? (answer.body as ExpectedAggregate) : answer.status;
}

export interface Status {
  watermark: string | null;
  lastTick: { outcome?: string } | null;
  counters: { calls: number; fetched: number; applied: number; duplicates: number; quarantined: number; failedCalls: number };
}

/** GET /status (counters are plain numbers). */
export const statusOf = async (apiUrl: string): Promise<Status> => (await (await fetch(`${apiUrl}/status`)).json()) as Status;

/** Polls `probe` until it returns a value other than undefined, or fails with the last reason and `context()` (e.g. progress lines). */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  context: () => string = () => '',
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached within ${timeoutMs} ms${lastError ? ` (last error: ${(lastError as Error).message})` : ''}\n${context()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
