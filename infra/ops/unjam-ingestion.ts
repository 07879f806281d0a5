import { runFromCommandLine, withDocumentClient } from './command-line';
import { parseArgs } from 'node:util';
import { actOnJam } from '../../lib/store/operator-actions';

const usage = `usage: npx tsx infra/ops/unjam-ingestion.ts --table NAME --action split|skip --by WHO --reason TEXT
For a call that fails the same way again and again (GET /status shows "jam", the jam alarm fired):
  split  the pass asks for the first half of the jammed span next; repeat to narrow a bad record
         down to one second, whose span can then be skipped;
  skip   the pass moves past the span without reading it (nothing in it is applied; the tail
         checks the head's skipped seconds again later, so they are re-read once the upstream heals).
Each action is kept as an audit record (INGESTION / AUDIT#<time>) and shown by GET /status.
Uses the usual AWS credentials and region; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local.`;

/** The command: returns the exit code and prints what it did or why it refused. */
export async function unjamIngestion(argv: string[], nowMs = Date.now(), print: (line: string) => void = console.log): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { table: { type: 'string' }, action: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' } } }));
  } catch (error) {
    print(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { table, action, by, reason } = values;
  if (!table || (action !== 'split' && action !== 'skip') || !by?.trim() || !reason?.trim()) {
    print(usage);
    return 2;
  }
  const result = await withDocumentClient((document) => actOnJam({ document, tableName: table }, action, by.trim(), reason.trim(), new Date(nowMs).toISOString()));
  if (!result.done) {
    print(`refused: ${result.reason}`);
    return 1;
  }
  const { record } = result;
  print(`${record.action === 'skip' ? 'skipped' : 'split'}: ${record.pass} pass, window ${record.window.start} → ${record.window.end} page ${record.page} (failed ${record.attempts} times: ${record.failure}); audit record AUDIT#${record.at}`);
  return 0;
}

if (require.main === module) runFromCommandLine(unjamIngestion);
