import { userIdDomain } from '../core/accepted-domain';
import * as z from 'zod/mini';
import { cacheControl } from '../http/cache-control';
import { INTERNAL_ERROR } from '../http/problems';
import { ingestionStatusSchema, payoutListSchema, problemSchema, userAggregateSchema } from './response-schemas';
import { MAX_PAGE_SIZE, payoutsQuerySchema, userAggregateParamsSchema } from './schemas';

/**
 * The OpenAPI 3.1 document of the read API, generated from the zod schemas the handlers
 * validate with (lib/api/schemas.ts) by zod's own JSON Schema generator (OpenAPI 3.1 schemas are
 * JSON Schema 2020-12). Schemas with an `id` become components; parameters are written from the
 * fields of the parameter schemas. Only the docs Lambda imports this module.
 */
const SIGV4 = 'sigv4';
type JsonObject = Record<string, unknown>;

const componentsPath = '#/components/schemas/';

/** A schema as JSON Schema: a $ref when it is a component, else inline (components referenced). */
function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output' = 'output'): JsonObject {
  // (Registered schemas with an id are components; the rest is written inline.)
  const id = z.globalRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: `${componentsPath}${id}` };
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  void _ignored;
  // A wire string documented as a number (limit) keeps no string-only keyword.
  if (rest.type !== 'string') delete rest.pattern;
  return rest;
}

/** Every registered schema with an id, as components.schemas. */
function componentSchemas(): Record<string, JsonObject> {
  // Force the registration order to follow the contract (the generator walks the registry).
  void [userAggregateSchema, payoutListSchema, ingestionStatusSchema, problemSchema];
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (ref: string) => `${componentsPath}${ref}`,
  }) as { schemas: Record<string, JsonObject> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** The OpenAPI parameters of a zod object schema's fields (path or query). */
function parameters(schema: z.ZodMiniObject, where: 'path' | 'query'): JsonObject[] {
  return Object.entries(schema.def.shape).map(([name, field]) => {
    const described = jsonSchema(field as z.ZodMiniType, 'input');
    const { description, example, ...fieldSchema } = described;
    const optional = ['optional', 'default'].includes((field as z.ZodMiniType)._zod.def.type);
    return {
      name,
      in: where,
      required: where === 'path' || !optional,
      ...(description ? { description } : {}),
      ...(example !== undefined ? { example } : {}),
      schema: fieldSchema,
    };
  });
}

/** The request id of the examples (API Gateway's form). */
const EXAMPLE_REQUEST_ID = 'JtW5ZhT2IAMEb9g=';
type ProblemExample = { status: number; title: string; detail: string; instance: string; invalidParams?: { name: string; reason: string }[] };
/** A problem response whose example is a document of its own status, as the handlers write it. */
const problem = (description: string, example: ProblemExample) => ({
  description,
  content: {
    'application/problem+json': {
      schema: jsonSchema(problemSchema),
      example: {
        type: 'about:blank',
        title: example.title,
        status: example.status,
        detail: example.detail,
        instance: example.instance,
        requestId: EXAMPLE_REQUEST_ID,
        ...(example.invalidParams ? { invalidParams: example.invalidParams } : {}),
      },
    },
  },
});
const header = (description: string, example: string, required = true) => ({ description, required, schema: { type: 'string' }, example });
const cacheHeader = (value: string) => header(`Cache-Control; currently \`${value}\`.`, value);
const internalError = (instance: string) =>
  problem('Unexpected failure; nothing internal is disclosed.', {
    status: INTERNAL_ERROR.status,
    title: INTERNAL_ERROR.title,
    detail: INTERNAL_ERROR.detail,
    instance,
  });
/** API Gateway's own throttling answer: its JSON body, not a problem document. */
const throttled = {
  description: 'Throttled: answered by API Gateway itself (stage throttling), with its own JSON body. Retry later, with backoff.',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
      example: { message: 'Too Many Requests' },
    },
  },
};

