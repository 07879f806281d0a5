import { serviceConfigFrom } from '../../infra/stacks/config';
import { unacknowledgedFindings } from './support/nag-findings';
import { actionsOf, statementsOfRole } from './support/role-statements';
import { synthesizeService } from './support/synthesize-service';
import type { CfnValue } from './support/cfn-value';

const partnerUrl = 'https://transactions.partner.example/api';
const secretName = 'partner/transactions-api-key';
const givenKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

// One synthesis for the file: a dev deployment pointed at a real Transaction API with an API key secret,
// an existing KMS key and a shorter log retention.
const service = synthesizeService({
  encryptionKeyArn: givenKeyArn,
  logRetentionDays: '30',
  transactionsApiUrl: partnerUrl,
  transactionsApiKeySecretName: secretName,
  ingestFrom: '2026-11-01T00:00:00Z',
  apiRateLimit: '50',
  apiBurstLimit: 100,
});
const { template, stack, logicalId } = service;
const fetchFunctionId = logicalId(stack.ingestion.fetchFunction.fn);
const fetchProperties = (template.findResources('AWS::Lambda::Function')[fetchFunctionId] as { Properties: Record<string, CfnValue> }).Properties;

describe('with a Transaction API configured', () => {
  test('the mock upstream is not deployed: no mock function, API, route or output', () => {
    expect(stack.ingestion.mockUpstream).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey)).not.toContain('GET /transactions');
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('MockUpstreamUrl');
  });

  test('the fetch function calls the configured URL and reads the API key from the named secret', () => {
    expect(fetchProperties.Environment.Variables).toMatchObject({
      TRANSACTIONS_API_URL: partnerUrl,
      TRANSACTIONS_API_KEY_SECRET_NAME: secretName,
    });
    const roleId = fetchProperties.Role['Fn::GetAtt'][0] as string;
    const statements = statementsOfRole(template, roleId);
    const secretReads = statements.filter((statement) => actionsOf([statement]).includes('secretsmanager:GetSecretValue'));
    expect(secretReads).toHaveLength(1);
    // Exactly what Powertools Parameters' getSecret sends, nothing more.
    expect(actionsOf(statements).filter((action) => action.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
    // Secrets Manager appends 6 random characters to a secret's name in its ARN.
    expect(JSON.stringify(secretReads[0]!.Resource)).toContain(`:secret:${secretName}-??????`);
  });

  test('the stage throttling follows the configured limits (context strings are numbers too)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
  });

  test('cdk-nag reports no unacknowledged finding in this variant either', () => {
    expect(unacknowledgedFindings(service.app)).toEqual([]);
  });

  test('encryptionKeyArn: the table and every log group use the given key, and the stack creates none but the alarm topic key', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'Encrypts the alarm notification topic' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: givenKeyArn } });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.map((group) => group.Properties.KmsKeyId)).toEqual(logGroups.map(() => givenKeyArn));
  });

  test('logRetentionDays=30 on a dev stage: every log group keeps 30 days, and that Control Tower finding is acknowledged on the stack', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.map((group) => group.Properties.RetentionInDays)).toEqual(logGroups.map(() => 30));
    const retention = service.checks.controlTower.acknowledged.filter((finding) => finding.startsWith('cloudwatch_log_group_retention_period_check at '));
    expect(retention).toHaveLength(logGroups.length);
    expect(service.checks.controlTower.unacknowledged).toEqual([]);
  });
});

