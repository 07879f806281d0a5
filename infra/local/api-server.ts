import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import Router from 'find-my-way';
import { BadRequest, MethodNotAllowed, NotFound, RequestHeaderFieldsTooLarge } from '../../lib/http/problems';
import { problemAnswer, type ProblemSite } from '../../lib/http/responses';
import { apiRoutes, type ApiRoute } from '../definitions/routes';
import { gatewayAnswer, gatewayEvent, type HttpAnswer } from './gateway-event';
import { listenLocally, type ClientError, type RawAnswer, type RunningServer } from './http-listener';
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

/** The server's own problem answer (RFC 9457, the handlers' shape), with the id API Gateway would send. */
const problem = (error: unknown, site: Required<ProblemSite>, headers: Record<string, string> = {}): RawAnswer => {
  const answer = problemAnswer(error, site);
  return {
    statusCode: answer.statusCode ?? 500,
    // Lowercased, as API Gateway writes the handlers' headers (gatewayAnswer).
    headers: {
      ...Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)])),
      'apigw-requestid': site.requestId,
      ...headers,
    },
    body: Buffer.from(answer.body ?? ''),
  };
};

const decodes = (segment: string): boolean => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

/**
 * The path as the router should match it: a segment whose percent-encoding is malformed (`%`,
 * `%zz`, `%E0`) is escaped, so its parameter reaches the handler exactly as written. AWS
 * documents no behaviour for such a path; passed on like this, the handler's own rule (no `%`
 * in a userId) answers the documented 400 naming `userId`, as it would for whatever the
 * gateway passes.
 */
export const routablePath = (rawPath: string): string =>
  rawPath
    .split('/')
    .map((segment) => (decodes(segment) ? segment : segment.replaceAll('%', '%25')))
    .join('/');

/** The request line of a refused request, when the parser got that far: its path is the problem's instance. */
const requestPathOf = (error: ClientError): string => /^[A-Z]+ (\/\S*) HTTP\//.exec(error.rawPacket?.toString('latin1') ?? '')?.[1]?.split('?')[0] ?? '/';

/** Node's parser refusals, answered like every other problem: 431 for too large a head, 400 for what is not HTTP. */
const clientErrorAnswer = (error: ClientError): RawAnswer | undefined => {
  if (!error.code?.startsWith('HPE_')) return undefined;
  const site = { instance: requestPathOf(error), requestId: randomUUID() };
  return error.code === 'HPE_HEADER_OVERFLOW'
    ? problem(new RequestHeaderFieldsTooLarge('The request line and headers together exceed what the server reads (16 KB).'), site)
    : problem(new BadRequest('The request is not valid HTTP/1.1.'), site);
};

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

  // A path parameter of any length reaches its handler, which gives the documented answer (find-my-way's default stops at 100).
  const router = Router({ ignoreTrailingSlash: false, maxParamLength: Number.POSITIVE_INFINITY });
  for (const route of routes) router.on(route.method, routerPath(route.path), () => undefined, route);

  async function answer(request: IncomingMessage, body: Buffer): Promise<HttpAnswer> {
    const url = request.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const requestId = randomUUID();
    const site = { instance: rawPath, requestId };
    const match = router.find('GET', routablePath(rawPath));
    if (!match) return problem(new NotFound(`No route for ${request.method} ${rawPath}`), site);
    const route = match.store as ApiRoute;
    if (request.method !== route.method) {
      return problem(new MethodNotAllowed(`${request.method} is not allowed on ${rawPath}`), site, { allow: route.method });
    }
    const pathParameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.params)) {
      if (value !== undefined) pathParameters[name === '*' ? 'proxy' : name] = value;
    }
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
      // A crashed handler is a 500 whatever it threw, as Lambda's failure is to API Gateway.
      return problem(new Error('handler failed'), site);
    }
  }

  const server = await listenLocally(
    (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void answer(request, Buffer.concat(chunks))
          .catch(() => problem(new Error('request failed'), { instance: (request.url ?? '/').split('?')[0]!, requestId: randomUUID() }))
          .then((result) => {
            response.writeHead(result.statusCode, result.headers);
            response.end(request.method === 'HEAD' ? undefined : result.body);
          });
      });
    },
    options.port ?? 0,
    { answerClientError: clientErrorAnswer },
  );

  return {
    ...server,
    /** Imports every route's handler now, so a broken module fails the start rather than a request. */
    preload: async () => {
      await Promise.all([...new Set(routes.map((route) => route.handler))].map(handlerOf));
    },
  };
}
