import { randomUUID } from 'node:crypto';
import { startLocalStack } from '../../../infra/local/start';
import { percentile, rounded } from '../support/percentiles';
import { liveTraffic } from '../support/live-traffic';
import { progress, type BenchOptions, type ScenarioResult } from '../scenario-result';

const RATE_PER_MINUTE = 4000;
const PROBE_USERS = 30;
const POLL_CYCLE_MS = 250;
/** /status (its lagSeconds: now − head watermark) is read every this many poll cycles, ~2 s. */
const STATUS_EVERY_CYCLES = 8;

/**
 * Figure 3: steady-state freshness, in real time (TIME_SCALE 1). The whole local stack runs:
 * the mock Transaction API serving live traffic at 4000 transactions/min whose createdAt is
 * the wall clock, the tick-loop state machine executed locally with the real fetch handler,
 * and the read API over HTTP. An observer polls probe users through GET /aggregatedData/{userId};
 * a transaction's freshness is the time of the first response that reflects it minus its
 * createdAt (an upper bound: responses are at most one poll cycle apart). Beside it, how far the
 * head watermark trails the wall clock (`lagSeconds` of /status, sampled every ~2 s once the head
 * has reached the measured transactions): printed, not a target (the freshness p99 is).
 *
 * Why not time-scaled: TIME_SCALE shortens the cadence and the rate window, but not the settle
 * lag and late horizon (data time), the upstream's one-second resolution nor the DynamoDB work, so
 * a scaled run's freshness does not convert back to a real-time figure.
 */
