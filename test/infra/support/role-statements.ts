import type { Template } from 'aws-cdk-lib/assertions';

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of the inline policies (AWS::IAM::Policy) attached to the role `roleId`. */
export function statementsOfRole(template: Template, roleId: string): PolicyStatementJson[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref?: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement);
}

export const actionsOf = (statements: PolicyStatementJson[]): string[] => statements.flatMap((statement) => [statement.Action].flat());
