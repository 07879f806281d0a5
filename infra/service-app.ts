import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { serviceConfigFrom, stackNameFrom } from './stacks/config';
import { PolicyChecks } from './stacks/policy-checks';
import { TransactionAggregationStack } from './stacks/transaction-aggregation-stack';

/**
 * The CDK app of `cdk synth` / `cdk deploy` (infra/app.ts), also built in-process by tests with
 * the context a README command passes. Settings: cdk.json context, overridden by env.
 */
export function serviceApp(
  props: AppProps = {},
  environment: Readonly<Record<string, string | undefined>> = process.env,
): { app: App; stack: TransactionAggregationStack; checks: PolicyChecks } {
  const app = new App(props);
  const readContext = (key: string) => app.node.tryGetContext(key);
  const config = serviceConfigFrom(readContext, environment);
  const stack = new TransactionAggregationStack(app, stackNameFrom(readContext), {
    description: 'Per-user transaction aggregates from a rate-limited Transaction API',
    config,
  });
  // cdk-nag (AWS Solutions pack) and the AWS Control Tower proactive controls run as policy-validation
  // plugins: an unacknowledged finding of either fails the synth.
  const checks = new PolicyChecks(app);
  Validations.of(app).addPlugins(...checks.plugins);
  return { app, stack, checks };
}