export async function freshness(options: BenchOptions): Promise<ScenarioResult> {
  const warmUpMs = options.quick ? 12_000 : 30_000;
  const measureMs = options.quick ? 24_000 : 180_000;
  // The head reads a second once it is SETTLE_LAG_SECONDS (45) old: wait long enough for the last ones.
  const tailMs = 120_000;
  const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const traffic = liveTraffic({
    fromMs: t0,
    durationMs: warmUpMs + measureMs + tailMs + 60_000,
    perMinute: RATE_PER_MINUTE,
    probeUsers: PROBE_USERS,
    otherUsers: 270,
  });
  const tickLines: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    timeScale: 1,
    dynamoDbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    tableName: `bench-freshness-${randomUUID().slice(0, 8)}`,
    ingestFrom: new Date(t0 - 1000).toISOString(),
    mock: { dataset: traffic.dataset },
    log: (line) => tickLines.push(line),
  });
  progress(
    `freshness: ${RATE_PER_MINUTE} tx/min from ${new Date(t0).toISOString()}, default settings, measuring transactions created in [+${warmUpMs / 1000} s, +${(warmUpMs + measureMs) / 1000} s]`,
  );

  const measuredFrom = t0 + warmUpMs;
  const measuredTo = measuredFrom + measureMs;
  const samples: number[] = [];
  const reflected = new Map<string, number>();
  let pending = 0;
  for (const list of traffic.probeTransactions.values()) pending += list.filter((t) => inRange(t.createdAt, measuredFrom, measuredTo)).length;
  const expected = pending;
  const deadline = measuredTo + tailMs;
  const watermarkLags: number[] = [];
  try {
    for (let cycle = 0; pending > 0 && Date.now() < deadline; cycle++) {
      const cycleStarted = Date.now();
      if (cycle % STATUS_EVERY_CYCLES === 0) {
        const { watermark, lagSeconds } = (await (await fetch(`${stack.apiUrl}/status`)).json()) as { watermark: string | null; lagSeconds: number | null };
        // Steady state only: before the head reaches the measured traffic the lag counts the start-up.
        if (watermark !== null && lagSeconds !== null && Date.parse(watermark) >= measuredFrom) watermarkLags.push(lagSeconds);
      }
      for (const [userId, list] of traffic.probeTransactions) {
        const response = await fetch(`${stack.apiUrl}/aggregatedData/${userId}`);
        const seenAt = Date.now();
        const count = response.status === 404 ? 0 : reflectedCount(await response.json());
        if (response.status === 404) await response.arrayBuffer().catch(() => undefined);
        const before = reflected.get(userId) ?? 0;
        if (count > list.length || count > list.filter((t) => Date.parse(t.createdAt) <= seenAt).length) {
          throw new Error(`user ${userId} reflects ${count} transactions, more than were created: something was applied twice`);
        }
        for (const transaction of list.slice(before, count)) {
          if (!inRange(transaction.createdAt, measuredFrom, measuredTo)) continue;
          samples.push((seenAt - Date.parse(transaction.createdAt)) / 1000);
          pending--;
        }
        reflected.set(userId, Math.max(before, count));
      }
      const rest = POLL_CYCLE_MS - (Date.now() - cycleStarted);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
    const status = (await (await fetch(`${stack.apiUrl}/status`)).json()) as { counters?: Record<string, number> };
    progress(
      `freshness: ${samples.length} of ${expected} measured transactions seen; p50 ${percentile(samples, 50)} s, p99 ${percentile(samples, 99)} s, max ${Math.max(...samples)} s`,
    );
    progress(
      `freshness: head watermark behind the wall clock (/status lagSeconds, ${watermarkLags.length} samples): p50 ${percentile(watermarkLags, 50)} s, max ${Math.max(...watermarkLags)} s`,
    );
    // Transactions never seen count as at least as stale as the wait for them.
    for (let i = 0; i < pending; i++) samples.push((deadline - measuredTo) / 1000);
    const failedTicks = tickLines.filter((line) => / failed /.test(line)).length;
    const outcomes = countOutcomes(tickLines);
    // A window's second page means the window spanned more than 1000 items: the run fell one tick behind.
    const laterPages = tickLines.filter((line) => / page ([2-9]|\d{2,}) \[/.test(line)).length;
    return {
      figures: {
        freshnessP50Seconds: rounded(percentile(samples, 50), 2),
        freshnessP99Seconds: rounded(percentile(samples, 99), 2),
        freshnessMaxSeconds: rounded(Math.max(...samples), 2),
        freshnessSamples: samples.length,
        freshnessUnseen: pending,
        freshnessLaterPageCalls: laterPages,
        watermarkLagP50Seconds: percentile(watermarkLags, 50),
        watermarkLagMaxSeconds: watermarkLags.length > 0 ? Math.max(...watermarkLags) : Number.NaN,
      },
      labels: {
        freshnessP50Seconds: `freshness p50 at ${RATE_PER_MINUTE} tx/min, real time, defaults`,
        freshnessP99Seconds: `freshness p99 at ${RATE_PER_MINUTE} tx/min, real time, defaults`,
        watermarkLagMaxSeconds: `head watermark behind the wall clock (/status lagSeconds), max of ${watermarkLags.length} samples, ${RATE_PER_MINUTE} tx/min`,
      },
      notes: [
        `freshness: TIME_SCALE 1 (real time), default settings; ${samples.length} samples (transactions of ${PROBE_USERS} probe users created during ${measureMs / 1000} s after ${warmUpMs / 1000} s of warm-up; half the traffic, the other half over 270 users); polled every ${POLL_CYCLE_MS} ms; ${pending} never seen; ticks: ${outcomes}${failedTicks ? `, ${failedTicks} failed` : ''}; calls for a window's 2nd+ page: ${laterPages}; counters ${JSON.stringify(status.counters ?? {})}`,
      ],
    };
  } finally {
    await stack.stop();
  }
}

const inRange = (iso: string, fromMs: number, toMs: number): boolean => {
  const at = Date.parse(iso);
  return at >= fromMs && at < toMs;
};

/** Every amount is 1: the four sums add up to the number of reflected transactions. */
function reflectedCount(body: unknown): number {
  const { earned, spent, payout, paidOut } = body as Record<string, number>;
  return Math.round(Number(earned) + Number(spent) + Number(payout) + Number(paidOut));
}

function countOutcomes(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const match = / tick \d+\/\d+ (\S+)/.exec(line);
    if (match) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + 1);
  }
  return [...counts].map(([outcome, count]) => `${outcome} ${count}`).join(', ');
}
