import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type BundlingOptions, LogLevel } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { type LogSettings, serviceLogGroup } from './log-settings';
import { controlTowerRule } from './policy-checks';

/** Files in functions/ that export `handler`. */
export type FunctionEntry = 'fetch-transactions' | 'get-user-aggregate' | 'list-payouts' | 'get-status' | 'api-docs' | 'mock-transaction-api';

export const functionsDirectory = path.resolve(__dirname, '../../functions');

/**
 * The AWS SDK version the tests ran with, written into every bundle: the functions use the
 * runtime's SDK (external) and log both at init (lib/sdk-version.ts).
 */
export const testedAwsSdkVersion = (require('@aws-sdk/client-dynamodb/package.json') as { version: string }).version;

/**
 * The functions' custom metrics namespace: the stack's name, so two stacks in one account (a
 * rebuild next to the live one) never mix their ingestion figures. The default stack's name is
 * lib/observability.ts's default namespace.
 */
export const metricsNamespaceOf = (scope: IConstruct): string => Stack.of(scope).stackName;

export interface ServiceFunctionProps {
  entry: FunctionEntry;
  /** POWERTOOLS_SERVICE_NAME: the `service` dimension of the function's metrics. */
  serviceName: string;
  /** Retention and encryption of the function's log group. */
  logs: LogSettings;
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  environment?: Record<string, string>;
  /** Extra bundling steps (e.g. files to copy beside the bundle). */
  bundling?: Partial<BundlingOptions>;
  /** Active X-Ray tracing (default true); false: no tracing at all, and no X-Ray permissions. */
  tracing?: boolean;
}

/**
 * One Lambda function as every function of the service is built: Node.js on arm64, bundled
 * locally by esbuild (minified, with source maps, the runtime's AWS SDK v3 left out), X-Ray
 * tracing unless switched off, its own log group, and its own role that may write to that log group and nothing
 * else until a grant adds more (instead of the broad AWSLambdaBasicExecutionRole).
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = serviceLogGroup(this, 'Logs', props.logs);
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.entry} function`,
    });
    this.logGroup.grantWrite(role);
    const tracing = props.tracing ?? true;

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(functionsDirectory, `${props.entry}.ts`),
      handler: 'handler',
      // The newest Node.js runtime CDK knows (cdk-nag AwsSolutions-L1); the code targets Node 22+.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(5),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup: this.logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceOf(this),
        ...(tracing ? {} : { POWERTOOLS_TRACE_ENABLED: 'false' }),
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not the sources: a 0.4 MB map instead of 1.4 MB, ~10 % faster cold init.
        sourcesContent: false,
        // A quiet synth: esbuild reports warnings and errors only.
        logLevel: LogLevel.WARNING,
        externalModules: ['@aws-sdk/*'],
        define: { 'process.env.TESTED_AWS_SDK_VERSION': JSON.stringify(testedAwsSdkVersion) },
        ...props.bundling,
      },
    });

    Validations.of(this.fn).acknowledge({
      id: controlTowerRule('lambda_inside_vpc_check'),
      reason:
        'No function reaches a private resource: DynamoDB, Secrets Manager, X-Ray and the partner API are public AWS or HTTPS endpoints. A VPC would add NAT gateways (~$33 a month each, plus $0.045/GB) or interface endpoints, and ENI cold-start time, for no isolation gained.',
    });
    if (tracing)
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (Resource must be *).',
      });
  }
}
