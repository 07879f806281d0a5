import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { globalSecondaryIndexes, tableSchema } from '../../lib/store/table-schema';

/**
 * The single table (aggregates, ingestion markers, cursor, call slots, quarantine), built from
 * the same schema the store adapter and DynamoDB Local use.
 *
 * `Table` (AWS::DynamoDB::Table) rather than `TableV2` (AWS::DynamoDB::GlobalTable): one region
 * is all the service needs, the resource maps one to one onto lib/store/create-table-input.ts,
 * and it keeps the PITR / deletion-protection settings where every tool (cdk-nag included)
 * looks for them. Encrypted with the stack's customer-managed key (AWS Control Tower control
 * CT.DYNAMODB.PR.2); switching an existing table's encryption is an in-place update.
 */
export class AggregatesTable extends Construct {
  readonly table: Table;
  /** ARN of the sparse payout index (userId order), for least-privilege Query grants. */
  readonly payoutIndexArn: string;
  /** ARN of the sparse payout-amount index (amount order, ties by userId). */
  readonly payoutAmountIndexArn: string;

  constructor(scope: Construct, id: string, props: { encryptionKey: IKey }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
    });
    // Both indexes come from the one schema DynamoDB Local is created from (lib/store/table-schema.ts).
    for (const index of globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      });
    }
    const { payoutIndex, payoutAmountIndex } = tableSchema;
    this.payoutIndexArn = `${this.table.tableArn}/index/${payoutIndex.name}`;
    this.payoutAmountIndexArn = `${this.table.tableArn}/index/${payoutAmountIndex.name}`;
  }
}
