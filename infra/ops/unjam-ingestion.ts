import { optionsOrUsage, runFromCommandLine, withDocumentClient } from './command-line';
import { parseArgs } from 'node:util';
import { operatorActions, type OperatorAction } from '../../lib/core/operator-action';
import { ingestionDefaults } from '../../lib/ingestion/ingestion-config';
import { actOnJam } from '../../lib/store/operator-actions';

const usage = `usage: npx tsx infra/ops/unjam-ingestion.ts --table NAME --action split|skip|quarantine --by WHO --reason TEXT [--marker-ttl-days ${ingestionDefaults.markerTtlDays}]
For a call, or a fetched page, that fails the same way again and again (GET /status shows "jam",
the jam alarm fired):
  quarantine  a page waiting to be applied (jam failure "apply-failed: …"): its records not yet
              applied are set aside in the quarantine with your reason, and the next tick
              checkpoints the page; nothing else is lost;
  split       the pass asks for the first half of the stuck span next (a waiting page is
              dropped and read again); repeat to narrow a bad record down to one second;
  skip        the pass moves past the span without reading it (a waiting page is dropped; the
              tail checks the head's skipped seconds again later, so they are re-read).
Each action is kept as an audit record (INGESTION / AUDIT#<time>) and shown by GET /status.
Uses the usual AWS credentials and region; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local.`;

/** The command: returns the exit code and prints what it did or why it refused. */
export async function unjamIngestion(argv: string[], nowMs = Date.now(), print: (line: string) => void = console.log): Promise<number> {
  const values = optionsOrUsage(
    () =>
      parseArgs({
        args: argv,
        options: {
          table: { type: 'string' },
          action: { type: 'string' },
          by: { type: 'string' },
          reason: { type: 'string' },
          'marker-ttl-days': { type: 'string', default: String(ingestionDefaults.markerTtlDays) },
        },
      }).values,
    usage,
    print,
  );
  if (!values) return 2;
  const { table, action, by, reason } = values;
  const markerTtlDays = Number(values['marker-ttl-days']);
  if (!table || !isAction(action) || !by?.trim() || !reason?.trim() || !(markerTtlDays > 0)) {
    print(usage);
    return 2;
  }
  const options = { markerTtlSeconds: markerTtlDays * 86_400 };
  const result = await withDocumentClient((document) =>
    actOnJam({ document, tableName: table }, action, by.trim(), reason.trim(), new Date(nowMs).toISOString(), options),
  );
  if (!result.done) {
    print(`refused: ${result.reason}`);
    return 1;
  }
  const { record } = result;
  const what = { skip: 'skipped', split: 'split', quarantine: `quarantined ${record.records ?? 0} unapplied record(s) of the pending page of` }[record.action];
  print(
    `${what}: ${record.pass} pass, window ${record.window.start} → ${record.window.end} page ${record.page} (failed ${record.attempts} times: ${record.failure}); audit record AUDIT#${record.at}`,
  );
  return 0;
}

const isAction = (value: string | undefined): value is OperatorAction => (operatorActions as readonly string[]).includes(value ?? '');

if (require.main === module) runFromCommandLine(unjamIngestion);
