import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { denyGrantsExceptForAwsResources } from './data-key';

/**
 * Where alarms notify: an SNS topic encrypted with its own rotating KMS key, TLS-only, that
 * CloudWatch alarms of this account may publish to. Subscribe on-call e-mail, chat or paging.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { email?: string }) {
    super(scope, id);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const key = new Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the alarm notification topic' });
    // CloudWatch encrypts the message it publishes with this key (AWS's documented key policy for alarm topics).
    key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    denyGrantsExceptForAwsResources(key);
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'Transaction aggregation alarms' });
    const { account, region, partition } = Stack.of(this);
    // The topic policy (created by enforceSSL) replaces SNS's default one: let this account's alarms publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` } },
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
