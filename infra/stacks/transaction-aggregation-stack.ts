import { CfnOutput, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AggregatesTable } from './aggregates-table';
import { MIN_PROD_LOG_RETENTION_DAYS, type ServiceConfig } from './config';
import { DataKey } from './data-key';
import { Ingestion } from './ingestion';
import type { LogSettings } from './log-settings';
import { Monitoring } from './monitoring';
import { controlTowerRule } from './policy-checks';
import { ReadApi } from './read-api';

export interface TransactionAggregationStackProps extends StackProps {
  config: ServiceConfig;
}

/**
 * The whole service in one stack (environment-agnostic unless `stage=prod` or account/region are given): table, ingestion (schedule, state
 * machine, fetch function, optional mock upstream), read API, alarms and dashboard.
 */
export class TransactionAggregationStack extends Stack {
  /** Encrypts the table and every log group: a customer-managed key, made here or given (`encryptionKeyArn`). */
  readonly dataKey: DataKey;
  readonly aggregates: AggregatesTable;
  readonly ingestion: Ingestion;
  readonly readApi: ReadApi;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: TransactionAggregationStackProps) {
    const { config } = props;
    const tags = { service: 'transaction-aggregation', stage: config.stage, stack: id };
    super(scope, id, {
      ...props,
      // The stack's own tags (@aws-cdk/core:explicitStackTags: no longer taken from Tags.of(this)); CloudFormation also puts them on every resource it can.
      tags: { ...tags, ...props.tags },
      // Production pins its account and region (no accidental deploy elsewhere) and cannot be deleted by a stray `cdk destroy`.
      env: props.env ?? (config.account || config.region ? { account: config.account, region: config.region } : undefined),
      terminationProtection: props.terminationProtection ?? config.stage === 'prod',
    });
    for (const [key, value] of Object.entries(tags)) Tags.of(this).add(key, value);
    this.dataKey = new DataKey(this, 'DataKey', { keyArn: config.encryptionKeyArn });
    const logs: LogSettings = { retention: config.logRetentionDays, encryptionKey: this.dataKey.key };
    if (config.logRetentionDays < MIN_PROD_LOG_RETENTION_DAYS) {
      // The config refuses this with stage=prod.
      Validations.of(this).acknowledge({
        id: controlTowerRule('cloudwatch_log_group_retention_period_check'),
        reason: `A dev stage chose a shorter log retention (logRetentionDays=${config.logRetentionDays}) to pay less for log storage; stage=prod refuses anything below ${MIN_PROD_LOG_RETENTION_DAYS} days.`,
      });
    }
    this.aggregates = new AggregatesTable(this, 'Aggregates', { encryptionKey: this.dataKey.key });
    this.ingestion = new Ingestion(this, 'Ingestion', { aggregates: this.aggregates, config, logs });
    this.readApi = new ReadApi(this, 'ReadApi', { aggregates: this.aggregates, config, logs });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.readApi.api,
      stateMachine: this.ingestion.stateMachine,
      table: this.aggregates.table,
      schedule: this.ingestion.schedule,
      scheduleDeadLetters: this.ingestion.scheduleDeadLetters,
      alarmEmail: config.alarmEmail,
      functions: [
        // With the opt-in reservation a colliding tick is throttled once (not retried): alarm when collisions persist.
        // Without one, any throttle means the account's concurrency is exhausted.
        { label: this.ingestion.fetchFunction.node.id, fn: this.ingestion.fetchFunction.fn, throttleThreshold: config.fetchReservedConcurrency ? 3 : 1 },
        ...[...this.readApi.functions.values(), ...(this.ingestion.mockUpstream ? [this.ingestion.mockUpstream.function] : [])].map((service) => ({
          label: service.node.id,
          fn: service.fn,
        })),
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.readApi.stage.url, description: 'Read API base URL' });
    new CfnOutput(this, 'TableName', { value: this.aggregates.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.ingestion.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ScheduleRuleName', { value: this.ingestion.schedule.ruleName, description: 'Disable to pause ingestion (replay, maintenance)' });
    new CfnOutput(this, 'FetchFunctionName', { value: this.ingestion.fetchFunction.fn.functionName, description: 'Its logs tell each tick' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topic.topicArn, description: 'Subscribe on-call here' });
    new CfnOutput(this, 'ReadApiClientsPolicyArn', {
      value: this.readApi.clientPolicy.managedPolicyArn,
      description: 'Attach to the IAM user or role of a client of the data routes',
    });
    if (this.readApi.customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.readApi.customDomain.regionalDomainName,
        description: `Point ${config.domainName} here: a DNS CNAME, or a Route 53 alias record with the CustomDomainHostedZoneId output`,
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', { value: this.readApi.customDomain.regionalHostedZoneId });
    }
    if (this.ingestion.mockUpstream) {
      new CfnOutput(this, 'MockUpstreamUrl', { value: this.ingestion.mockUpstream.url, description: 'Demo Transaction API' });
    }
  }
}
