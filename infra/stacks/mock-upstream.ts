import { Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { LoggedHttpStage } from './logged-http-stage';
import { ServiceFunction } from './service-function';

/**
 * The demo Transaction API (seeded synthetic data, 5 calls/min, 1000 per page), deployed only
 * when no real Transaction API is configured, so a fresh account gets a working system.
 */
export class MockUpstream extends Construct {
  readonly function: ServiceFunction;
  /** Base URL the fetch function calls (`{url}/transactions`). */
  readonly url: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'MockTransactionApi', { entry: 'mock-transaction-api', serviceName: 'mock-transaction-api' });
    const api = new HttpApi(this, 'Api', { description: 'Demo Transaction API (synthetic data)', createDefaultStage: false });
    new LoggedHttpStage(this, 'DefaultStage', { api, logName: 'MockUpstream' });
    const [route] = api.addRoutes({
      path: '/transactions',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Transactions', this.function.fn),
    });
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Demo stand-in for the partner Transaction API: it serves seeded synthetic transactions only and is called by the fetch function over plain HTTPS, as the real partner API is.',
    });
    // The `$default` stage is served at the API's root.
    this.url = api.apiEndpoint;
  }
}
