/**
 * The figures of the table, in order: what each measures, its unit and its target. A figure
 * without a target is shown for context ("info"). Labels can be refined by a scenario.
 */
interface Figure {
  key: string;
  label: string;
  unit: string;
  target?: { op: '>=' | '<='; value: number };
  /** Shown instead of the numeric target (e.g. "~1"). */
  targetText?: string;
}

/**
 * The freshness sweep's rows per rate (test/bench/scenarios/freshness-sweep.ts), with the targets
 * of the design (DESIGN.md 4a): current to within one cadence up to 1,000 tx/min, the 2-minute
 * promise up to 4,500, exact at every rate.
 */
function sweepFigures(): Figure[] {
  const targets: Record<number, Partial<Record<'HeadLagP50' | 'HeadLagP99' | 'HeadLagMax', number>>> = {
    120: { HeadLagP50: 12, HeadLagP99: 25 },
    600: { HeadLagP50: 12, HeadLagP99: 25 },
    1000: { HeadLagP50: 12, HeadLagP99: 25 },
    2500: { HeadLagP50: 45 },
    4000: { HeadLagP99: 75, HeadLagMax: 90 },
    4500: { HeadLagMax: 120 },
  };
  const late = '0.2% late (simulated, defaults)';
  return Object.entries(targets).flatMap(([rate, target]) => {
    const bound = (key: keyof typeof target) => (target[key] === undefined ? {} : { target: { op: '<=' as const, value: target[key] } });
    return [
      { key: `sweep${rate}HeadLagP50`, label: `lag p50 at ${rate} tx/min, ${late}`, unit: 's', ...bound('HeadLagP50') },
      { key: `sweep${rate}HeadLagP99`, label: `lag p99 at ${rate} tx/min, ${late}`, unit: 's', ...bound('HeadLagP99') },
      { key: `sweep${rate}HeadLagMax`, label: `lag max at ${rate} tx/min, ${late}`, unit: 's', ...bound('HeadLagMax') },
      { key: `sweep${rate}SettledLagMax`, label: `settled head lag max at ${rate} tx/min`, unit: 's', targetText: 'info' },
      { key: `sweep${rate}TailLagMax`, label: `tail lag max at ${rate} tx/min (30 min, then 10 min at 2%)`, unit: 's', targetText: 'info (alarm 900)' },
      { key: `sweep${rate}ServedPerCreated`, label: `upstream items served ÷ created at ${rate} tx/min (the cost of freshness)`, unit: '', targetText: 'info' },
      {
        key: `sweep${rate}Missing`,
        label: `transactions missing at the end of the quiet period, ${rate} tx/min`,
        unit: '',
        target: { op: '<=', value: 0 },
        targetText: '0 (exact)',
      },
    ];
  });
}

