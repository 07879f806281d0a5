import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { createTableInput } from '../../lib/store/create-table-input';
import { tableSchema } from '../../lib/store/table-schema';

/**
 * The single table (aggregates, ingestion markers, cursor, call slots, quarantine), built from
 * the same schema the store adapter and DynamoDB Local use.
 *
 * `Table` (AWS::DynamoDB::Table) rather than `TableV2` (AWS::DynamoDB::GlobalTable): one region
 * is all the service needs, the resource maps one to one onto lib/store/create-table-input.ts,
 * and it keeps the PITR / deletion-protection settings where every tool (cdk-nag included)
 * looks for them.
 */
export class AggregatesTable extends Construct {
  readonly table: Table;
  /** ARN of the sparse payout index, for least-privilege Query grants. */
  readonly payoutIndexArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
    });
    const { payoutIndex } = tableSchema;
    // The projection is defined once, in the CreateTable input DynamoDB Local uses.
    const projection = createTableInput('projection').GlobalSecondaryIndexes?.find((index) => index.IndexName === payoutIndex.name)?.Projection;
    this.table.addGlobalSecondaryIndex({
      indexName: payoutIndex.name,
      partitionKey: { name: payoutIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: payoutIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: projection?.NonKeyAttributes ?? [],
    });
    this.payoutIndexArn = `${this.table.tableArn}/index/${payoutIndex.name}`;
  }
}
