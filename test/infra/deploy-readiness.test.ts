import { Match } from 'aws-cdk-lib/assertions';
import { apiRoutes } from '../../infra/definitions/routes';
import { statusAttributes } from '../../infra/stacks/table-access';
import { createReadStore } from '../../lib/store/read-store';
import type { StoreContext } from '../../lib/store/store-context';
import { keys } from '../../lib/store/table-schema';
import { actionsOf, statementsOfRole } from './support/role-statements';
import { synthesizeService } from './support/synthesize-service';
import type { CfnValue } from './support/cfn-value';

/**
 * What a first production deploy needs beyond a template that synthesizes (issue 12): one
 * synthesis of the demo deployment (`-c upstream=mock`), assertions per concern.
 */
const service = synthesizeService({ upstream: 'mock' });
const { template, stack, logicalId } = service;

type Resource = { Type: string; Properties: Record<string, CfnValue>; DependsOn?: string[] };
const resourcesOf = (type: string): Record<string, Resource> => template.findResources(type) as Record<string, Resource>;
const propertiesOf = (type: string, id: string): Record<string, CfnValue> => resourcesOf(type)[id]!.Properties;

/** The stack-id suffix every unique name ends with (CloudFormation resolves it at deploy time). */
const stackIdSuffix = { 'Fn::Select': [4, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
const vendedName = (service: string, name: string) => ({ 'Fn::Join': ['', [`/aws/vendedlogs/${service}/TransactionAggregation-${name}-`, stackIdSuffix]] });

describe('vended log groups (item 2)', () => {
  const logGroupNameOf = (logGroupId: string) => propertiesOf('AWS::Logs::LogGroup', logGroupId).LogGroupName;

  test('the state machine logs to /aws/vendedlogs/states/<stack>-TickLoop-<stack id suffix>', () => {
    const destination = propertiesOf('AWS::StepFunctions::StateMachine', logicalId(stack.ingestion.stateMachine)).LoggingConfiguration.Destinations[0];
    const logGroupId = destination.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    expect(logGroupNameOf(logGroupId)).toEqual(vendedName('states', 'TickLoop'));
  });

  test('both HTTP APIs write access logs to /aws/vendedlogs/apigateway/<stack>-<api>-<stack id suffix>', () => {
    const stages = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage'));
    const byApi = Object.fromEntries(
      stages.map((stage) => [stage.Properties.ApiId.Ref, logGroupNameOf(stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0])]),
    );
    expect(byApi).toEqual({
      [logicalId(stack.readApi.api)]: vendedName('apigateway', 'ReadApi'),
      [logicalId(stack.ingestion.mockUpstream!.node.findChild('Api'))]: vendedName('apigateway', 'MockUpstream'),
    });
  });

  test('every vended log group name carries the stack name and the stack id (a second stack or a redeploy gets new names)', () => {
    const names = Object.values(resourcesOf('AWS::Logs::LogGroup'))
      .map((group) => JSON.stringify(group.Properties.LogGroupName ?? ''))
      .filter((name) => name.includes('vendedlogs'));
    expect(names).toHaveLength(3);
    for (const name of names) {
      expect(name).toContain('AWS::StackId');
      expect(name).toContain('TransactionAggregation-');
    }
  });
});

describe('the demo upstream (item 3)', () => {
  test("the mock's stage is throttled far below the read API's", () => {
    const mockApiId = logicalId(stack.ingestion.mockUpstream!.node.findChild('Api'));
    const stage = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage')).find((candidate) => candidate.Properties.ApiId.Ref === mockApiId)!;
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 });
  });
});

