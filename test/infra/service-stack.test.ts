import { ingestionDefaults } from '../../lib/ingestion/ingestion-config';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { apiRoutes } from '../../infra/definitions/routes';
import { ingestionSchedule } from '../../infra/definitions/schedule';
import { apiDocsBundling } from '../../infra/stacks/api-docs-bundling';
import { MOCK_INGEST_FROM } from '../../infra/stacks/config';
import { ServiceFunction } from '../../infra/stacks/service-function';
import { recordTickMetrics } from '../../lib/ingestion/tick-metrics';
import { METRICS_NAMESPACE } from '../../lib/observability';
import { createTableInput } from '../../lib/store/create-table-input';
import { tableSchema } from '../../lib/store/table-schema';
import { ingestionTableActions } from '../../infra/stacks/table-access';
import { acknowledgements, unacknowledgedFindings } from './support/nag-findings';
import { actionsOf, statementsOfRole } from './support/role-statements';
import { governedStackTests } from './support/governed-stack-tests';
import { cdkJsonContext, synthesizeService } from './support/synthesize-service';
import type { CfnValue } from './support/cfn-value';

// One synthesis for the whole file: the demo deployment (`-c upstream=mock`).
const service = synthesizeService({ upstream: 'mock' });
const { template, stack, logicalId } = service;

