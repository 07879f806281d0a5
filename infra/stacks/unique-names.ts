import { Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A suffix unique to this deployment of the stack: the last group of the stack id's UUID
 * (`arn:…:stack/<name>/<uuid>`), 12 hex digits. A destroy-then-redeploy gets a new stack id,
 * so names built with it never collide with what a previous stack retained (log groups), nor
 * with a second stack in the same account.
 */
export function stackUniqueSuffix(scope: IConstruct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return Fn.select(4, Fn.split('-', stackUuid));
}

/**
 * Log groups that receive vended logs (Step Functions, API Gateway access logs) live under
 * `/aws/vendedlogs/`: CloudWatch Logs then needs no per-log-group resource policy entry, so
 * the account's single 5,120-character log-delivery resource policy never fills up.
 */
export function vendedLogGroupName(scope: IConstruct, service: 'states' | 'apigateway', name: string): string {
  return `/aws/vendedlogs/${service}/${Stack.of(scope).stackName}-${name}-${stackUniqueSuffix(scope)}`;
}
