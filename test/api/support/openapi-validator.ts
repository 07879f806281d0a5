import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { openApiDocumentJson } from '../../../lib/api/openapi-document';
import { getEvent, header, lambdaContext, type Handler } from './http-events';

/** Just the parts of an OpenAPI 3.1 document this validator reads. */
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components: { schemas: Record<string, object> };
}
interface OpenApiResponse {
  content?: Record<string, { schema: object }>;
  headers?: Record<string, { required?: boolean; schema: object }>;
}

export const openApiDocument = JSON.parse(openApiDocumentJson()) as OpenApiDocument;

/** The document's JSON Schemas (3.1 = JSON Schema 2020-12) compiled by ajv, components as $defs. */
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addKeyword('example');
const withLocalRefs = <T>(schema: T): T => JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/')) as T;
const $defs = withLocalRefs(openApiDocument.components.schemas);
const compiled = new Map<string, ValidateFunction>();
const validatorFor = (key: string, schema: object): ValidateFunction => {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ ...withLocalRefs(schema), $defs });
    compiled.set(key, validate);
  }
  return validate;
};

/** The OpenAPI path template a request path answers to (literal paths win, as in the gateway). */
export function documentedPath(path: string): string {
  const templates = Object.keys(openApiDocument.paths).sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')));
  const found = templates.find((template) => new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
  if (!found) throw new Error(`${path} is not in the OpenAPI document`);
  return found;
}

/**
 * Problems with a response measured against the OpenAPI document: documented status, media type
 * and headers, and a body that validates against the documented schema. Empty when it conforms.
 */
export function openApiViolations(path: string, result: APIGatewayProxyStructuredResultV2): string[] {
  const template = documentedPath(path.split('?')[0]);
  const status = String(result.statusCode);
  const response = openApiDocument.paths[template].get?.responses[status];
  if (!response) return [`status ${status} is not documented for GET ${template}`];
  const violations: string[] = [];
  for (const [name, spec] of Object.entries(response.headers ?? {})) {
    const value = header(result, name);
    if (value === undefined) {
      if (spec.required) violations.push(`missing required header ${name}`);
      continue;
    }
    const validate = validatorFor(`${template} ${status} header ${name}`, spec.schema);
    if (!validate(value)) violations.push(`header ${name}: ${ajv.errorsText(validate.errors)}`);
  }
  // A documented response without content (304) has no body.
  if (!response.content) return result.body ? [...violations, `status ${status} of GET ${template} has no documented body`] : violations;
  const mediaType = (header(result, 'content-type') ?? '').split(';')[0].trim();
  const content = response.content?.[mediaType];
  if (!content) return [...violations, `media type "${mediaType}" is not documented for ${status} of GET ${template}`];
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  let body: unknown = result.body;
  if (isJson) {
    try {
      body = JSON.parse(result.body ?? '');
    } catch {
      return [...violations, 'body is not JSON'];
    }
  }
  const validate = validatorFor(`${template} ${status} ${mediaType}`, content.schema);
  if (!validate(body)) violations.push(`body: ${ajv.errorsText(validate.errors)}`);
  return violations;
}

/** Fails the test with every violation listed. */
export function expectConformsToOpenApi(path: string, result: APIGatewayProxyStructuredResultV2): void {
  const violations = openApiViolations(path, result);
  if (violations.length > 0) throw new Error(`GET ${path} → ${result.statusCode} violates the OpenAPI document:\n  ${violations.join('\n  ')}`);
}

/** Invokes a handler with `GET url` as API Gateway would, and checks the answer against the OpenAPI document. */
export async function getConforming(
  handler: Handler,
  url: string,
  overrides: Partial<APIGatewayProxyEventV2> = {},
): Promise<APIGatewayProxyStructuredResultV2> {
  const result = await handler(getEvent(url, overrides), lambdaContext());
  expectConformsToOpenApi(url, result);
  return result;
}
