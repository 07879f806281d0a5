import { Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { controlTowerRule } from './policy-checks';

/**
 * API Gateway's permissions to invoke a route's function already name this API's ARN
 * (`SourceArn`); this adds `SourceAccount` (AWS Control Tower control CT.LAMBDA.PR.2).
 *
 * In an environment-agnostic stack (no `account`; dev stages) both are references to the
 * pseudo parameter, which the control's rule does not resolve: the finding is acknowledged there.
 * A stage with an explicit account (`stage=prod` requires one) passes the control as it is.
 */
export function scopeInvokePermissionsToAccount(route: IConstruct): void {
  const stack = Stack.of(route);
  for (const permission of route.node.findAll().filter((construct): construct is CfnPermission => construct instanceof CfnPermission)) {
    permission.sourceAccount = stack.account;
  }
  if (Token.isUnresolved(stack.account)) {
    Validations.of(route).acknowledge({
      id: controlTowerRule('lambda_function_public_access_prohibited_check'),
      reason:
        "The permission is scoped by SourceArn (this API's execute-api ARN) and SourceAccount, both built from AWS::AccountId in an environment-agnostic stack, which the rule cannot resolve; a stack with an explicit account passes it.",
    });
  }
}
