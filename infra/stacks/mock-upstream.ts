import { Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { scopeInvokePermissionsToAccount } from './invoke-permissions';
import type { LogSettings } from './log-settings';
import { LoggedHttpStage } from './logged-http-stage';
import { controlTowerRule } from './policy-checks';
import { ServiceFunction } from './service-function';

/** The mock stage's limits: well above the fetch function's 5 calls a minute, far below the 500 rps default. */
export const mockStageThrottle = { rateLimit: 2, burstLimit: 5 } as const;

/**
 * The demo Transaction API (seeded synthetic data, 5 calls/min, 1000 per page), deployed only
 * on request (`-c upstream=mock`), for a demo account: never silently in place of the real one.
 */
export class MockUpstream extends Construct {
  readonly function: ServiceFunction;
  /** Base URL the fetch function calls (`{url}/transactions`). */
  readonly url: string;

  /** `knobs`: the mock's MOCK_* settings (deployment setting `mockKnobs`), set as the function's environment. */
  constructor(scope: Construct, id: string, props: { knobs?: Record<string, string>; logs: LogSettings }) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'MockTransactionApi', {
      entry: 'mock-transaction-api',
      serviceName: 'mock-transaction-api',
      logs: props.logs,
      ...(props.knobs ? { environment: props.knobs } : {}),
    });
    const api = new HttpApi(this, 'Api', { description: 'Demo Transaction API (synthetic data)', createDefaultStage: false });
    // Throttled: only the fetch function calls it (5 a minute); anyone else who finds the URL gets 429s, not a Lambda bill.
    new LoggedHttpStage(this, 'DefaultStage', { api, logName: 'MockUpstream', throttle: mockStageThrottle, logs: props.logs });
    const [route] = api.addRoutes({
      path: '/transactions',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Transactions', this.function.fn),
    });
    const demoStandIn =
      'Demo stand-in for the partner Transaction API: it serves seeded synthetic transactions only and is called by the fetch function over plain HTTPS, as the real partner API is.';
    Validations.of(route).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: demoStandIn },
      { id: controlTowerRule('api_gw_v2_authorization_type_configured_check'), reason: demoStandIn },
    );
    scopeInvokePermissionsToAccount(route);
    // The `$default` stage is served at the API's root.
    this.url = api.apiEndpoint;
  }
}
