/**
 * The HTTP routes of the read API: the one definition read by the CDK stack (HTTP API routes,
 * authorization) and by the local server (which routes requests to the same handler modules).
 * `handler` names a file in functions/ exporting `handler`.
 */
export interface ApiRoute {
  method: 'GET';
  /** API Gateway path syntax: {name} is a parameter, {proxy+} a greedy tail. */
  path: string;
  handler: 'get-user-aggregate' | 'list-payouts' | 'get-status' | 'api-docs';
  /** Data routes require IAM (SigV4) in the deployed API; status and docs are public. */
  authenticated: boolean;
}

export const apiRoutes: readonly ApiRoute[] = [
  { method: 'GET', path: '/aggregatedData/payouts', handler: 'list-payouts', authenticated: true },
  { method: 'GET', path: '/aggregatedData/{userId}', handler: 'get-user-aggregate', authenticated: true },
  { method: 'GET', path: '/status', handler: 'get-status', authenticated: false },
  { method: 'GET', path: '/api/docs', handler: 'api-docs', authenticated: false },
  { method: 'GET', path: '/api/docs/{proxy+}', handler: 'api-docs', authenticated: false },
];
