import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { serviceConfigFrom, stackNameFrom } from './stacks/config';
import { TransactionAggregationStack } from './stacks/transaction-aggregation-stack';

/** `cdk synth` / `cdk deploy` entry (cdk.json). Settings: cdk.json context, overridden by env. */
const app = new App();
const config = serviceConfigFrom((key) => app.node.tryGetContext(key), process.env);
new TransactionAggregationStack(app, stackNameFrom((key) => app.node.tryGetContext(key)), {
  description: 'Per-user transaction aggregates from a rate-limited Transaction API',
  config,
});
// cdk-nag (AWS Solutions pack) runs as a policy-validation plugin: an unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