const dataAsOf = header(
  'The head watermark (ISO 8601, UTC): every transaction created up to this instant and visible upstream when it was read is counted in the body. ' +
    'Absent before the first ingestion. Read at most every 5 s per function container, so it may trail the true watermark by that much, never lead it.',
  '2024-03-16T12:33:11.000Z',
  false,
);
const etag = header(
  'Strong validator of the body (a hash of its bytes). Send it back in `If-None-Match` to get a 304 while the body is unchanged.',
  '"0pXOpM1e7bZq9wS3J8uXUw"',
);
const lastModified = header(
  "When this user's aggregate last changed (the ingestion write that changed a sum), as an HTTP date. Send it back in `If-Modified-Since` to get a 304 " +
    'while it has not changed since (`If-None-Match` wins when both are sent; the ETag is exact, HTTP dates have whole seconds).',
  'Sat, 16 Mar 2024 12:33:11 GMT',
  // Absent only for an aggregate last written before the change time was kept.
  false,
);
const conditionalHeaders = (withLastModified: boolean): JsonObject[] => [
  {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'An ETag of an earlier answer: 304 while the body is unchanged.',
    schema: { type: 'string' },
  },
  ...(withLastModified
    ? [
        {
          name: 'If-Modified-Since',
          in: 'header',
          required: false,
          description: 'A Last-Modified of an earlier answer: 304 while the aggregate has not changed since (ignored when If-None-Match is sent).',
          schema: { type: 'string' },
        },
      ]
    : []),
];

function paths(): JsonObject {
  const signed = [{ [SIGV4]: [] }];
  const docsFile = (description: string, content: JsonObject) => ({ 200: { description, content } });
  return {
    '/aggregatedData/{userId}': {
      get: {
        operationId: 'getUserAggregate',
        tags: ['aggregates'],
        summary: 'The aggregates of one user',
        description:
          'One eventually consistent read. Data is at most ~2 minutes behind the Transaction API; `Data-As-Of` says exactly how far. ' +
          'Conditional requests (`If-None-Match`, `If-Modified-Since`) answer 304 while the aggregate is unchanged.',
        security: signed,
        parameters: [...parameters(userAggregateParamsSchema, 'path'), ...conditionalHeaders(true)],
        responses: {
          200: {
            description: "The user's sums.",
            headers: { 'Cache-Control': cacheHeader(cacheControl.aggregate), ETag: etag, 'Last-Modified': lastModified, 'Data-As-Of': dataAsOf },
            content: { 'application/json': { schema: jsonSchema(userAggregateSchema) } },
          },
          304: {
            description: 'Not modified: the body the client holds (its ETag / Last-Modified) is still current. No body.',
            headers: { ETag: etag, 'Last-Modified': lastModified, 'Data-As-Of': dataAsOf },
          },
          400: problem(`The userId is not ${userIdDomain.rule}.`, {
            status: 400,
            title: 'Bad Request',
            detail: `Invalid path parameter: userId ${userIdDomain.charactersRule}.`,
            instance: '/aggregatedData/07%20092',
            invalidParams: [{ name: 'userId', reason: userIdDomain.charactersRule }],
          }),
          404: problem('No transaction of this user has been aggregated (yet).', {
            status: 404,
            title: 'Not Found',
            detail: 'No transactions of user 074094 have been aggregated.',
            instance: '/aggregatedData/074094',
          }),
          429: throttled,
          500: internalError('/aggregatedData/074092'),
        },
      },
    },
    '/aggregatedData/payouts': {
      get: {
        operationId: 'listPayouts',
        tags: ['aggregates'],
        summary: 'Users with a payout above 0: sorted, filtered, paged',
        description:
          'A page of a sparse index of the users whose payout is above 0 (a Query, never a Scan): `sort=userId` (default) reads the ' +
          'userId-ordered index, `sort=totalPayout` / `sort=-totalPayout` the amount-ordered one, whose key is the amount then the userId; ' +
          '`minTotalPayout` bounds the amount (a key condition when sorted by amount). Every combination pages: when more users may follow, ' +
          'the response carries `Link: </aggregatedData/payouts?limit=…&cursor=…>; rel="next"` (with the same sort and bound); the last page has ' +
          'no Link. With `sort=userId` and `minTotalPayout`, one page reads at most 4,000 index entries, so it may hold fewer than `limit` users ' +
          'and still have a Link. A page costs the same whatever the number of users.',
        security: signed,
        parameters: [...parameters(payoutsQuerySchema, 'query'), ...conditionalHeaders(false)],
        responses: {
          200: {
            description: 'One page of the list (possibly empty).',
            headers: {
              'Cache-Control': cacheHeader(cacheControl.payouts),
              ETag: etag,
              'Data-As-Of': dataAsOf,
              Link: header(
                'RFC 8288 link to the next page, present only when more users may follow.',
                '</aggregatedData/payouts?limit=1000&cursor=MDc0MDky.d5gzpnZ8c6pN>; rel="next"',
                false,
              ),
            },
            content: { 'application/json': { schema: jsonSchema(payoutListSchema) } },
          },
          304: {
            description: "Not modified: this page's body is unchanged since the ETag the client sent. No body.",
            headers: { ETag: etag, 'Data-As-Of': dataAsOf },
          },
          400: problem(
            'limit is not a whole number from 1 to 1000, sort is not one of userId, totalPayout, -totalPayout, minTotalPayout is not a non-negative decimal, or cursor is not one this API issued for this sort and bound; invalidParams names each.',
            {
              status: 400,
              title: 'Bad Request',
              detail: `Invalid query parameter: limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
              instance: '/aggregatedData/payouts',
              invalidParams: [{ name: 'limit', reason: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` }],
            },
          ),
          429: throttled,
          500: internalError('/aggregatedData/payouts'),
        },
      },
    },
    '/status': {
      get: {
        operationId: 'getIngestionStatus',
        tags: ['ingestion'],
        summary: 'Freshness of the aggregates and health of ingestion',
        description: 'Public. Before the first ingestion the answer is still a 200, with watermark, lagSeconds and lastTick null and all counters 0.',
        security: [],
        responses: {
          200: {
            description: 'Where ingestion stands.',
            headers: { 'Cache-Control': cacheHeader(cacheControl.status) },
            content: { 'application/json': { schema: jsonSchema(ingestionStatusSchema) } },
          },
          429: throttled,
          500: internalError('/status'),
        },
      },
    },
    '/api/docs': {
      get: {
        operationId: 'getApiDocs',
        tags: ['documentation'],
        summary: 'This documentation (Swagger UI, served without any CDN)',
        security: [],
        responses: { ...docsFile('The Swagger UI page.', { 'text/html': { schema: { type: 'string' } } }), 429: throttled },
      },
    },
    '/api/docs/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['documentation'],
        summary: 'This OpenAPI document',
        security: [],
        responses: {
          ...docsFile('OpenAPI 3.1, generated from the schemas the handlers validate with.', { 'application/json': { schema: { type: 'object' } } }),
          429: throttled,
        },
      },
    },
    '/api/docs/{file}': {
      get: {
        operationId: 'getApiDocsFile',
        tags: ['documentation'],
        summary: 'A file of the documentation page',
        security: [],
        parameters: [
          {
            name: 'file',
            in: 'path',
            required: true,
            description: 'swagger-ui.css, swagger-ui-bundle.js, swagger-initializer.js or index.html.',
            schema: { type: 'string' },
            example: 'swagger-ui.css',
          },
        ],
        responses: {
          ...docsFile('swagger-ui.css, swagger-ui-bundle.js or swagger-initializer.js (index.html is the page again).', {
            'text/css': { schema: { type: 'string' } },
            'text/javascript': { schema: { type: 'string' } },
            'text/html': { schema: { type: 'string' } },
          }),
          404: problem('No such file.', {
            status: 404,
            title: 'Not Found',
            detail: 'There is no such file in the API documentation.',
            instance: '/api/docs/swagger-ui.min.css',
          }),
        },
      },
    },
  };
}

