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
  /**
   * Route-level throttling in the deployed API (requests per second, burst), below the stage's
   * default: a public route must not let anonymous callers spend the stage's whole limit.
   */
  throttle?: { rateLimit: number; burstLimit: number };
}

/** Monitors and status pages poll /status every few seconds; 20 rps is plenty for all of them. */
const statusThrottle = { rateLimit: 20, burstLimit: 40 };
/** Swagger UI loads a page plus two files per visit. */
const docsThrottle = { rateLimit: 10, burstLimit: 30 };

export const apiRoutes: readonly ApiRoute[] = [
  { method: 'GET', path: '/aggregatedData/payouts', handler: 'list-payouts', authenticated: true },
  { method: 'GET', path: '/aggregatedData/{userId}', handler: 'get-user-aggregate', authenticated: true },
  { method: 'GET', path: '/status', handler: 'get-status', authenticated: false, throttle: statusThrottle },
  { method: 'GET', path: '/api/docs', handler: 'api-docs', authenticated: false, throttle: docsThrottle },
  { method: 'GET', path: '/api/docs/{proxy+}', handler: 'api-docs', authenticated: false, throttle: docsThrottle },
];