type Resource = { Type: string; Properties: Record<string, CfnValue>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
const resourcesOf = (type: string): Record<string, Resource> => template.findResources(type) as Record<string, Resource>;
const propertiesOf = (type: string, id: string): Record<string, CfnValue> => resourcesOf(type)[id]!.Properties;

const fetchFunctionId = logicalId(stack.ingestion.fetchFunction.fn);
const readFunctionIds = new Map([...stack.readApi.functions].map(([handler, service]) => [handler, logicalId(service.fn)]));
const mockFunctionId = logicalId(stack.ingestion.mockUpstream!.function.fn);
const allFunctionIds = [fetchFunctionId, ...readFunctionIds.values(), mockFunctionId];
const readApiId = logicalId(stack.readApi.api);
const tableId = logicalId(stack.aggregates.table);
const stateMachineId = logicalId(stack.ingestion.stateMachine);
const alarmTopicRef = { Ref: logicalId(stack.monitoring.alarmTopic.topic) };

/** The IAM statements attached to a function's role. */
const statementsOfFunction = (functionId: string) =>
  statementsOfRole(template, (propertiesOf('AWS::Lambda::Function', functionId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);

describe('aggregates table', () => {
  const [tableLogicalId, table] = Object.entries(resourcesOf('AWS::DynamoDB::Table'))[0]!;
  const local = createTableInput('local');

  test('is the only table, on demand, with PITR, deletion protection and RETAIN', () => {
    expect(Object.keys(resourcesOf('AWS::DynamoDB::Table'))).toEqual([tableId]);
    expect(tableLogicalId).toBe(tableId);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('has the keys and sparse payout index of the shared schema, exactly as DynamoDB Local gets them', () => {
    expect(table.Properties.KeySchema).toEqual(local.KeySchema);
    expect(table.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(local.AttributeDefinitions!));
    expect(table.Properties.AttributeDefinitions).toHaveLength(local.AttributeDefinitions!.length);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'payoutIndex',
        KeySchema: [
          { AttributeName: tableSchema.payoutIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.payoutIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['payout'] },
      },
      {
        IndexName: 'payoutAmountIndex',
        KeySchema: [
          { AttributeName: tableSchema.payoutAmountIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.payoutAmountIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['payout', 'userId'] },
      },
    ]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
  });
});

describe('Lambda functions', () => {
  test('one per entry file: fetch, four read handlers and the mock upstream', () => {
    expect(Object.keys(resourcesOf('AWS::Lambda::Function')).sort()).toEqual([...allFunctionIds].sort());
    expect([...readFunctionIds.keys()].sort()).toEqual(['api-docs', 'get-status', 'get-user-aggregate', 'list-payouts']);
  });

  const readIds = new Set(readFunctionIds.values());
  test.each(allFunctionIds)('%s runs Node.js 22+ on arm64 with its own log group; active tracing except the read functions (opt-in)', (id) => {
    const properties = propertiesOf('AWS::Lambda::Function', id);
    const [, major] = /^nodejs(\d+)\.x$/.exec(properties.Runtime) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    expect(properties.Architectures).toEqual(['arm64']);
    if (readIds.has(id)) {
      expect(properties.TracingConfig).toBeUndefined();
      expect(properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    } else {
      expect(properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    expect(properties.LoggingConfig.LogGroup.Ref).toMatch(/Logs/);
    expect(properties.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'TransactionAggregation' });
  });

  test('no role uses an AWS managed policy (each may only write its own log group, plus grants)', () => {
    for (const role of Object.values(resourcesOf('AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    for (const id of allFunctionIds) {
      const logGroupId = propertiesOf('AWS::Lambda::Function', id).LoggingConfig.LogGroup.Ref;
      expect(statementsOfFunction(id)).toContainEqual(
        expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }),
      );
    }
  });

  test('the fetch function ends before a tick (< 12 s), reserves no concurrency and gets its configuration', () => {
    const fetch = propertiesOf('AWS::Lambda::Function', fetchFunctionId);
    expect(fetch.Timeout).toBe(ingestionSchedule.fetchTimeoutSeconds);
    expect(fetch.Timeout).toBeLessThan(12);
    // No reservation by default: it would fail the first deploy on a new account (see the overlapping-ticks test).
    expect(fetch.ReservedConcurrentExecutions).toBeUndefined();
    const context = cdkJsonContext();
    expect(fetch.Environment.Variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'ingestion',
      POWERTOOLS_METRICS_NAMESPACE: 'TransactionAggregation',
      TABLE_NAME: { Ref: tableId },
      TRANSACTIONS_API_URL: { 'Fn::GetAtt': [logicalId(stack.ingestion.mockUpstream!.node.findChild('Api')), 'ApiEndpoint'] },
      INGEST_FROM: MOCK_INGEST_FROM,
      SETTLE_LAG_SECONDS: String(context.settleLagSeconds ?? ingestionDefaults.settleLagSeconds),
      LATE_HORIZON_SECONDS: String(context.lateHorizonSeconds ?? ingestionDefaults.lateHorizonSeconds),
      HEAD_LAG_TARGET_SECONDS: String(context.headLagTargetSeconds ?? ingestionDefaults.headLagTargetSeconds),
      RECONCILE_HOURS: String(context.reconcileHours ?? ingestionDefaults.reconcileHours),
      FRESH_MARGIN_SECONDS: String(context.freshMarginSeconds ?? ingestionDefaults.freshMarginSeconds),
      UPSTREAM_TIMEOUT_MS: String(ingestionSchedule.tickBudget.upstreamTimeoutSeconds * 1000),
    });
  });

  test('the fetch function may use exactly the DynamoDB actions its code sends, never Scan, and read no secret when none is configured', () => {
    const statements = statementsOfFunction(fetchFunctionId);
    // The recommended flag @aws-cdk/aws-iam:minimizePolicies sorts the actions.
    expect(statements).toContainEqual({ Effect: 'Allow', Action: [...ingestionTableActions].sort(), Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } });
    // What the tick's adapters send, read from their source: each command, and the item actions inside its transactions.
    const sources = ['aggregate-writer', 'batch-get', 'call-slots', 'cursor-repository', 'markers', 'pending-page-store', 'quarantine-store']
      .map((name) => readFileSync(join(__dirname, `../../lib/store/${name}.ts`), 'utf8'))
      .join('\n');
    const commandAction: Record<string, string[]> = {
      Get: ['GetItem'],
      BatchGet: ['BatchGetItem'],
      Query: ['Query'],
      Put: ['PutItem'],
      Update: ['UpdateItem'],
      Delete: ['DeleteItem'],
      TransactWrite: [
        ...new Set(
          [...sources.matchAll(/\b(Put|Update|Delete|ConditionCheck): \{/g)].map(([, kind]) =>
            kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`,
          ),
        ),
      ],
    };
    const used = new Set(
      [...sources.matchAll(/new (\w+)Command\(/g)]
        .flatMap(([, command]) => commandAction[command!] ?? [`unknown ${command}`])
        .map((action) => `dynamodb:${action}`),
    );
    expect([...used].sort()).toEqual([...ingestionTableActions].sort());
    expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    expect(actionsOf(statements).filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
  });

  test('read functions only read, each only what it reads (details in deploy-readiness.test.ts); api-docs gets no table access', () => {
    // The data routes also read the cursor's watermark (Data-As-Of): a GetItem.
    const expected = {
      'get-user-aggregate': ['dynamodb:GetItem', 'dynamodb:GetItem'],
      'list-payouts': ['dynamodb:GetItem', 'dynamodb:Query'],
      'get-status': ['dynamodb:GetItem'],
    };
    for (const [handler, actions] of Object.entries(expected)) {
      const id = readFunctionIds.get(handler as 'get-status')!;
      const dynamoActions = actionsOf(statementsOfFunction(id)).filter((action) => action.startsWith('dynamodb:'));
      expect(dynamoActions.sort()).toEqual(actions);
      expect(propertiesOf('AWS::Lambda::Function', id).Environment.Variables.TABLE_NAME).toEqual({ Ref: tableId });
    }
    const docs = readFunctionIds.get('api-docs')!;
    expect(actionsOf(statementsOfFunction(docs)).filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(propertiesOf('AWS::Lambda::Function', docs).Environment.Variables.TABLE_NAME).toBeUndefined();
  });
});

describe('ingestion schedule', () => {
  test('an EXPRESS state machine with full logging and tracing, allowed to invoke exactly the fetch function', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.objectLike({})] },
      TracingConfiguration: { Enabled: true },
    });
    const roleId = propertiesOf('AWS::StepFunctions::StateMachine', stateMachineId).RoleArn['Fn::GetAtt'][0];
    const invokes = statementsOfRole(template, roleId).filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invokes).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [fetchFunctionId, 'Arn'] } }]);
  });

  test('the definition is the shared tick loop, naming the fetch function in every tick', () => {
    const definition = JSON.stringify(propertiesOf('AWS::StepFunctions::StateMachine', stateMachineId).DefinitionString);
    for (let tick = 1; tick <= ingestionSchedule.ticksPerExecution; tick++) expect(definition).toContain(`Tick ${tick}`);
    expect(definition.split(`{"Fn::GetAtt":["${fetchFunctionId}","Arn"]}`)).toHaveLength(ingestionSchedule.ticksPerExecution + 1);
  });

  test('an EventBridge rule starts it at rate(1 minute)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: stateMachineId }, RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 } })],
    });
    expect(ingestionSchedule.ruleExpression).toBe('rate(1 minute)');
  });
});

describe('read API', () => {
  const routes = Object.values(resourcesOf('AWS::ApiGatewayV2::Route')).filter((route) => route.Properties.ApiId.Ref === readApiId);
  const integrations = resourcesOf('AWS::ApiGatewayV2::Integration');

  test('is an HTTP API with CORS preflight for SigV4 callers', () => {
    expect(propertiesOf('AWS::ApiGatewayV2::Api', readApiId)).toMatchObject({
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: expect.arrayContaining(['GET', 'OPTIONS']),
        AllowHeaders: expect.arrayContaining(['authorization', 'x-amz-date', 'x-amz-security-token']),
        ExposeHeaders: expect.arrayContaining(['link']),
        MaxAge: 3600,
      },
    });
  });

  test.each(apiRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s exists, calls its handler with payload 2.0 and has the right authorization',
    (routeKey, route) => {
      const found = routes.filter((candidate) => candidate.Properties.RouteKey === routeKey);
      expect(found).toHaveLength(1);
      const properties = found[0]!.Properties;
      expect(properties.AuthorizationType).toBe(route.authenticated ? 'AWS_IAM' : 'NONE');
      const integrationId = (properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(integrations[integrationId]!.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [readFunctionIds.get(route.handler), 'Arn'] },
      });
    },
  );

  test('data routes are IAM-authorized, status and docs are public', () => {
    const byKey = Object.fromEntries(routes.map((route) => [route.Properties.RouteKey, route.Properties.AuthorizationType]));
    expect(byKey).toEqual({
      'GET /aggregatedData/payouts': 'AWS_IAM',
      'GET /aggregatedData/{userId}': 'AWS_IAM',
      'GET /status': 'NONE',
      'GET /api/docs': 'NONE',
      'GET /api/docs/{proxy+}': 'NONE',
    });
  });

  test('the $default stage auto-deploys, throttles and writes JSON access logs', () => {
    const stage = Object.values(resourcesOf('AWS::ApiGatewayV2::Stage')).find((candidate) => candidate.Properties.ApiId.Ref === readApiId)!;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/AccessLogs/), 'Arn'] } },
    });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', caller: '$context.identity.userArn' });
  });

  test('the ReadApiClients managed policy allows execute-api:Invoke on the GET data routes only, and is an output', () => {
    const policyId = logicalId(stack.readApi.clientPolicy);
    const routeArn = (path: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':execute-api:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':',
          { Ref: readApiId },
          `/$default/GET${path}`,
        ],
      ],
    });
    expect(propertiesOf('AWS::IAM::ManagedPolicy', policyId).PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [routeArn('/aggregatedData/*'), routeArn('/aggregatedData/payouts')] },
    ]);
    template.hasOutput('ReadApiClientsPolicyArn', { Value: { Ref: policyId } });
  });
});

describe('mock upstream (-c upstream=mock)', () => {
  test('is deployed behind its own public HTTP API with GET /transactions, and its URL is an output', () => {
    const mockApiId = logicalId(stack.ingestion.mockUpstream!.node.findChild('Api'));
    expect(Object.keys(resourcesOf('AWS::ApiGatewayV2::Api')).sort()).toEqual([mockApiId, readApiId].sort());
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { ApiId: { Ref: mockApiId }, RouteKey: 'GET /transactions', AuthorizationType: 'NONE' });
    template.hasOutput('MockUpstreamUrl', { Value: { 'Fn::GetAtt': [mockApiId, 'ApiEndpoint'] } });
    expect(propertiesOf('AWS::Lambda::Function', mockFunctionId).Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('mock-transaction-api');
  });
});

describe('alarms and dashboard', () => {
  type Alarm = Record<string, CfnValue>; // CloudFormation alarm properties, checked field by field below
  const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Alarm);
  const alarmsOn = (metricName: string, dimension: { Name: string; Value: unknown }) =>
    alarms.filter((alarm) => alarm.MetricName === metricName && JSON.stringify(alarm.Dimensions) === JSON.stringify([dimension]));

  test('the metrics the alarms watch are the ones the fetch function publishes, in its namespace', () => {
    const published: string[] = [];
    const recorder = { addMetric: (name: string) => published.push(name) };
    recordTickMetrics(
      recorder as unknown as Parameters<typeof recordTickMetrics>[0],
      {
        outcome: 'applied',
        fetched: 1,
        applied: 1,
        duplicates: 0,
        quarantined: 0,
        lagSeconds: 3,
      } as Parameters<typeof recordTickMetrics>[1],
    );
    expect(published).toEqual(expect.arrayContaining(['IngestionLagSeconds', 'UpstreamCallFailed', 'Fetched', 'Applied', 'Duplicates', 'Quarantined']));
    // The namespace is the stack's name; the default stack's is the handlers' default namespace.
    expect(stack.stackName).toBe(METRICS_NAMESPACE);
  });

  test('ingestion lag: maximum per minute above 120 s in 3 of 5 minutes, missing data breaching', () => {
    expect(alarmsOn('IngestionLagSeconds', { Name: 'service', Value: 'ingestion' })).toEqual([
      expect.objectContaining({
        Namespace: 'TransactionAggregation',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: 120,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
  });

  test('a tail that stepped over seconds whose markers may have expired alarms at once', () => {
    expect(alarmsOn('UnverifiedSeconds', { Name: 'service', Value: 'ingestion' })).toEqual([
      expect.objectContaining({
        Namespace: 'TransactionAggregation',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  test('failing upstream calls: 5 or more in 5 minutes', () => {
    expect(alarmsOn('UpstreamCallFailed', { Name: 'service', Value: 'ingestion' })).toEqual([
      expect.objectContaining({
        Namespace: 'TransactionAggregation',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  test.each(allFunctionIds)('%s has an errors alarm and a throttles alarm', (id) => {
    for (const metricName of ['Errors', 'Throttles']) {
      expect(alarmsOn(metricName, { Name: 'FunctionName', Value: { Ref: id } })).toEqual([
        expect.objectContaining({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
      ]);
    }
  });

  test('API 5xx and failed or timed-out tick-loop executions alarm', () => {
    expect(alarmsOn('5xx', { Name: 'ApiId', Value: { Ref: readApiId } })).toEqual([expect.objectContaining({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum' })]);
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(alarmsOn(metricName, { Name: 'StateMachineArn', Value: { Ref: stateMachineId } })).toEqual([
        expect.objectContaining({ Namespace: 'AWS/States', Threshold: 1 }),
      ]);
    }
  });

  test('every alarm notifies the encrypted, TLS-only alarm topic when it fires and when it clears', () => {
    // Lag, verified lag, unverified seconds, jam, upstream calls; per function errors and throttles; API 5xx; tick loop failed, timed out, throttled;
    // schedule failed invocations and dead letters; table read and write throttles; alarm notifications failed.
    expect(alarms.length).toBe(5 + 2 * allFunctionIds.length + 1 + 3 + 2 + 2 + 1);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([alarmTopicRef]);
      expect(alarm.OKActions).toEqual([alarmTopicRef]);
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  test('one dashboard shows lag, tick figures, API traffic and every function', () => {
    const dashboards = Object.values(resourcesOf('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body is an Fn::Join of JSON text and references: put the logical IDs in place of the references.
    const [, parts] = dashboards[0]!.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const text = parts.map((part) => (typeof part === 'string' ? part : ((part as { Ref?: string }).Ref ?? JSON.stringify(part).replace(/"/g, '')))).join('');
    const widgets = (JSON.parse(text) as { widgets: Array<{ properties: { metrics?: string[][] } }> }).widgets;
    const graphed = widgets.flatMap((widget) => widget.properties.metrics ?? []).map(([namespace, name, , dimension]) => `${namespace} ${name} ${dimension}`);
    for (const name of ['IngestionLagSeconds', 'Fetched', 'Applied', 'Duplicates', 'Quarantined', 'UpstreamCallFailed']) {
      expect(graphed).toContain(`TransactionAggregation ${name} ingestion`);
    }
    for (const name of ['Count', 'Latency', '4xx', '5xx']) expect(graphed).toContain(`AWS/ApiGateway ${name} ${readApiId}`);
    for (const id of allFunctionIds) {
      for (const name of ['Errors', 'Throttles', 'Duration']) expect(graphed).toContain(`AWS/Lambda ${name} ${id}`);
    }
    expect(graphed).toContain(`AWS/States ExecutionsFailed ${stateMachineId}`);
  });
});

test('outputs: API URL, table name, state machine ARN, schedule rule, fetch function, dashboard name, alarm topic', () => {
  expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
    [
      'AlarmTopicArn',
      'ApiUrl',
      'DashboardName',
      'FetchFunctionName',
      'MockUpstreamUrl',
      'ReadApiClientsPolicyArn',
      'ScheduleRuleName',
      'StateMachineArn',
      'TableName',
    ].sort(),
  );
  template.hasOutput('ScheduleRuleName', { Value: { Ref: logicalId(stack.ingestion.schedule) } });
  template.hasOutput('FetchFunctionName', { Value: { Ref: fetchFunctionId } });
  template.hasOutput('TableName', { Value: { Ref: tableId } });
  template.hasOutput('StateMachineArn', { Value: { Ref: stateMachineId } });
  template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['https://', { Ref: readApiId }])] } });
});

describe('the api-docs bundle (real esbuild bundling)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'api-docs-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('carries the Swagger UI files, and the bundled handler serves them as it would in Lambda', () => {
    const app = new App({ outdir });
    const docsStack = new Stack(app, 'Docs');
    new ServiceFunction(docsStack, 'ApiDocs', {
      entry: 'api-docs',
      serviceName: 'read-api',
      bundling: apiDocsBundling(),
      logs: { retention: RetentionDays.ONE_WEEK, encryptionKey: new Key(docsStack, 'Key') },
    });
    app.synth();
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const taskRoot = join(outdir, assets[0]!);
    expect(readdirSync(join(taskRoot, 'swagger-ui-dist')).sort()).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    expect(existsSync(join(taskRoot, 'index.js.map'))).toBe(true);

    // A fresh Node process plays the Lambda runtime: LAMBDA_TASK_ROOT is the unpacked bundle.
    const invoke = `require(${JSON.stringify(join(taskRoot, 'index.js'))}).handler({
        version: '2.0', routeKey: 'GET /api/docs/{proxy+}', rawPath: '/api/docs/swagger-ui.css', rawQueryString: '',
        headers: {}, pathParameters: { proxy: 'swagger-ui.css' },
        requestContext: { http: { method: 'GET', path: '/api/docs/swagger-ui.css' }, requestId: 'r1' },
      }, { awsRequestId: 'r1', functionName: 'docs' })
      .then((result) => process.stdout.write(JSON.stringify({ status: result.statusCode, type: result.headers['Content-Type'], length: result.body.length })));`;
    const output = execFileSync(process.execPath, ['-e', invoke], {
      env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: taskRoot, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ status: 200, type: 'text/css; charset=utf-8', length: expect.any(Number) });
    expect(JSON.parse(output).length).toBeGreaterThan(10_000);
  });
});

governedStackTests(service, {
  fixture: 'stateful-resources-dev.json',
  logRetentionDays: 365,
  // Six functions, four public routes, the dead-letter queue; the invoke permissions of an environment-agnostic stack (see infra/stacks/invoke-permissions.ts).
  acknowledgedControls: {
    lambda_inside_vpc_check: 6,
    api_gw_v2_authorization_type_configured_check: 4,
    sqs_dlq_check: 1,
    lambda_function_public_access_prohibited_check: 6,
  },
});

describe('cdk-nag (AWS Solutions)', () => {
  test('reports no unacknowledged finding', () => {
    expect(unacknowledgedFindings(service.app)).toEqual([]);
  });

  test('every acknowledgement is one of the reviewed kinds and says why', () => {
    const found = acknowledgements(service.app);
    for (const { reason } of found) expect(reason.length).toBeGreaterThan(60);
    const kinds = [...new Set(found.map(({ id }) => id.replace(/<ReadApi[0-9A-F]+>/, '<ReadApi>')))].sort();
    expect(kinds).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<ReadApi>/$default/GET/aggregatedData/*]',
        'AwsSolutions-SQS3',
        'cdk-validator-cfnguard::api_gw_v2_authorization_type_configured_check',
        'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
        'cdk-validator-cfnguard::lambda_inside_vpc_check',
        'cdk-validator-cfnguard::sqs_dlq_check',
      ].sort(),
    );
    const publicRoutes = found.filter(({ id }) => id === 'AwsSolutions-APIG4').map(({ path }) => path.split('/').pop());
    expect(publicRoutes.sort()).toEqual(['GET--api--docs', 'GET--api--docs--{proxy+}', 'GET--status', 'GET--transactions'].sort());
  });

  test('would flag an unacknowledged wildcard (the check is live)', () => {
    const scratch = new Stack(new App(), 'NagProbe');
    new Role(scratch, 'Probe', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
    );
    expect(unacknowledgedFindings(scratch)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-IAM5\[Action::dynamodb:\*\] at NagProbe\/Probe/)]),
    );
  });
});
