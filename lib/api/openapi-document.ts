import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { cacheControl } from '../http/cache-control';
import {
  ingestionStatusSchema,
  payoutListSchema,
  payoutsQuerySchema,
  problemSchema,
  userAggregateParamsSchema,
  userAggregateSchema,
} from './schemas';

/**
 * The OpenAPI 3.1 document of the read API, generated from the zod schemas the handlers
 * validate with (lib/api/schemas.ts). Only the docs Lambda imports this module.
 */
const SIGV4 = 'sigv4';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

const cacheHeader = (value: string) => z.string().meta({ description: `Cache-Control; currently \`${value}\`.`, example: value });

function registry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SIGV4, {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'AWS Signature Version 4 (IAM authorization of the HTTP API, service `execute-api`). Sign requests with an AWS SDK or ' +
      '`curl --aws-sigv4 "aws:amz:<region>:execute-api"`; the caller needs `execute-api:Invoke` on the route.',
  });

  registry.registerPath({
    method: 'get',
    path: '/aggregatedData/{userId}',
    operationId: 'getUserAggregate',
    tags: ['aggregates'],
    summary: 'The aggregates of one user',
    description: 'One eventually consistent read. Data is at most ~2 minutes behind the Transaction API (see /status).',
    security: [{ [SIGV4]: [] }],
    request: { params: userAggregateParamsSchema },
    responses: {
      200: {
        description: 'The user\'s sums.',
        headers: z.object({ 'Cache-Control': cacheHeader(cacheControl.aggregate) }),
        content: { 'application/json': { schema: userAggregateSchema } },
      },
      400: problem('The userId is empty, longer than 64 characters or has characters outside [A-Za-z0-9_-].'),
      404: problem('No transaction of this user has been aggregated (yet).'),
      500: problem('Unexpected failure; nothing internal is disclosed.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/aggregatedData/payouts',
    operationId: 'listPayouts',
    tags: ['aggregates'],
    summary: 'Users with a payout above 0, ordered by userId',
    description:
      'A page of the sparse payout index (a Query, never a Scan). When more users follow, the response carries ' +
      '`Link: </aggregatedData/payouts?limit=…&cursor=…>; rel="next"`; the last page has no Link header.',
    security: [{ [SIGV4]: [] }],
    request: { query: payoutsQuerySchema },
    responses: {
      200: {
        description: 'One page of the list (possibly empty).',
        headers: z.object({
          'Cache-Control': cacheHeader(cacheControl.payouts),
          Link: z.string().optional().meta({ description: 'RFC 8288 link to the next page, present only when more users follow.', example: '</aggregatedData/payouts?limit=1000&cursor=MDc0MDky.d5gzpnZ8c6pN>; rel="next"' }),
        }),
        content: { 'application/json': { schema: payoutListSchema } },
      },
      400: problem('limit is not a whole number from 1 to 1000, or cursor is not one this API issued.'),
      500: problem('Unexpected failure; nothing internal is disclosed.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/status',
    operationId: 'getIngestionStatus',
    tags: ['ingestion'],
    summary: 'Freshness of the aggregates and health of ingestion',
    description: 'Public. Before the first ingestion the answer is still a 200, with watermark, lagSeconds and lastTick null and all counters 0.',
    responses: {
      200: {
        description: 'Where ingestion stands.',
        headers: z.object({ 'Cache-Control': cacheHeader(cacheControl.status) }),
        content: { 'application/json': { schema: ingestionStatusSchema } },
      },
      500: problem('Unexpected failure; nothing internal is disclosed.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/docs',
    operationId: 'getApiDocs',
    tags: ['documentation'],
    summary: 'This documentation (Swagger UI, served without any CDN)',
    responses: { 200: { description: 'The Swagger UI page.', content: { 'text/html': { schema: z.string() } } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/docs/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['documentation'],
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'OpenAPI 3.1, generated from the schemas the handlers validate with.', content: { 'application/json': { schema: z.looseObject({}) } } } },
  });

  registry.registerPath({
    method: 'get',
    path: '/api/docs/{file}',
    operationId: 'getApiDocsFile',
    tags: ['documentation'],
    summary: 'A file of the documentation page',
    request: { params: z.object({ file: z.string().meta({ example: 'swagger-ui.css' }) }) },
    responses: {
      200: {
        description: 'swagger-ui.css, swagger-ui-bundle.js or swagger-initializer.js (index.html is the page again).',
        content: { 'text/css': { schema: z.string() }, 'text/javascript': { schema: z.string() }, 'text/html': { schema: z.string() } },
      },
      404: problem('No such file.'),
    },
  });
  return registry;
}

let document: string | undefined;

/** The document as JSON text, generated once per container. */
export function openApiDocumentJson(): string {
  document ??= JSON.stringify(
    new OpenApiGeneratorV31(registry().definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Transaction aggregation API',
        version: '1.0.0',
        description:
          'Per-user aggregates of the Transaction API, at most 2 minutes behind it. Money is exact decimal: amounts are JSON ' +
          'numbers written digit for digit. Errors are RFC 9457 problem documents. Throttling (429) and missing or invalid ' +
          'signatures (403) are answered by API Gateway itself.',
      },
      // Relative to this document (/api/docs/openapi.json): the API root, whatever the stage or domain.
      servers: [{ url: '../..', description: 'This deployment' }],
    }),
  );
  return document;
}
