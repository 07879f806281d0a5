import { JAM_ATTEMPTS } from '../../lib/core/failure-streak';
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { metricsNamespaceOf } from './service-function';

/** Freshness promise of the service: never more than 2 minutes behind the Transaction API. */
export const maxIngestionLagSeconds = 120;

export interface MonitoredFunction {
  /** Short label for alarm names and dashboard legends, e.g. `FetchTransactions`. */
  label: string;
  fn: IFunction;
  /** Throttles tolerated in 5 minutes before alarming (default 1). */
  throttleThreshold?: number;
}

export interface MonitoringProps {
  functions: MonitoredFunction[];
  stateMachine: StateMachine;
  api: HttpApi;
  table: ITable;
  /** The once-a-minute rule and the dead-letter queue of its target. */
  schedule: IRule;
  scheduleDeadLetters: IQueue;
  alarmEmail?: string;
}

/** The tail's promise: every second re-checked for late arrivals within 15 minutes. */
export const maxVerifiedLagSeconds = 900;
/** Lag alarms fire on 3 of the last 5 minutes: one late or missing datapoint never flips them. */
const lagDatapoints = { evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

const oneMinute = Duration.minutes(1);
const fiveMinutes = Duration.minutes(5);

/** The ingestion figures each tick publishes (lib/ingestion/tick-metrics.ts). */
function ingestionMetric(namespace: string, metricName: string, statistic: string, period = oneMinute): Metric {
  return new Metric({ namespace, metricName, dimensionsMap: { service: 'ingestion' }, statistic, period });
}

/** Alarms (all notifying one SNS topic) and one dashboard. */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { email: props.alarmEmail });
    const { api, stateMachine, functions } = props;
    const namespace = metricsNamespaceOf(this);

    const lag = ingestionMetric(namespace, 'IngestionLagSeconds', Stats.MAXIMUM);
    this.alarm('IngestionLag', lag, {
      threshold: maxIngestionLagSeconds,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...lagDatapoints,
      // Missing minutes count as breaching: three minutes without any tick report means nobody is
      // ingesting, as stale as a high lag. One late datapoint alone no longer fires it (3 of 5).
      missing: TreatMissingData.BREACHING,
      description: `Aggregates are more than ${maxIngestionLagSeconds} s behind the Transaction API in 3 of the last 5 minutes (or no tick reported in them).`,
    });
    const verifiedLag = ingestionMetric(namespace, 'VerifiedLagSeconds', Stats.MAXIMUM);
    this.alarm('VerifiedLag', verifiedLag, {
      threshold: maxVerifiedLagSeconds,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...lagDatapoints,
      // Silence is the head lag alarm's to report.
      missing: TreatMissingData.NOT_BREACHING,
      description: `The late-arrival check (tail pass) is more than ${maxVerifiedLagSeconds} s behind in 3 of the last 5 minutes: late transactions may be missing from the aggregates.`,
    });
    // The tail was so far behind that it stepped over seconds whose markers may have expired (a re-read would count them twice).
    this.alarm('UnverifiedSeconds', ingestionMetric(namespace, 'UnverifiedSeconds', Stats.SUM, fiveMinutes), {
      threshold: 1,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description:
        'The tail pass was more than MARKER_TTL_DAYS minus a day behind: it never re-reads seconds whose markers may have expired, so it stepped over them unchecked (counted as unverifiedSeconds in GET /status). Late listings in them may be missing; see infra/ops/README.md.',
    });
    // The same call failing again and again (a deterministic bad page): an operator must split or skip it.
    this.alarm('IngestionJammed', ingestionMetric(namespace, 'ConsecutiveFailures', Stats.MAXIMUM), {
      threshold: JAM_ATTEMPTS,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: `The same Transaction API call has failed ${JAM_ATTEMPTS} times or more in a row: ingestion is jammed on it and backs off. GET /status shows the call; split or skip it with infra/ops/unjam-ingestion.ts (infra/ops/README.md).`,
    });
    this.alarm('UpstreamCallsFailing', ingestionMetric(namespace, 'UpstreamCallFailed', Stats.SUM, fiveMinutes), {
      threshold: 5,
      description: 'At least 5 of ~25 Transaction API calls in 5 minutes failed (429, 5xx, timeout or unusable page).',
    });
    for (const { label, fn, throttleThreshold } of functions) {
      this.alarm(`${label}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }), {
        threshold: 1,
        description: `The ${label} function failed (unhandled error or timeout) in the last 5 minutes.`,
      });
      this.alarm(`${label}Throttles`, fn.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM }), {
        threshold: throttleThreshold ?? 1,
        description: `The ${label} function was throttled at least ${throttleThreshold ?? 1} time(s) in 5 minutes.`,
      });
    }
    this.alarm('Api5xx', api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }), {
      threshold: 5,
      description: 'The read API answered 5xx at least 5 times in 5 minutes.',
    });
    this.alarm('TickLoopExecutionsFailed', stateMachine.metricFailed({ period: fiveMinutes, statistic: Stats.SUM }), {
      threshold: 1,
      description: 'A tick-loop execution failed as a whole (each tick catches its own errors, so this is structural: permissions, definition).',
    });
    this.alarm('TickLoopExecutionsTimedOut', stateMachine.metricTimedOut({ period: fiveMinutes, statistic: Stats.SUM }), {
      threshold: 1,
      description: 'A tick-loop execution ran past its timeout.',
    });
    this.alarm('TickLoopExecutionsThrottled', stateMachine.metricThrottled({ period: fiveMinutes, statistic: Stats.SUM }), {
      threshold: 1,
      description: 'Step Functions throttled the tick loop (StartExecution or state transitions): ticks were lost.',
    });
    this.alarm(
      'ScheduleFailedInvocations',
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.schedule.ruleName },
        statistic: Stats.SUM,
        period: fiveMinutes,
      }),
      {
        threshold: 1,
        description: 'EventBridge could not start the tick loop (after its retries); the event went to the dead-letter queue.',
      },
    );
    this.alarm('ScheduleDeadLetters', props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: Stats.MAXIMUM }), {
      threshold: 1,
      description: 'Undelivered tick-loop starts wait in the dead-letter queue (the message says why); purge it once understood.',
    });
    for (const [name, metricName] of [
      ['TableReadThrottles', 'ReadThrottleEvents'],
      ['TableWriteThrottles', 'WriteThrottleEvents'],
    ] as const) {
      this.alarm(
        name,
        new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: props.table.tableName }, statistic: Stats.SUM, period: fiveMinutes }),
        {
          threshold: 1,
          description: `DynamoDB throttled ${metricName === 'ReadThrottleEvents' ? 'reads' : 'writes'} on the table in the last 5 minutes (on-demand: a hot key or a sudden jump beyond twice the previous peak).`,
        },
      );
    }
    this.alarm('AlarmNotificationsFailed', this.alarmTopic.topic.metricNumberOfNotificationsFailed({ period: fiveMinutes, statistic: Stats.SUM }), {
      threshold: 1,
      description: 'SNS could not deliver alarm notifications to a subscriber (an unconfirmed or broken endpoint): on-call may not be hearing alarms.',
    });

    // Dashboards are global to the account: the region in the name keeps one stack per region apart.
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-${Stack.of(this).region}` });
    const perFunction = (metric: (fn: IFunction) => IMetric) => functions.map(({ fn }) => metric(fn));
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Transaction aggregation\nIngestion lag must stay under ${maxIngestionLagSeconds} s. Ticks run every ~12 s, 5 per minute.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingestion lag (s, max per minute): head and verified',
        left: [lag],
        right: [verifiedLag],
        leftAnnotations: [{ value: maxIngestionLagSeconds, label: 'head alarm' }],
        rightAnnotations: [{ value: maxVerifiedLagSeconds, label: 'verified alarm' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'Transactions per minute',
        left: ['Fetched', 'Applied', 'Duplicates', 'Quarantined'].map((name) => ingestionMetric(namespace, name, Stats.SUM)),
        width: 8,
      }),
      new GraphWidget({
        title: 'Upstream calls failed / tick loop',
        left: [ingestionMetric(namespace, 'UpstreamCallFailed', Stats.SUM)],
        right: [stateMachine.metricFailed({ period: oneMinute }), stateMachine.metricTimedOut({ period: oneMinute })],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests', left: [api.metricCount({ period: oneMinute, statistic: Stats.SUM })], width: 6 }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [api.metricLatency({ period: oneMinute, statistic: Stats.p(50) }), api.metricLatency({ period: oneMinute, statistic: Stats.p(99) })],
        width: 6,
      }),
      new GraphWidget({ title: 'API 4xx', left: [api.metricClientError({ period: oneMinute, statistic: Stats.SUM })], width: 6 }),
      new GraphWidget({ title: 'API 5xx', left: [api.metricServerError({ period: oneMinute, statistic: Stats.SUM })], width: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors', left: perFunction((fn) => fn.metricErrors({ period: oneMinute, statistic: Stats.SUM })), width: 8 }),
      new GraphWidget({ title: 'Lambda throttles', left: perFunction((fn) => fn.metricThrottles({ period: oneMinute, statistic: Stats.SUM })), width: 8 }),
      new GraphWidget({
        title: 'Lambda duration p99 (ms)',
        left: perFunction((fn) => fn.metricDuration({ period: oneMinute, statistic: Stats.p(99) })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }

  private alarm(
    id: string,
    metric: IMetric,
    options: {
      threshold: number;
      description: string;
      comparison?: ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      missing?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    const action = new SnsAction(this.alarmTopic.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
