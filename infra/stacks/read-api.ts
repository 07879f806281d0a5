import { type CfnResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { ApiMapping, type CfnStage, CorsHttpMethod, DomainName, HttpApi, HttpMethod, type HttpStage, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type IGrantable, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { apiRoutes, type ApiRoute } from '../definitions/routes';
import type { AggregatesTable } from './aggregates-table';
import { apiDocsBundling } from './api-docs-bundling';
import type { ServiceConfig } from './config';
import { scopeInvokePermissionsToAccount } from './invoke-permissions';
import type { LogSettings } from './log-settings';
import { LoggedHttpStage } from './logged-http-stage';
import { controlTowerRule } from './policy-checks';
import { ServiceFunction } from './service-function';
import { grantPayoutIndexQuery, grantStatusRead, grantUserAggregateRead, grantWatermarkRead } from './table-access';

type RouteHandler = ApiRoute['handler'];

/** What each handler may read of the table; api-docs serves a static document and gets no table access. */
const tableGrants: Partial<Record<RouteHandler, (aggregates: AggregatesTable, grantee: IGrantable) => void>> = {
  'get-user-aggregate': (aggregates, grantee) => {
    grantUserAggregateRead(aggregates, grantee);
    grantWatermarkRead(aggregates, grantee);
  },
  'list-payouts': (aggregates, grantee) => {
    grantPayoutIndexQuery(aggregates, grantee);
    grantWatermarkRead(aggregates, grantee);
  },
  'get-status': grantStatusRead,
};

/**
 * The handlers whose routes may be public, and why. A public route to any other handler stays
 * an unacknowledged finding (cdk-nag AwsSolutions-APIG4, Control Tower CT.APIGATEWAY.PR.5) and fails the synth.
 */
const publicByDesign: Partial<Record<RouteHandler, string>> = {
  'get-status': 'it shows ingestion freshness (lag, last outcome, counters) to monitors and status pages, never user data.',
  'api-docs': 'it serves the OpenAPI document and Swagger UI, which describe the API and hold no data.',
};

export interface ReadApiProps {
  aggregates: AggregatesTable;
  config: ServiceConfig;
  logs: LogSettings;
}

/**
 * The read API: an HTTP API (payload format 2.0) with the routes of infra/definitions/routes.ts.
 * Data routes require IAM (SigV4); status and docs are public. One function per handler file.
 */
export class ReadApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: ReadonlyMap<RouteHandler, ServiceFunction>;
  /** Attach to a client's IAM user or role to let it call the data routes. */
  readonly clientPolicy: ManagedPolicy;
  /** The custom domain (-c domainName + certificateArn): a stable URL that survives a rebuild of the API. */
  readonly customDomain?: DomainName;

  constructor(scope: Construct, id: string, props: ReadApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Per-user transaction aggregates (read API)',
      createDefaultStage: false,
      corsPreflight: {
        // Callers authenticate with SigV4 headers, not cookies, so any origin may call.
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'],
        exposeHeaders: ['link', 'cache-control'],
        maxAge: Duration.hours(1),
      },
    });
    this.stage = new LoggedHttpStage(this, 'DefaultStage', {
      api: this.api,
      logName: 'ReadApi',
      throttle: { rateLimit: props.config.apiRateLimit, burstLimit: props.config.apiBurstLimit },
      logs: props.logs,
    }).stage;

    if (props.config.domainName && props.config.certificateArn) {
      this.customDomain = new DomainName(this, 'CustomDomain', {
        domainName: props.config.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.config.certificateArn),
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'CustomDomainMapping', { api: this.api, domainName: this.customDomain, stage: this.stage });
    }

    const functions = new Map<RouteHandler, ServiceFunction>();
    const functionFor = (handler: RouteHandler): ServiceFunction => {
      let created = functions.get(handler);
      if (!created) {
        const grant = tableGrants[handler];
        const environment = grant ? { TABLE_NAME: props.aggregates.table.tableName } : undefined;
        const bundling = handler === 'api-docs' ? apiDocsBundling() : undefined;
        created = new ServiceFunction(this, pascalCase(handler), {
          entry: handler,
          serviceName: 'read-api',
          logs: props.logs,
          environment,
          bundling,
          // Off unless -c readApiTracing=true: at millions of requests a day X-Ray costs more than the functions (README).
          tracing: props.config.readApiTracing,
        });
        grant?.(props.aggregates, created.fn);
        functions.set(handler, created);
      }
      return created;
    };

    const iam = new HttpIamAuthorizer();
    const stageResource = this.stage.node.defaultChild as CfnStage;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of apiRoutes) {
      const fn = functionFor(route.handler);
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.handler)}Integration`, fn.fn),
        authorizer: route.authenticated ? iam : undefined,
      });
      if (route.throttle) {
        routeSettings[`${route.method} ${route.path}`] = { ThrottlingRateLimit: route.throttle.rateLimit, ThrottlingBurstLimit: route.throttle.burstLimit };
        // Route settings name routes by key: the stage is created or updated after them.
        stageResource.node.addDependency(httpRoute);
      }
      const publicReason = publicByDesign[route.handler];
      if (!route.authenticated && publicReason) {
        const reason = `${route.method} ${route.path} is public by design: ${publicReason}`;
        Validations.of(httpRoute).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: controlTowerRule('api_gw_v2_authorization_type_configured_check'), reason },
        );
      }
      scopeInvokePermissionsToAccount(httpRoute);
    }
    this.functions = functions;
    if (Object.keys(routeSettings).length > 0) stageResource.routeSettings = routeSettings;

    // One resource per authenticated route; a path parameter becomes `*` (IAM has no finer match).
    const dataPaths = [...new Set(apiRoutes.filter((route) => route.authenticated).map((route) => route.path.replace(/\{[^}]+\}/g, '*')))];
    this.clientPolicy = new ManagedPolicy(this, 'ReadApiClients', {
      description: 'Lets an IAM user or role call the aggregated-data routes of the read API (SigV4).',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: dataPaths.map((path) => this.api.arnForExecuteApi(HttpMethod.GET, path, this.stage.stageName)),
        }),
      ],
    });
    const stack = Stack.of(this);
    const apiLogicalId = String(stack.resolve((this.api.node.defaultChild as CfnResource).logicalId));
    // cdk-nag names the resource as synthesized: pseudo parameters in an environment-agnostic stack, literals with an explicit env
    // (the partition too: @aws-cdk/core:enablePartitionLiterals).
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    for (const path of dataPaths.filter((candidate) => candidate.includes('*'))) {
      Validations.of(this.clientPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:execute-api:${region}:${account}:<${apiLogicalId}>/${this.stage.stageName}/GET${path}]`,
        reason: `Only GET ${path} of this API's $default stage: the * stands for a path parameter, which IAM cannot match more narrowly.`,
      });
    }
  }
}

function pascalCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}