let document: string | undefined;

/** The document as JSON text, generated once per container. */
export function openApiDocumentJson(): string {
  document ??= JSON.stringify({
    openapi: '3.1.0',
    info: {
      title: 'Transaction aggregation API',
      version: '1.0.0',
      description:
        'Per-user aggregates of the Transaction API, at most 2 minutes behind it. Money is exact decimal: amounts are JSON ' +
        'numbers written digit for digit. Errors are RFC 9457 problem documents. Throttling (429) and missing or invalid ' +
        'signatures (403) are answered by API Gateway itself. Data routes carry `Data-As-Of` (the head watermark) and an ' +
        '`ETag`; conditional requests answer 304.',
      license: { name: 'UNLICENSED (proprietary)', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative to this document (/api/docs/openapi.json): the API root, whatever the stage or domain.
    servers: [{ url: '../..', description: 'This deployment' }],
    tags: [
      { name: 'aggregates', description: 'Per-user sums and the payout list (signed requests).' },
      { name: 'ingestion', description: 'How fresh the aggregates are (public).' },
      { name: 'documentation', description: 'This document and Swagger UI (public).' },
    ],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        [SIGV4]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (IAM authorization of the HTTP API, service `execute-api`). Sign requests with an AWS SDK or ' +
            '`curl --aws-sigv4 "aws:amz:<region>:execute-api"`; the caller needs `execute-api:Invoke` on the route.',
        },
      },
    },
  });
  return document;
}
