import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { statefulSnapshot, type StatefulSnapshot } from './stateful-resources';
import type { SynthesizedService } from './synthesize-service';
import type { CfnValue } from './cfn-value';

export interface GovernedStackExpectations {
  /** The stateful resources as the template had them before issue 20 (test/infra/fixtures/). */
  fixture: 'stateful-resources-dev.json' | 'stateful-resources-prod.json';
  /** Control Tower findings acknowledged in code, counted per rule. */
  acknowledgedControls: Record<string, number>;
  logRetentionDays: number;
}

type Resource = { Type: string; Properties: Record<string, CfnValue>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/**
 * Issue 20's promises for one synthesized stage: the Control Tower controls pass (fixed, or
 * acknowledged with a reason), and nothing a deployed stack holds would be replaced by the
 * feature flags and the encryption: each stateful resource keeps its logical ID and every
 * property whose change means replacement.
 */
export function governedStackTests(service: SynthesizedService, expected: GovernedStackExpectations): void {
  const { template, stack, logicalId, checks } = service;
  const resourcesOf = (type: string) => template.findResources(type) as Record<string, Resource>;
  const dataKeyArn = { 'Fn::GetAtt': [logicalId(stack.dataKey.key), 'Arn'] };

  describe('deployable where AWS Control Tower governs the account (issue 20)', () => {
    test('no unacknowledged finding of cdk-nag or the Control Tower controls; the acknowledged controls are the reviewed ones', () => {
      expect(checks.nag.unacknowledged).toBe(0);
      expect(checks.controlTower.unacknowledged).toEqual([]);
      const perRule: Record<string, number> = {};
      for (const finding of checks.controlTower.acknowledged) {
        const rule = finding.split(' at ')[0]!;
        perRule[rule] = (perRule[rule] ?? 0) + 1;
      }
      expect(perRule).toEqual(expected.acknowledgedControls);
    });

    test('every stateful resource keeps its logical ID and every property whose change would replace it', () => {
      const before = JSON.parse(readFileSync(path.join(__dirname, '../fixtures', expected.fixture), 'utf8')) as StatefulSnapshot;
      const now = statefulSnapshot(template.toJSON() as Parameters<typeof statefulSnapshot>[0]);
      for (const [id, resource] of Object.entries(before)) expect([id, now[id]]).toEqual([id, resource]);
      // The only stateful resource added is the data key.
      expect(Object.keys(now).filter((id) => !(id in before))).toEqual([logicalId(stack.dataKey.key)]);
    });

    test('the table is encrypted with the customer-managed data key (an in-place update of SSESpecification)', () => {
      const [table] = Object.values(resourcesOf('AWS::DynamoDB::Table'));
      expect(table!.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: dataKeyArn });
    });

    test(`every log group keeps ${expected.logRetentionDays} days and is encrypted with the data key`, () => {
      const logGroups = Object.values(resourcesOf('AWS::Logs::LogGroup'));
      expect(logGroups.length).toBeGreaterThanOrEqual(7);
      for (const group of logGroups) expect(group.Properties).toMatchObject({ RetentionInDays: expected.logRetentionDays, KmsKeyId: dataKeyArn });
    });

    test('the data key rotates, is retained with the table, and lets DynamoDB and CloudWatch Logs of this account use it', () => {
      const key = resourcesOf('AWS::KMS::Key')[logicalId(stack.dataKey.key)]!;
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const statements = key.Properties.KeyPolicy.Statement as Array<Record<string, CfnValue>>;
      const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
      expect(bySid('UseThroughDynamoDbInThisAccount')).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' } });
      expect(Object.keys(bySid('UseThroughDynamoDbInThisAccount')!.Condition.StringEquals).sort()).toEqual(['kms:CallerAccount', 'kms:ViaService']);
      expect(bySid('EncryptLogGroupsOfThisAccount')!.Condition.ArnLike).toHaveProperty(['kms:EncryptionContext:aws:logs:arn']);
    });

    test('on every key of the stack, grants only for AWS resources (CT.KMS.PR.3)', () => {
      const keys = Object.values(resourcesOf('AWS::KMS::Key'));
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key.Properties.KeyPolicy.Statement).toContainEqual({
          Sid: 'GrantsOnlyForAwsResources',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        });
      }
    });

    test("API Gateway may invoke a function only from this API's ARN and this account", () => {
      const permissions = Object.values(resourcesOf('AWS::Lambda::Permission'));
      expect(permissions.length).toBeGreaterThanOrEqual(5);
      for (const permission of permissions) {
        expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
        expect(JSON.stringify(permission.Properties.SourceArn)).toContain(':execute-api:');
        expect(permission.Properties.SourceAccount).toEqual(stack.resolve(stack.account));
      }
    });
  });
}
