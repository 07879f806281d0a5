import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** How every log group of the service keeps its events: `logRetentionDays` days, encrypted with the data key. */
export interface LogSettings {
  retention: RetentionDays;
  encryptionKey: IKey;
}

/** A log group of the service (`logGroupName` for the vended-log groups; generated otherwise). */
export function serviceLogGroup(scope: Construct, id: string, settings: LogSettings, logGroupName?: string): LogGroup {
  return new LogGroup(scope, id, { logGroupName, retention: settings.retention, encryptionKey: settings.encryptionKey });
}
