import { unacknowledgedFindings } from './support/nag-findings';
import { actionsOf, statementsOfRole } from './support/role-statements';
import { governedStackTests } from './support/governed-stack-tests';
import { synthesizeService } from './support/synthesize-service';
import type { CfnValue } from './support/cfn-value';

/** A production deployment with every opt-in switched on: one synthesis for the file. */
const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const service = synthesizeService({
  stage: 'prod',
  account: '123456789012',
  region: 'eu-west-1',
  transactionsApiUrl: 'https://transactions.partner.example',
  ingestFrom: '2026-11-01T00:00:00Z',
  domainName: 'aggregates.example.com',
  certificateArn,
  readApiTracing: 'true',
  fetchReservedConcurrency: '1',
});
const { template, stack, logicalId } = service;
const functionProperties = (id: string) => (template.findResources('AWS::Lambda::Function')[id] as { Properties: Record<string, CfnValue> }).Properties;

test('stage=prod: termination protection, the explicit account and region, the prod stage tag', () => {
  expect(stack.terminationProtection).toBe(true);
  expect(stack.account).toBe('123456789012');
  expect(stack.region).toBe('eu-west-1');
  expect(Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'stage', Value: 'prod' }]));
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboard!.Properties.DashboardName).toBe('TransactionAggregation-eu-west-1');
});

test('custom domain: a regional TLS 1.2 domain with the certificate, mapped to the $default stage, and its DNS target as outputs', () => {
  template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
    DomainName: 'aggregates.example.com',
    DomainNameConfigurations: [{ CertificateArn: certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
  });
  template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
    ApiId: { Ref: logicalId(stack.readApi.api) },
    DomainName: { Ref: logicalId(stack.readApi.customDomain!) },
    Stage: '$default',
  });
  template.hasOutput('CustomDomainTarget', { Value: { 'Fn::GetAtt': [logicalId(stack.readApi.customDomain!), 'RegionalDomainName'] } });
  template.hasOutput('CustomDomainHostedZoneId', { Value: { 'Fn::GetAtt': [logicalId(stack.readApi.customDomain!), 'RegionalHostedZoneId'] } });
});

test('readApiTracing=true: active X-Ray on every read function', () => {
  for (const { fn } of stack.readApi.functions.values()) {
    const properties = functionProperties(logicalId(fn));
    expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
    expect(actionsOf(statementsOfRole(template, properties.Role['Fn::GetAtt'][0]))).toEqual(expect.arrayContaining(['xray:PutTraceSegments']));
  }
});

test('fetchReservedConcurrency=1: the opt-in reservation, and a throttle alarm that tolerates a few collisions', () => {
  const fetchId = logicalId(stack.ingestion.fetchFunction.fn);
  expect(functionProperties(fetchId).ReservedConcurrentExecutions).toBe(1);
  const throttles = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
    (alarm) => alarm.Properties.MetricName === 'Throttles' && JSON.stringify(alarm.Properties.Dimensions).includes(fetchId),
  );
  expect(throttles.map((alarm) => alarm.Properties.Threshold)).toEqual([3]);
});

governedStackTests(service, {
  fixture: 'stateful-resources-prod.json',
  logRetentionDays: 365,
  // Five functions, three public routes, the dead-letter queue. The invoke permissions pass as they are (literal account).
  acknowledgedControls: { lambda_inside_vpc_check: 5, api_gw_v2_authorization_type_configured_check: 3, sqs_dlq_check: 1 },
});

test('no mock upstream, and cdk-nag stays clean with every option on', () => {
  expect(stack.ingestion.mockUpstream).toBeUndefined();
  expect(unacknowledgedFindings(service.app)).toEqual([]);
});