describe('public routes (item 4)', () => {
  const readStage = () =>
    Object.entries(resourcesOf('AWS::ApiGatewayV2::Stage')).find(([, stage]) => stage.Properties.ApiId.Ref === logicalId(stack.readApi.api))!;

  test('every public route of infra/definitions/routes.ts has its own throttling, below the stage default', () => {
    const publicRoutes = apiRoutes.filter((route) => !route.authenticated);
    expect(publicRoutes.map((route) => route.path).sort()).toEqual(['/api/docs', '/api/docs/{proxy+}', '/status']);
    const [, stage] = readStage();
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual(publicRoutes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of publicRoutes) {
      expect(settings[`${route.method} ${route.path}`]).toEqual({
        ThrottlingRateLimit: route.throttle!.rateLimit,
        ThrottlingBurstLimit: route.throttle!.burstLimit,
      });
      expect(route.throttle!.rateLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit);
      expect(route.throttle!.burstLimit).toBeLessThan(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit);
    }
  });

  test('the stage is deployed after the routes its settings name', () => {
    const [, stage] = readStage();
    const routeIds = Object.entries(resourcesOf('AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => ['GET /status', 'GET /api/docs', 'GET /api/docs/{proxy+}'].includes(route.Properties.RouteKey))
      .map(([id]) => id);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('alarms (item 6)', () => {
  const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Record<string, CfnValue>);
  const alarmOn = (namespace: string, metricName: string) => {
    const found = alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const topic = { Ref: logicalId(stack.monitoring.alarmTopic.topic) };

  test('the head lag alarm is M of N (3 of 5 minutes above 120 s), not 1 of 1', () => {
    expect(alarmOn('TransactionAggregation', 'IngestionLagSeconds')).toMatchObject({
      Threshold: 120,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
  });

  test('the verified (tail) lag alarms above 900 s, 3 of 5, and leaves silence to the head alarm', () => {
    expect(alarmOn('TransactionAggregation', 'VerifiedLagSeconds')).toMatchObject({
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      Dimensions: [{ Name: 'service', Value: 'ingestion' }],
    });
  });

  test('DynamoDB read and write throttles on the table alarm', () => {
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(alarmOn('AWS/DynamoDB', metricName)).toMatchObject({
        Dimensions: [{ Name: 'TableName', Value: { Ref: logicalId(stack.aggregates.table) } }],
        Threshold: 1,
        Statistic: 'Sum',
      });
    }
  });

  test('Step Functions failed, timed-out and throttled executions alarm', () => {
    const dimensions = [{ Name: 'StateMachineArn', Value: { Ref: logicalId(stack.ingestion.stateMachine) } }];
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      expect(alarmOn('AWS/States', metricName)).toMatchObject({ Dimensions: dimensions, Threshold: 1 });
    }
  });

  test('failed SNS deliveries of the alarm topic alarm', () => {
    expect(alarmOn('AWS/SNS', 'NumberOfNotificationsFailed')).toMatchObject({
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [topic.Ref, 'TopicName'] } }],
      Threshold: 1,
    });
  });

  test('the schedule rule target has an encrypted, TLS-only dead-letter queue; failed invocations and dead letters alarm', () => {
    const queueId = logicalId(stack.ingestion.scheduleDeadLetters);
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
        }),
      ],
    });
    expect(propertiesOf('AWS::SQS::Queue', queueId)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    const queuePolicy = Object.values(resourcesOf('AWS::SQS::QueuePolicy')).find((policy) => policy.Properties.Queues[0].Ref === queueId)!;
    expect(queuePolicy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' }),
      ]),
    );
    expect(alarmOn('AWS/Events', 'FailedInvocations')).toMatchObject({
      Dimensions: [{ Name: 'RuleName', Value: { Ref: logicalId(stack.ingestion.schedule) } }],
      Threshold: 1,
    });
    expect(alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
    });
  });

  test('every new alarm notifies the alarm topic too', () => {
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
  });
});

