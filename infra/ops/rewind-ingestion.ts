import { optionsOrUsage, runFromCommandLine, withDocumentClient } from './command-line';
import { parseArgs } from 'node:util';
import { ingestionDefaults } from '../../lib/ingestion/ingestion-config';
import { rewindTarget } from '../../lib/ingestion/rewind-target';
import { rewindCursor } from '../../lib/store/operator-actions';

const usage = `usage: npx tsx infra/ops/rewind-ingestion.ts --table NAME --to DATE-TIME [--marker-ttl-days ${ingestionDefaults.markerTtlDays}]
Moves the head, tail and reconciliation watermarks back to DATE-TIME (reconciliation only if it
was later) so the next ticks re-read from there; what was already applied counts as duplicates,
what the upstream added since is applied. A page waiting to be applied is dropped (the replay reads
it again). Uses the usual
AWS credentials and region (AWS_REGION, AWS_PROFILE); AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local.`;

/** The command: returns the exit code and prints what it did or why it refused. */
export async function rewindIngestion(argv: string[], nowMs = Date.now(), print: (line: string) => void = console.log): Promise<number> {
  const values = optionsOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: { table: { type: 'string' }, to: { type: 'string' }, 'marker-ttl-days': { type: 'string', default: String(ingestionDefaults.markerTtlDays) } },
      }).values,
    usage,
    print,
  );
  if (!values) return 2;
  const markerTtlDays = Number(values['marker-ttl-days']);
  if (!values.table || !values.to || !(markerTtlDays > 0)) {
    print(usage);
    return 2;
  }
  const target = rewindTarget(values.to, nowMs, { markerTtlDays });
  if (!target.ok) {
    print(`refused: ${target.error}`);
    return 1;
  }
  const table = values.table;
  const result = await withDocumentClient((document) => rewindCursor({ document, tableName: table }, target.watermark, new Date(nowMs).toISOString()));
  if (result.rewound) {
    const dropped = result.droppedPage ? '; the page that was waiting to be applied was dropped and will be read again' : '';
    print(
      `rewound: head and tail watermarks ${result.from} → ${result.to}; the head re-reads from the second after, the tail checks again behind it${dropped}`,
    );
    return 0;
  }
  const reasons = {
    'no-cursor': 'the table has no ingestion cursor yet (nothing was ingested)',
    'not-later': `the watermark (${result.watermark}) is not later than ${target.watermark}`,
  };
  print(`refused: ${reasons[result.reason]}`);
  return 1;
}

if (require.main === module) runFromCommandLine(rewindIngestion);
