import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { cacheControl } from '../../http/cache-control';
import { NotFound } from '../../http/problems';
import type { ReadEndpoint } from '../../http/read-api-handler';
import { openApiDocumentJson } from '../openapi-document';
import { isSwaggerUiFile, swaggerUiContentSecurityPolicy, swaggerUiFiles, swaggerUiInitializer, swaggerUiPage, type SwaggerUiFile } from '../swagger-ui';

const contentTypes: Record<SwaggerUiFile, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const file = (body: string, contentType: string, cache: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 200,
  headers: { 'Content-Type': contentType, 'Cache-Control': cache, ...headers },
  body,
});

/**
 * GET /api/docs and /api/docs/{proxy+}: the Swagger UI page, its initializer, the OpenAPI
 * document and Swagger UI's own files; any other name is a 404.
 */
export const apiDocsEndpoint =
  (readSwaggerUiFile: (name: SwaggerUiFile) => string = swaggerUiFiles(), document: () => string = openApiDocumentJson): ReadEndpoint =>
  async (event) => {
    const name = event.pathParameters?.proxy ?? '';
    if (name === '' || name === 'index.html') {
      const rawPath = event.rawPath ?? '';
      // Relative asset URLs: from …/docs they need the "docs/" segment, from …/docs/ they do not.
      const prefix = rawPath.endsWith('/') || name === 'index.html' ? '' : `${rawPath.split('/').pop()}/`;
      return file(swaggerUiPage(prefix), 'text/html; charset=utf-8', cacheControl.docs, { 'Content-Security-Policy': swaggerUiContentSecurityPolicy });
    }
    if (name === 'openapi.json') return file(document(), 'application/json', cacheControl.docs);
    if (name === 'swagger-initializer.js') return file(swaggerUiInitializer, 'text/javascript; charset=utf-8', cacheControl.docs);
    if (isSwaggerUiFile(name)) return file(readSwaggerUiFile(name), contentTypes[name], cacheControl.docsAsset);
    throw new NotFound('There is no such file in the API documentation.');
  };
