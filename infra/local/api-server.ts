import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import Router from 'find-my-way';
import { apiRoutes, type ApiRoute } from '../definitions/routes';
import { gatewayAnswer, gatewayEvent, type HttpAnswer } from './gateway-event';
import { listenLocally, type RunningServer } from './http-listener';
import { lambdaContext } from './lambda-context';

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
export type HandlerLoader = (name: ApiRoute['handler']) => Promise<ApiHandler>;

const functionsDirectory = path.resolve(__dirname, '../../functions');

/** The handler module named by a route (functions/<name>.ts), imported on first use. */
export const loadFunctionHandler: HandlerLoader = async (name) => {
  const module = (await import(path.join(functionsDirectory, name))) as { handler?: ApiHandler };
  if (typeof module.handler !== 'function') throw new Error(`functions/${name}.ts exports no handler`);
  return module.handler;
};

/** API Gateway path syntax to find-my-way's: {name} → :name, {proxy+} → * */
export const routerPath = (gatewayPath: string): string => gatewayPath.replace(/\{([^}+]+)\+\}/g, '*').replace(/\{([^}]+)\}/g, ':$1');

export interface ApiServerOptions {
  port?: number;
  routes?: readonly ApiRoute[];
  loadHandler?: HandlerLoader;
  /** Where a handler's crash is reported (the client only sees a generic 500). */
  onHandlerError?: (route: ApiRoute, error: unknown) => void;
}

const problem = (status: number, title: string, detail: string, instance: string, headers: Record<string, string> = {}): HttpAnswer => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json', ...headers },
  body: Buffer.from(JSON.stringify({ type: 'about:blank', title, status, detail, instance })),
});

/**
 * The local stand-in for the HTTP API: routes from infra/definitions/routes.ts, each request
 * turned into a payload 2.0 event for the same handler module the Lambda runs, the result
 * written back as API Gateway would. No authorization: locally every route is open.
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<RunningServer & { preload(): Promise<void> }> {
  const routes = options.routes ?? apiRoutes;
  const loadHandler = options.loadHandler ?? loadFunctionHandler;
  const loaded = new Map<ApiRoute['handler'], Promise<ApiHandler>>();
  const handlerOf = (name: ApiRoute['handler']): Promise<ApiHandler> => {
    let handler = loaded.get(name);
    if (!handler) {
      handler = loadHandler(name);
      handler.catch(() => loaded.delete(name));
      loaded.set(name, handler);
    }
    return handler;
  };

  const router = Router({ ignoreTrailingSlash: false });
  for (const route of routes) router.on(route.method, routerPath(route.path), () => undefined, route);

  async function answer(request: IncomingMessage, body: Buffer): Promise<HttpAnswer> {
    const url = request.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const match = router.find('GET', rawPath);
    if (!match) return problem(404, 'Not Found', `No route for ${request.method} ${rawPath}`, rawPath);
    const route = match.store as ApiRoute;
    if (request.method !== route.method) {
      return problem(405, 'Method Not Allowed', `${request.method} is not allowed on ${rawPath}`, rawPath, { allow: route.method });
    }
    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.params)) {
      if (value !== undefined) pathParameters[name === '*' ? 'proxy' : name] = value;
    }
    const requestId = randomUUID();
    const event = gatewayEvent(
      { method: request.method, url, headers: request.headers, sourceIp: request.socket.remoteAddress ?? '127.0.0.1', body },
      { routeKey: `${route.method} ${route.path}`, pathParameters },
      requestId,
      Date.now(),
    );
    try {
      const handler = await handlerOf(route.handler);
      const result = gatewayAnswer(await handler(event, lambdaContext(route.handler, 29_000)));
      return { ...result, headers: { 'apigw-requestid': requestId, ...result.headers } };
    } catch (error) {
      options.onHandlerError?.(route, error);
      return problem(500, 'Internal Server Error', 'The request could not be completed.', rawPath, { 'apigw-requestid': requestId });
    }
  }

  const server = await listenLocally((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void answer(request, Buffer.concat(chunks))
        .catch(() => problem(500, 'Internal Server Error', 'The request could not be completed.', request.url ?? '/'))
        .then((result) => {
          response.writeHead(result.statusCode, result.headers);
          response.end(request.method === 'HEAD' ? undefined : result.body);
        });
    });
  }, options.port ?? 0);

  return {
    ...server,
    /** Imports every route's handler now, so a broken module fails the start rather than a request. */
    preload: async () => {
      await Promise.all([...new Set(routes.map((route) => route.handler))].map(handlerOf));
    },
  };
}