export const figureCatalogue: Figure[] = [
  { key: 'catchUpEfficiency', label: 'catch-up efficiency (per scaled minute ÷ 5000)', unit: '', target: { op: '>=', value: 0.99 } },
  {
    key: 'catchUpLongRunEfficiency',
    label: 'catch-up efficiency, 100k backlog, state machine cadence (simulated)',
    unit: '',
    target: { op: '>=', value: 0.99 },
  },
  { key: 'pageApplyFractionOfTick', label: 'apply one 1000-item page (300 users) ÷ 12 s', unit: '', target: { op: '<=', value: 1 / 6 }, targetText: '≤ 1/6' },
  { key: 'pageApplyMs', label: 'apply one 1000-item page, median', unit: 'ms' },
  { key: 'freshnessP50Seconds', label: 'freshness p50 at 4000 tx/min', unit: 's' },
  // The head reads a second once it is 45 s old (SETTLE_LAG_SECONDS, lib/README.md), so the promise, not 30 s, is the bar.
  { key: 'freshnessP99Seconds', label: 'freshness p99 at 4000 tx/min', unit: 's', target: { op: '<=', value: 120 } },
  // The wall-clock lag the local-stack e2e test used to assert (< 120 s); a figure here, as no test asserts a time.
  {
    key: 'watermarkLagP50Seconds',
    label: 'watermark behind the wall clock (/status lagSeconds) p50, 4000 tx/min, real time',
    unit: 's',
    targetText: 'info',
  },
  {
    key: 'watermarkLagMaxSeconds',
    label: 'watermark behind the wall clock (/status lagSeconds) max, 4000 tx/min, real time',
    unit: 's',
    targetText: 'info (alarm 120)',
  },
  ...sweepFigures(),
  { key: 'readThroughputRatio', label: 'GET /aggregatedData/{userId} req/s ÷ raw GetItem/s', unit: '', target: { op: '>=', value: 0.7 } },
  { key: 'handlerThroughputRatio', label: 'the same handler invoked in-process ÷ raw GetItem/s', unit: '', target: { op: '>=', value: 0.7 } },
  { key: 'readRequestsPerSecond', label: 'GET /aggregatedData/{userId} throughput', unit: 'req/s' },
  { key: 'rawGetItemPerSecond', label: 'raw GetItem throughput (same client, same concurrency)', unit: 'req/s' },
  { key: 'readP50Ms', label: 'GET /aggregatedData/{userId} p50', unit: 'ms' },
  { key: 'readP99Ms', label: 'GET /aggregatedData/{userId} p99', unit: 'ms' },
  {
    key: 'payoutsLatencyRatio',
    label: 'payouts first page (limit=100) p50, 100,000 ÷ 100 payout users',
    unit: '',
    target: { op: '<=', value: 1.5 },
    targetText: '~1 (≤ 1.5)',
  },
  {
    key: 'payoutsFullPageLatencyRatio',
    label: 'payouts first page (limit=1000) p50, 100,000 ÷ 1,000 payout users',
    unit: '',
    target: { op: '<=', value: 1.5 },
    targetText: '~1 (≤ 1.5)',
  },
  {
    key: 'payoutsByAmountLatencyRatio',
    label: 'payouts sort=-totalPayout first page (limit=100) p50, 100,000 ÷ 100 payout users',
    unit: '',
    target: { op: '<=', value: 1.5 },
    targetText: '~1 (≤ 1.5)',
  },
  { key: 'payoutsByAmountP50Ms100', label: 'payouts sort=-totalPayout first page (limit=100) p50, 100 payout users', unit: 'ms' },
  { key: 'payoutsByAmountP50Ms100k', label: 'payouts sort=-totalPayout first page (limit=100) p50, 100,000 payout users', unit: 'ms' },
  {
    key: 'notModifiedShare',
    label: 'polling a balance with If-None-Match: share of 304 answers (2 % of users change per 12 s tick)',
    unit: '',
    targetText: 'info (≈ 1 − changes/polls)',
  },
  { key: 'notModifiedShareDashboard', label: 'polling payouts sort=-totalPayout page 1 with If-None-Match: share of 304', unit: '', targetText: 'info' },
  { key: 'payoutsSmallPageP50Ms100', label: 'payouts first page (limit=100) p50, 100 payout users', unit: 'ms' },
  { key: 'payoutsSmallPageP50Ms100k', label: 'payouts first page (limit=100) p50, 100,000 payout users', unit: 'ms' },
  { key: 'payoutsP50Ms100k', label: 'payouts first page p50, 100,000 payout users (1000 entries)', unit: 'ms' },
  {
    key: 'dynamoCallsPerAggregateRequest',
    label: 'DynamoDB requests per GET /aggregatedData/{userId} (counted)',
    unit: '',
    targetText: 'info (cost: 1 GetItem)',
  },
  { key: 'dynamoCallsPerPayoutsPage', label: 'DynamoDB requests per payouts page (counted)', unit: '', targetText: 'info (cost: 1 Query)' },
  { key: 'transactItemsPerTransaction', label: 'items written in transactions per ingested transaction', unit: '', targetText: 'info (cost)' },
  { key: 'maxBundleKB', label: 'largest Lambda bundle (index.js, minified)', unit: 'KB', target: { op: '<=', value: 300 } },
  { key: 'maxBudgetedBundleKB', label: 'largest bundle but the fetch function (index.js, minified)', unit: 'KB', target: { op: '<=', value: 150 } },
  { key: 'fetchBundleKB', label: 'fetch-transactions bundle (may stay larger)', unit: 'KB', targetText: 'info' },
  { key: 'readInitRatioMax', label: 'read function cold init ÷ minimal GetItem handler, worst (paired rounds)', unit: '', target: { op: '<=', value: 1.25 } },
  { key: 'baselineInitMs', label: 'minimal GetItem handler cold init (SDK external), median', unit: 'ms', targetText: 'info (yardstick)' },
  { key: 'sdkExternalReadInitMs', label: 'get-user-aggregate cold init, AWS SDK external (deployed)', unit: 'ms', targetText: 'info' },
  { key: 'sdkBundledReadBundleKB', label: 'get-user-aggregate bundle with the AWS SDK bundled', unit: 'KB', targetText: 'info (not deployed)' },
  { key: 'sdkBundledReadInitMs', label: 'get-user-aggregate cold init with the AWS SDK bundled', unit: 'ms', targetText: 'info (not deployed)' },
  { key: 'sdkBundledBaselineInitMs', label: 'minimal GetItem handler cold init with the AWS SDK bundled', unit: 'ms', targetText: 'info' },
  { key: 'apiDocsPackageKB', label: 'api-docs package incl. Swagger UI assets', unit: 'KB', targetText: 'info' },
  // Absolute init depends on the machine's load (the yardstick alone takes 110–440 ms on the shared 2 cores): readInitRatioMax is the target.
  { key: 'maxInitMs', label: 'slowest Lambda cold init (require), median', unit: 'ms', targetText: 'info (target: the ratio above)' },
  { key: 'loadErrors', label: 'load test: errors + non-2xx (both routes, 60 s)', unit: '', target: { op: '<=', value: 0 }, targetText: '0' },
  { key: 'loadAggregateP99Ms', label: 'load test: GET /aggregatedData/{userId} p99', unit: 'ms' },
  { key: 'loadPayoutsP99Ms', label: 'load test: GET /aggregatedData/payouts p99', unit: 'ms' },
];

export interface FigureRow {
  key: string;
  figure: string;
  value: number;
  unit: string;
  target: string;
  verdict: 'pass' | 'FAIL' | 'info';
}

const display = (value: number): string => (Number.isInteger(value) ? String(value) : value >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3))));

export function figureTable(values: Record<string, number>, labels: Record<string, string>): { rows: FigureRow[]; text: string } {
  const rows: FigureRow[] = [];
  for (const figure of figureCatalogue) {
    const value = values[figure.key];
    if (value === undefined) continue;
    const target = figure.target;
    const met = target && (target.op === '>=' ? value >= target.value : value <= target.value);
    rows.push({
      key: figure.key,
      figure: labels[figure.key] ?? figure.label,
      value,
      unit: figure.unit,
      target: figure.targetText ?? (target ? `${target.op === '>=' ? '≥' : '≤'} ${display(target.value)}${figure.unit ? ` ${figure.unit}` : ''}` : 'info'),
      verdict: target ? (met ? 'pass' : 'FAIL') : 'info',
    });
  }
  const cells = rows.map((row) => [row.figure, `${display(row.value)}${row.unit ? ` ${row.unit}` : ''}`, row.target, row.verdict]);
  const header = ['figure', 'value', 'target', 'result'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]) => `| ${cell.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  const text = [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
  return { rows, text };
}
