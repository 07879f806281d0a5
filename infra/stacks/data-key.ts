import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * AWS Control Tower control CT.KMS.PR.3: nobody may create a grant on the key unless it is for an
 * AWS resource (DynamoDB's and SNS's own grants are) or the caller is an AWS service.
 */
export function denyGrantsExceptForAwsResources(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsResources',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }),
  );
}

/**
 * The customer-managed KMS key that encrypts the table and every log group: created by the stack
 * (rotating yearly, retained with the table it encrypts), or an existing key given with
 * `-c encryptionKeyArn=...`, whose key policy must then allow what this one's does (infra/README.md).
 */
export class DataKey extends Construct {
  readonly key: IKey;

  constructor(scope: Construct, id: string, props: { keyArn?: string }) {
    super(scope, id);
    if (props.keyArn) {
      this.key = Key.fromKeyArn(this, 'Given', props.keyArn);
      return;
    }
    const key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the transaction aggregates table and the service log groups',
      // The retained table stays readable only while its key exists.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const { partition, region, account } = Stack.of(this);
    // AWS's documented key policy for DynamoDB: principals of this account use the key only through
    // DynamoDB, so the table grants (infra/stacks/table-access.ts) alone decide who reads and writes.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'UseThroughDynamoDbInThisAccount',
        principals: [new AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com`, 'kms:CallerAccount': account } },
      }),
    );
    // AWS's documented key policy for CloudWatch Logs: only for log groups of this account and region.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EncryptLogGroupsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` } },
      }),
    );
    denyGrantsExceptForAwsResources(key);
    this.key = key;
  }
}
