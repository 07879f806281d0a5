import { BadRequest, NotFound } from '../../lib/http/problems';
import { readApiHandler, type ReadEndpoint } from '../../lib/http/read-api-handler';
import { logger, metrics } from '../../lib/observability';
import { getEvent, header, lambdaContext } from './support/http-events';

const run = (endpoint: ReadEndpoint, url = '/status') => readApiHandler(endpoint, { cacheControl: 'public, max-age=7' })(getEvent(url), lambdaContext());

afterEach(() => jest.restoreAllMocks());

describe('the read API middleware chain', () => {
  it("adds JSON content type, the route's Cache-Control and nosniff unless the endpoint chose its own", async () => {
    const plain = await run(async () => ({ statusCode: 200, body: '{}' }));
    expect(plain.headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=7', 'X-Content-Type-Options': 'nosniff' });
    const own = await run(async () => ({ statusCode: 200, body: 'x', headers: { 'Content-Type': 'text/css', 'Cache-Control': 'no-cache' } }));
    expect(own.headers).toMatchObject({ 'Content-Type': 'text/css', 'Cache-Control': 'no-cache' });
  });

  it('turns a thrown BadRequest into an RFC 9457 document listing the invalid parameters', async () => {
    const result = await run(async () => {
      throw new BadRequest('Invalid query parameter: limit is wrong.', [{ name: 'limit', reason: 'is wrong' }]);
    }, '/aggregatedData/payouts?limit=x');
    expect(result.statusCode).toBe(400);
    expect(header(result, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Invalid query parameter: limit is wrong.',
      instance: '/aggregatedData/payouts',
      requestId: 'request-1',
      invalidParams: [{ name: 'limit', reason: 'is wrong' }],
    });
  });

  it('answers a deliberate problem without logging it as a failure', async () => {
    const logged = jest.spyOn(logger, 'error');
    const counted = jest.spyOn(metrics, 'addMetric');
    expect((await run(async () => Promise.reject(new NotFound('gone')))).statusCode).toBe(404);
    expect(logged).not.toHaveBeenCalled();
    expect(counted).not.toHaveBeenCalledWith('ReadErrors', expect.anything(), expect.anything());
  });

  it('answers anything unexpected (even a thrown string) with a generic 500, logged and counted as ReadErrors', async () => {
    const logged = jest.spyOn(logger, 'error');
    const counted = jest.spyOn(metrics, 'addMetric');
    const result = await run(async () => Promise.reject('socket hang up at 10.0.3.17:443'));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('10.0.3.17');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(counted).toHaveBeenCalledWith('ReadErrors', 'Count', 1);
  });

  it("puts the API Gateway request id and the route on the invocation's log lines, and only on that invocation's", async () => {
    const appended = jest.spyOn(logger, 'appendKeys');
    const reset = jest.spyOn(logger, 'resetKeys');
    await run(async () => ({ statusCode: 200, body: '{}' }));
    expect(appended).toHaveBeenCalledWith({ requestId: 'request-1', route: 'GET /status' });
    expect(reset).toHaveBeenCalled();
  });
});
