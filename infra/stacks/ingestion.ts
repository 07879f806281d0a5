import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ingestionSchedule } from '../definitions/schedule';
import { tickLoopDefinition } from '../definitions/tick-loop';
import type { AggregatesTable } from './aggregates-table';
import type { ServiceConfig } from './config';
import { type LogSettings, serviceLogGroup } from './log-settings';
import { MockUpstream } from './mock-upstream';
import { controlTowerRule } from './policy-checks';
import { ServiceFunction } from './service-function';
import { grantIngestionWrites } from './table-access';
import { vendedLogGroupName } from './unique-names';

export interface IngestionProps {
  aggregates: AggregatesTable;
  config: ServiceConfig;
  logs: LogSettings;
}

/**
 * The ingestion path: EventBridge (once a minute) → Express state machine (5 ticks ~12 s
 * apart, the shared definition in infra/definitions/tick-loop.ts) → fetch function →
 * Transaction API and the table. Deploys the mock Transaction API with `-c upstream=mock`.
 */
export class Ingestion extends Construct {
  readonly fetchFunction: ServiceFunction;
  readonly stateMachine: StateMachine;
  readonly schedule: Rule;
  readonly scheduleDeadLetters: Queue;
  readonly mockUpstream?: MockUpstream;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const { config, aggregates, logs } = props;
    // The config guarantees an explicit choice: the mock (-c upstream=mock) or a real HTTPS URL.
    let transactionsApiUrl = config.transactionsApiUrl;
    if (config.upstream === 'mock' || !transactionsApiUrl) {
      this.mockUpstream = new MockUpstream(this, 'MockUpstream', { knobs: config.mockKnobs, logs });
      transactionsApiUrl = this.mockUpstream.url;
    }

    this.fetchFunction = new ServiceFunction(this, 'FetchTransactions', {
      entry: 'fetch-transactions',
      serviceName: 'ingestion',
      logs,
      memorySize: 512,
      timeout: Duration.seconds(ingestionSchedule.fetchTimeoutSeconds),
      // Opt-in only (-c fetchReservedConcurrency=N): a reservation fails the first deploy on accounts
      // with a low concurrency quota. Two ticks at once are safe: call slots and cursor are conditional writes.
      reservedConcurrentExecutions: config.fetchReservedConcurrency,
      environment: {
        TABLE_NAME: aggregates.table.tableName,
        TRANSACTIONS_API_URL: transactionsApiUrl,
        INGEST_FROM: config.ingestFrom,
        SETTLE_LAG_SECONDS: String(config.settleLagSeconds),
        LATE_HORIZON_SECONDS: String(config.lateHorizonSeconds),
        HEAD_LAG_TARGET_SECONDS: String(config.headLagTargetSeconds),
        RECONCILE_HOURS: String(config.reconcileHours),
        FRESH_MARGIN_SECONDS: String(config.freshMarginSeconds),
        // Part of the timeout arithmetic of infra/definitions/schedule.ts, so stated here rather than left to a default.
        UPSTREAM_TIMEOUT_MS: String(ingestionSchedule.tickBudget.upstreamTimeoutSeconds * 1000),
        ...(config.transactionsApiKeySecretName ? { TRANSACTIONS_API_KEY_SECRET_NAME: config.transactionsApiKeySecretName } : {}),
      },
    });
    const fetchFn = this.fetchFunction.fn;
    grantIngestionWrites(aggregates, fetchFn);
    if (config.transactionsApiKeySecretName) {
      // Powertools Parameters' getSecret sends GetSecretValue alone (grantRead would add DescribeSecret).
      // Secrets Manager appends 6 random characters to the name in the secret's ARN.
      const secret = Secret.fromSecretNameV2(this, 'UpstreamApiKey', config.transactionsApiKeySecretName);
      fetchFn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [`${secret.secretArn}-??????`] }));
    }

    const executionLogs = serviceLogGroup(this, 'TickLoopLogs', logs, vendedLogGroupName(this, 'states', 'TickLoop'));
    this.stateMachine = new StateMachine(this, 'TickLoop', {
      // Express: ~43,200 executions a month (~$2.5) cost less than their ~390k Standard state transitions (~$10); see README.
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromString(JSON.stringify(tickLoopDefinition(fetchFn.functionArn, Aws.PARTITION))),
      logs: { destination: executionLogs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Exactly the unqualified function the definition names (grantInvoke would add `:*` too).
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fetchFn.functionArn] }));
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Express execution logging needs the CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, ...) and X-Ray tracing needs xray:PutTraceSegments and co.; none of these support resource-level permissions.',
    });

    // Starts EventBridge could not deliver (after its retries) land here, and alarm.
    this.scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isItselfADeadLetterQueue = 'This queue is itself a dead-letter queue: the one of the EventBridge rule target that starts the tick loop';
    Validations.of(this.scheduleDeadLetters).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: `${isItselfADeadLetterQueue} (cdk-nag only recognises SQS redrive policies).` },
      {
        id: controlTowerRule('sqs_dlq_check'),
        reason: `${isItselfADeadLetterQueue}; a dead-letter queue needs no dead-letter queue (nothing consumes it: it alarms, and an operator purges it).`,
      },
    );
    this.schedule = new Rule(this, 'EveryMinute', {
      description: `Starts the tick loop ${ingestionSchedule.ruleExpression}`,
      schedule: Schedule.expression(ingestionSchedule.ruleExpression),
      // A start that is over a minute late would overlap the next one: drop it (into the DLQ) instead.
      targets: [new SfnStateMachine(this.stateMachine, { retryAttempts: 2, maxEventAge: Duration.seconds(60), deadLetterQueue: this.scheduleDeadLetters })],
    });
  }
}
