import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { handler } from '../../functions/api-docs';
import { apiRoutes } from '../../infra/definitions/routes';
import { getEvent, header, lambdaContext } from './support/http-events';
import { expectConformsToOpenApi, getConforming, type openApiDocument } from './support/openapi-validator';

const get = (url: string, overrides = {}) => getConforming(handler, url, overrides);

const swaggerUiDist = dirname(require.resolve('swagger-ui-dist/package.json'));

describe('GET /api/docs', () => {
  it('serves a Swagger UI page that loads only our own files, relative to /api/docs', async () => {
    const result = await get('/api/docs');
    expect(result.statusCode).toBe(200);
    expect(header(result, 'content-type')).toBe('text/html; charset=utf-8');
    const page = result.body ?? '';
    const urls = [...page.matchAll(/(?:src|href|data-openapi-url)="([^"]+)"/g)].map((match) => match[1]);
    expect(urls.sort()).toEqual(['docs/openapi.json', 'docs/swagger-initializer.js', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui.css']);
    expect(page).not.toMatch(/<script>[^<]/); // no inline script: the CSP forbids it
    expect(header(result, 'content-security-policy')).toContain("script-src 'self'");
  });

  it('makes the asset URLs relative to the folder when the page is asked as /api/docs/ or index.html', async () => {
    for (const [url, overrides] of [
      ['/api/docs/index.html', {}],
      ['/api/docs', { rawPath: '/prod/api/docs/' }],
    ] as const) {
      const page = (await get(url, overrides)).body ?? '';
      expect(page).toContain('href="swagger-ui.css"');
      expect(page).toContain('data-openapi-url="openapi.json"');
    }
  });

  it('serves the OpenAPI 3.1 document describing every read route with the auth of infra/definitions/routes.ts', async () => {
    const result = await get('/api/docs/openapi.json');
    expect(result.statusCode).toBe(200);
    expect(header(result, 'content-type')).toBe('application/json');
    const document = JSON.parse(result.body ?? '') as typeof openApiDocument & { openapi: string; paths: Record<string, { get: { security?: unknown[] } }> };
    expect(document.openapi).toBe('3.1.0');
    for (const route of apiRoutes.filter((candidate) => candidate.handler !== 'api-docs')) {
      const operation = document.paths[route.path]?.get;
      expect(operation).toBeDefined();
      expect(Boolean(operation.security?.length)).toBe(route.authenticated);
    }
  });

  it("shows each error response with an example of its own status: problem documents for 4xx/500, API Gateway's own body for 429", async () => {
    const document = JSON.parse((await get('/api/docs/openapi.json')).body ?? '') as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { example?: Record<string, unknown> }> }> } }>;
    };
    let checked = 0;
    for (const [path, { get: operation }] of Object.entries(document.paths)) {
      for (const [status, response] of Object.entries(operation.responses).filter(([code]) => Number(code) >= 400)) {
        checked++;
        if (status === '429') {
          expect([path, response.content?.['application/json']?.example]).toEqual([path, { message: 'Too Many Requests' }]);
          continue;
        }
        const example = response.content?.['application/problem+json']?.example;
        expect([path, status, example?.status]).toEqual([path, status, Number(status)]);
        expect(example).toMatchObject({ type: 'about:blank', instance: expect.stringMatching(/^\//), requestId: expect.any(String) });
      }
    }
    expect(checked).toBe(12);
  });

  it.each([
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ])('serves %s from swagger-ui-dist, cacheable for a day', async (file, contentType) => {
    const result = await get(`/api/docs/${file}`);
    expect(result.statusCode).toBe(200);
    expect(header(result, 'content-type')).toBe(contentType);
    expect(header(result, 'cache-control')).toBe('public, max-age=86400');
    expect(result.body).toBe(readFileSync(join(swaggerUiDist, file), 'utf8'));
  });

  it('serves the initializer that starts Swagger UI on the document named by the page', async () => {
    const result = await get('/api/docs/swagger-initializer.js');
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain("getAttribute('data-openapi-url')");
  });

  it.each(['swagger-ui.js.map', 'package.json', '../package.json', 'index.css', 'openapi.yaml', 'a/b/c'])('answers 404 problem+json for %s', async (file) => {
    const result = await handler(getEvent('/api/docs/x', { pathParameters: { proxy: file }, rawPath: `/api/docs/${file}` }), lambdaContext());
    expectConformsToOpenApi('/api/docs/x', result);
    expect(result.statusCode).toBe(404);
    expect(header(result, 'content-type')).toBe('application/problem+json');
  });
});