describe('deployment configuration', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];
  const cdkJsonDefaults = {
    transactionsApiUrl: '',
    transactionsApiKeySecretName: '',
    lateHorizonSeconds: 60,
    headLagTargetSeconds: 30,
    reconcileHours: 24,
    settleLagSeconds: 5,
    upstream: 'mock',
  };

  test("cdk.json's empty strings mean no Transaction API and no API key; with -c upstream=mock the mock's start point", () => {
    expect(serviceConfigFrom(context(cdkJsonDefaults), {})).toEqual({
      upstream: 'mock',
      ingestFrom: '2023-01-01T00:00:00Z',
      settleLagSeconds: 5,
      lateHorizonSeconds: 60,
      headLagTargetSeconds: 30,
      reconcileHours: 24,
      freshMarginSeconds: 2,
      apiRateLimit: 500,
      apiBurstLimit: 1000,
      stage: 'dev',
      readApiTracing: false,
      logRetentionDays: 365,
    });
  });

  test("logRetentionDays: one of CloudWatch Logs' periods, at least 365 with stage=prod; encryptionKeyArn: a KMS key ARN", () => {
    const prod = {
      ...cdkJsonDefaults,
      upstream: '',
      stage: 'prod',
      account: '123456789012',
      region: 'eu-west-1',
      transactionsApiUrl: 'https://partner.example',
      ingestFrom: '2026-01-01',
    };
    expect(serviceConfigFrom(context(prod), {}).logRetentionDays).toBe(365);
    expect(serviceConfigFrom(context({ ...prod, logRetentionDays: '731' }), {}).logRetentionDays).toBe(731);
    expect(() => serviceConfigFrom(context({ ...prod, logRetentionDays: '180' }), {})).toThrow(
      /logRetentionDays \(context only\): stage=prod keeps logs at least 365 days/,
    );
    expect(serviceConfigFrom(context({ ...cdkJsonDefaults, logRetentionDays: '7' }), {}).logRetentionDays).toBe(7);
    expect(() => serviceConfigFrom(context({ ...cdkJsonDefaults, logRetentionDays: '42' }), {})).toThrow(
      /logRetentionDays \(context only\): one of CloudWatch Logs' retention periods: 1, 3, 5, 7/,
    );
    expect(serviceConfigFrom(context({ ...cdkJsonDefaults, encryptionKeyArn: givenKeyArn }), {}).encryptionKeyArn).toBe(givenKeyArn);
    expect(() => serviceConfigFrom(context({ ...cdkJsonDefaults, encryptionKeyArn: 'alias/aws/dynamodb' }), {})).toThrow(
      /encryptionKeyArn \(context only\): a KMS key ARN/,
    );
  });

  test('an environment variable overrides its context key; an empty one does not', () => {
    const config = serviceConfigFrom(
      context({ ...cdkJsonDefaults, upstream: '', ingestFrom: '2026-01-01', transactionsApiUrl: 'https://from-context.example' }),
      {
        TRANSACTIONS_API_URL: 'https://from-env.example/v1',
        LATE_HORIZON_SECONDS: '120',
        SETTLE_LAG_SECONDS: '',
        ALARM_EMAIL: 'oncall@example.com',
      },
    );
    expect(config).toMatchObject({
      transactionsApiUrl: 'https://from-env.example/v1',
      lateHorizonSeconds: 120,
      settleLagSeconds: 5,
      alarmEmail: 'oncall@example.com',
    });
  });

  test('a bad value stops the synth and names the setting and its variable', () => {
    expect(() => serviceConfigFrom(context(cdkJsonDefaults), { TRANSACTIONS_API_URL: 'ftp://nope' })).toThrow(/transactionsApiUrl \(TRANSACTIONS_API_URL\)/);
    expect(() => serviceConfigFrom(context({ ...cdkJsonDefaults, lateHorizonSeconds: -1 }), {})).toThrow(/lateHorizonSeconds \(LATE_HORIZON_SECONDS\)/);
    expect(() => serviceConfigFrom(context(cdkJsonDefaults), { INGEST_FROM: 'yesterday' })).toThrow(/ingestFrom \(INGEST_FROM\)/);
    expect(() => serviceConfigFrom(context(cdkJsonDefaults), { ALARM_EMAIL: 'not-an-address' })).toThrow(/alarmEmail \(ALARM_EMAIL\)/);
  });

  test("the deployed mock's knobs come as an object in cdk.json, or as NAME=value pairs (-c mockKnobs=..., MOCK_KNOBS)", () => {
    expect(serviceConfigFrom(context(cdkJsonDefaults), {}).mockKnobs).toBeUndefined();
    expect(serviceConfigFrom(context({ ...cdkJsonDefaults, mockKnobs: { MOCK_LATE_FRACTION: 0.1, MOCK_PHASES: '30m@4000,10m@80' } }), {}).mockKnobs).toEqual({
      MOCK_LATE_FRACTION: '0.1',
      MOCK_PHASES: '30m@4000,10m@80',
    });
    expect(
      serviceConfigFrom(context(cdkJsonDefaults), { MOCK_KNOBS: ' MOCK_FAULTS=lying-meta,bad-page  MOCK_BAD_PAGE_AT=2024-05-01T10:00:30Z ' }).mockKnobs,
    ).toEqual({ MOCK_FAULTS: 'lying-meta,bad-page', MOCK_BAD_PAGE_AT: '2024-05-01T10:00:30Z' });
  });

  test('a bad mock knob stops the synth, naming mockKnobs (MOCK_KNOBS) and the knob', () => {
    const withKnobs = (knobs: string) => () => serviceConfigFrom(context(cdkJsonDefaults), { MOCK_KNOBS: knobs });
    expect(withKnobs('MOCK_FAULTS=flaky')).toThrow(/mockKnobs \(MOCK_KNOBS\).*MOCK_FAULTS/);
    expect(withKnobs('MOCK_PHASES=30@4000')).toThrow(/mockKnobs \(MOCK_KNOBS\).*MOCK_PHASES/);
    expect(withKnobs('MOCK_FAULT=lying-meta')).toThrow(/mockKnobs \(MOCK_KNOBS\).*unknown mock knob MOCK_FAULT /);
    expect(withKnobs('TIME_SCALE=10')).toThrow(/unknown mock knob TIME_SCALE/);
    expect(withKnobs('MOCK_FAULTS')).toThrow(/not NAME=value/);
    expect(withKnobs('MOCK_FAULTS=bad-page')).toThrow(/bad-page fault needs MOCK_BAD_PAGE_AT/);
    expect(withKnobs('MOCK_FAULTS=stuck-record MOCK_BAD_PAGE_AT=2026-01-05T10:00:30Z')).toThrow(/stuck-record fault needs the local table's refusal/);
  });
});