describe('stack hygiene (item 7)', () => {
  const readFunctionId = (handler: 'get-user-aggregate' | 'list-payouts' | 'get-status' | 'api-docs') => logicalId(stack.readApi.functions.get(handler)!.fn);
  const dynamoStatementsOf = (functionId: string) => {
    const roleId = propertiesOf('AWS::Lambda::Function', functionId).Role['Fn::GetAtt'][0] as string;
    return statementsOfRole(template, roleId).filter((statement) => actionsOf([statement]).some((action) => action.startsWith('dynamodb:')));
  };
  const tableArn = { 'Fn::GetAtt': [logicalId(stack.aggregates.table), 'Arn'] };

  test('the demo (default) stage is environment-agnostic and can be destroyed', () => {
    expect(stack.terminationProtection).toBe(false);
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
  });

  test('the dashboard name carries the region (dashboards are global to an account)', () => {
    const [dashboard] = Object.values(resourcesOf('AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toEqual({ 'Fn::Join': ['', ['TransactionAggregation-', { Ref: 'AWS::Region' }]] });
  });

  test('every taggable resource carries the service, stage and stack tags', () => {
    const expectedTags = [
      { Key: 'service', Value: 'transaction-aggregation' },
      { Key: 'stack', Value: 'TransactionAggregation' },
      { Key: 'stage', Value: 'dev' },
    ];
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::SQS::Queue', 'AWS::SNS::Topic']) {
      for (const resource of Object.values(resourcesOf(type)))
        expect(resource.Properties.Tags).toEqual(expect.arrayContaining(expectedTags.map((tag) => expect.objectContaining(tag))));
    }
    // HTTP APIs take tags as a map.
    for (const api of Object.values(resourcesOf('AWS::ApiGatewayV2::Api')))
      expect(api.Properties.Tags).toMatchObject({ service: 'transaction-aggregation', stage: 'dev' });
  });

  test('X-Ray on the read functions is off by default (no trace config, no X-Ray permissions); the fetch function keeps it', () => {
    for (const handler of ['get-user-aggregate', 'list-payouts', 'get-status', 'api-docs'] as const) {
      const id = readFunctionId(handler);
      expect(propertiesOf('AWS::Lambda::Function', id).TracingConfig).toBeUndefined();
      const roleId = propertiesOf('AWS::Lambda::Function', id).Role['Fn::GetAtt'][0] as string;
      expect(actionsOf(statementsOfRole(template, roleId)).filter((action) => action.startsWith('xray:'))).toEqual([]);
    }
    expect(propertiesOf('AWS::Lambda::Function', logicalId(stack.ingestion.fetchFunction.fn)).TracingConfig).toEqual({ Mode: 'Active' });
  });

  // Data-As-Of: the data routes may read the cursor's head watermark, and nothing else of its partition.
  const watermarkRead = {
    Effect: 'Allow',
    Action: 'dynamodb:GetItem',
    Resource: tableArn,
    Condition: {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['INGESTION'], 'dynamodb:Attributes': ['pk', 'sk', 'watermark'] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
  };

  test('get-user-aggregate: GetItem in USER# partitions, and of the watermark alone', () => {
    expect(dynamoStatementsOf(readFunctionId('get-user-aggregate'))).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] } } },
      watermarkRead,
    ]);
  });

  test('list-payouts: Query on the two payout indexes only (not the table, no BatchGetItem), and the watermark alone', () => {
    expect(dynamoStatementsOf(readFunctionId('list-payouts'))).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [{ 'Fn::Join': ['', [tableArn, '/index/payoutAmountIndex']] }, { 'Fn::Join': ['', [tableArn, '/index/payoutIndex']] }],
      },
      watermarkRead,
    ]);
  });

  test('get-status (public): GetItem of the cursor attributes in the INGESTION partition; never QUARANTINE, never a pending page', () => {
    const [statement, ...others] = dynamoStatementsOf(readFunctionId('get-status'));
    expect(others).toEqual([]);
    expect(statement).toEqual({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: tableArn,
      Condition: {
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['INGESTION'], 'dynamodb:Attributes': ['pk', 'sk', ...statusAttributes] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    });
    expect(keys.quarantine('0'.repeat(64)).pk).not.toBe('INGESTION');
    expect(statusAttributes).not.toContain('data');
  });

  test('the read store asks for exactly what those grants allow (partition and attributes)', async () => {
    const sent: Array<Record<string, CfnValue>> = [];
    const document = {
      send: async (command: { input: Record<string, CfnValue> }) => {
        sent.push(command.input);
        return {};
      },
    } as unknown as StoreContext['document'];
    const store = createReadStore({ document, tableName: 'table' });
    await store.getStatus();
    await store.getAggregate('074092');
    const [status, aggregate] = sent;
    expect(status!.Key).toEqual(keys.cursor());
    const projected = String(status!.ProjectionExpression)
      .split(',')
      .map((name) => status!.ExpressionAttributeNames[name.trim()] ?? name.trim());
    expect(projected.sort()).toEqual([...statusAttributes].sort());
    expect(aggregate!.Key.pk).toMatch(/^USER#/);
  });
});
