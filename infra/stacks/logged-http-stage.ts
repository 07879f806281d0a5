import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpStage, LogGroupLogDestination, type HttpApi, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type LogSettings, serviceLogGroup } from './log-settings';
import { vendedLogGroupName } from './unique-names';

/** One JSON line per request, ready for CloudWatch Logs Insights. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    caller: '$context.identity.userArn',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

export interface LoggedHttpStageProps {
  api: HttpApi;
  /** Names the access log group: `/aws/vendedlogs/apigateway/<stack>-<logName>-<stack id suffix>`. */
  logName: string;
  throttle?: ThrottleSettings;
  logs: LogSettings;
}

/** The `$default` stage of an HTTP API, auto-deployed, with JSON access logs in its own log group. */
export class LoggedHttpStage extends Construct {
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: LoggedHttpStageProps) {
    super(scope, id);
    this.accessLogs = serviceLogGroup(this, 'AccessLogs', props.logs, vendedLogGroupName(this, 'apigateway', props.logName));
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: props.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: accessLogFormat },
    });
  }
}