test("the deployed mock gets its knobs as its function's environment", () => {
  const knobs = { MOCK_FAULTS: 'huge-garbage,long-retry-after', MOCK_LATE_FRACTION: '0.05', MOCK_PHASES: '30m@4000,10m@80' };
  const demo = synthesizeService({ upstream: 'mock', mockKnobs: knobs });
  const mockId = demo.logicalId(demo.stack.ingestion.mockUpstream!.function.fn);
  const variables = demo.template.findResources('AWS::Lambda::Function')[mockId]!.Properties.Environment.Variables as Record<string, string>;
  expect(variables).toMatchObject({ ...knobs, POWERTOOLS_SERVICE_NAME: 'mock-transaction-api' });
});

test('a second stack (-c stackName=...) publishes and alarms on its own metrics namespace', () => {
  const rebuild = synthesizeService({ stackName: 'TransactionAggregationRebuild', upstream: 'mock' });
  expect(rebuild.stack.stackName).toBe('TransactionAggregationRebuild');
  const functions = Object.values(rebuild.template.findResources('AWS::Lambda::Function'));
  expect(functions.map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE)).toEqual(functions.map(() => 'TransactionAggregationRebuild'));
  const custom = Object.values(rebuild.template.findResources('AWS::CloudWatch::Alarm')).filter(
    (alarm) => alarm.Properties.Namespace && !String(alarm.Properties.Namespace).startsWith('AWS/'),
  );
  expect(custom.length).toBeGreaterThanOrEqual(2);
  expect(custom.every((alarm) => alarm.Properties.Namespace === 'TransactionAggregationRebuild')).toBe(true);
});
