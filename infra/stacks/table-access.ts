import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { keys } from '../../lib/store/table-schema';
import type { AggregatesTable } from './aggregates-table';

/**
 * Least-privilege table grants, one per function, narrower than Table.grantReadData /
 * grantReadWriteData: no Scan at all, no BatchGetItem where nothing batch-reads, the payout
 * index named instead of `index/*`, and partitions pinned with `dynamodb:LeadingKeys`.
 */

/** The partition of every user's items (aggregate and markers), as a LeadingKeys pattern. */
const userPartitions = `${keys.aggregate('').pk}*`;
/** The partition of the ingestion cursor (and the call slots, pending pages). */
const ingestionPartition = keys.cursor().pk;

/**
 * The cursor attributes GET /status reads (defined once, in lib/store/read-store.ts). Pending
 * pages and call slots share the cursor's partition: limited to these attributes, a GetItem on
 * them returns nothing of theirs, and the QUARANTINE partition is out of reach.
 */
import { statusAttributes } from '../../lib/store/read-store';

export { statusAttributes };

/** GET /aggregatedData/{userId}: GetItem on a user's partition, nothing else. */
export function grantUserAggregateRead(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [aggregates.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [userPartitions] } },
    }),
  );
}

/** GET /aggregatedData/payouts: Query on the two sparse payout indexes only (they hold aggregates with a payout, nothing else). */
export function grantPayoutIndexQuery(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['dynamodb:Query'], resources: [aggregates.payoutIndexArn, aggregates.payoutAmountIndexArn] }),
  );
}

/** The data routes' `Data-As-Of`: GetItem of the cursor's head watermark, nothing else of the ingestion partition. */
export function grantWatermarkRead(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [aggregates.table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ingestionPartition], 'dynamodb:Attributes': ['pk', 'sk', 'watermark'] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    }),
  );
}

/** GET /status (public): GetItem of the cursor's public attributes, in the ingestion partition only. */
export function grantStatusRead(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [aggregates.table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'dynamodb:LeadingKeys': [ingestionPartition],
          'dynamodb:Attributes': ['pk', 'sk', ...statusAttributes],
        },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    }),
  );
}

/**
 * Ingestion: exactly the DynamoDB actions a tick uses (test/infra/service-stack.test.ts derives
 * them from the code): reads (GetItem of the cursor, BatchGetItem of markers and payouts, Query of
 * call slots and pending chunks), conditional puts and updates (TransactWriteItems is authorised
 * item action by item action: its Puts and Updates), and DeleteItem of a checkpointed page's chunks.
 */
export const ingestionTableActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

export function grantIngestionWrites(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...ingestionTableActions], resources: [aggregates.table.tableArn] }));
}
