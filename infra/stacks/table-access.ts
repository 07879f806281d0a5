import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { AggregatesTable } from './aggregates-table';

/**
 * Least-privilege table grants, narrower than Table.grantReadData / grantReadWriteData:
 * no Scan at all (the read API never scans), and the payout indexes named instead of `index/*`.
 */
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

/** The read API: GetItem / Query on the table, Query on the two sparse payout indexes. */
export function grantAggregateReads(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: readActions, resources: [aggregates.table.tableArn, aggregates.payoutIndexArn, aggregates.payoutAmountIndexArn] }),
  );
}

/**
 * Ingestion: reads plus the writes a tick performs (conditional puts/updates, transactions,
 * which IAM authorises item action by item action, and batch writes of quarantined records).
 */
export function grantIngestionWrites(aggregates: AggregatesTable, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [
        ...readActions,
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:ConditionCheckItem',
      ],
      resources: [aggregates.table.tableArn],
    }),
  );
}
