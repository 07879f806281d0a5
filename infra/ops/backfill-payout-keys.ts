import { parseArgs } from 'node:util';
import Big from 'big.js';
import { ScanCommand, UpdateCommand, NumberValue, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/dynamo-client';
import { optionsOrUsage } from './command-line';
import { payoutSortKey } from '../../lib/core/payout-sort-key';
import { decimalText } from '../../lib/store/stored-number';
import { isConditionalCheckFailure } from '../../lib/store/store-context';
import { PAYOUT_INDEX_PARTITION } from '../../lib/store/table-schema';

const usage = `usage: npx tsx infra/ops/backfill-payout-keys.ts --table NAME [--dry-run]
Gives every aggregate written before the payout-amount index existed its payoutSortKey (and the
sparse partition when its payout is above 0), so the index lists it. Run once after the deploy
that adds payoutAmountIndex; it is safe to run again and safe while ingestion runs: each update is
conditional on the payout it read, and one that lost the race is read again. Reads the table with
a Scan (an operator command, never the API). Uses the usual AWS credentials and region;
AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local.`;

export interface BackfillResult {
  scanned: number;
  updated: number;
  alreadyInStep: number;
  retried: number;
}

/** One pass over the aggregates; each out-of-step item is updated on the condition that its payout is still the one read. */
export async function backfillPayoutKeys(document: DynamoDBDocumentClient, tableName: string, options: { dryRun?: boolean } = {}): Promise<BackfillResult> {
  const result: BackfillResult = { scanned: 0, updated: 0, alreadyInStep: 0, retried: 0 };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await document.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey,
        FilterExpression: 'sk = :aggregate',
        ProjectionExpression: 'pk, sk, userId, payout, payoutSortKey, payoutIndexPk',
        ExpressionAttributeValues: { ':aggregate': 'AGGREGATE' },
      }),
    );
    for (const item of page.Items ?? []) {
      result.scanned++;
      let current = item;
      for (let attempt = 0; ; attempt++) {
        const payout = decimalText(current.payout);
        const indexed = new Big(payout).gt(0);
        const wantedKey = indexed ? payoutSortKey(payout, String(current.userId)) : undefined;
        const inStep =
          current.payoutSortKey === wantedKey && (indexed ? current.payoutIndexPk === PAYOUT_INDEX_PARTITION : current.payoutIndexPk === undefined);
        if (inStep) {
          result.alreadyInStep++;
          break;
        }
        if (options.dryRun) {
          result.updated++;
          break;
        }
        try {
          await document.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: current.pk, sk: current.sk },
              UpdateExpression: indexed ? 'SET payoutSortKey = :key, payoutIndexPk = :partition' : 'REMOVE payoutSortKey, payoutIndexPk',
              ConditionExpression: 'payout = :payout',
              ExpressionAttributeValues: {
                ':payout': NumberValue.from(payout),
                ...(indexed ? { ':key': wantedKey, ':partition': PAYOUT_INDEX_PARTITION } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          result.updated++;
          break;
        } catch (error) {
          // Ingestion changed this aggregate meanwhile (and so wrote its key itself): check again from what is stored.
          if (!isConditionalCheckFailure(error) || attempt >= 5) throw error;
          const stored = (error as { Item?: Record<string, unknown> }).Item;
          if (!stored) break;
          result.retried++;
          current = {
            ...current,
            ...Object.fromEntries(
              Object.entries(stored).map(([name, value]) => [name, (value as { S?: string; N?: string }).S ?? (value as { N?: string }).N]),
            ),
          };
        }
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return result;
}

export async function backfillCommand(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const values = optionsOrUsage(
    () => parseArgs({ args: argv, options: { table: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } }).values,
    usage,
    print,
  );
  if (!values) return 2;
  if (!values.table) {
    print(usage);
    return 2;
  }
  const document = createDocumentClient();
  try {
    const result = await backfillPayoutKeys(document, values.table, { dryRun: values['dry-run'] });
    print(
      `${values['dry-run'] ? 'dry run: would update' : 'updated'} ${result.updated} of ${result.scanned} aggregates (${result.alreadyInStep} already in step, ${result.retried} re-read after a concurrent write)`,
    );
    return 0;
  } finally {
    document.destroy();
  }
}

if (require.main === module) {
  void backfillCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
