import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { serviceConfigFrom, stackNameFrom } from './stacks/config';
import { TransactionAggregationStack } from './stacks/transaction-aggregation-stack';

/**
 * The CDK app of `cdk synth` / `cdk deploy` (infra/app.ts), also built in-process by tests with
 * the context a README command passes. Settings: cdk.json context, overridden by env.
 */
export function serviceApp(props: AppProps = {}, environment: Readonly<Record<string, string | undefined>> = process.env): { app: App; stack: TransactionAggregationStack } {
  const app = new App(props);
  const readContext = (key: string) => app.node.tryGetContext(key);
  const config = serviceConfigFrom(readContext, environment);
  const stack = new TransactionAggregationStack(app, stackNameFrom(readContext), {
    description: 'Per-user transaction aggregates from a rate-limited Transaction API',
    config,
  });
  // cdk-nag (AWS Solutions pack) runs as a policy-validation plugin: an unacknowledged finding fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
