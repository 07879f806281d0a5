import { apiDocsEndpoint } from '../lib/api/endpoints/api-docs';
import { cacheControl } from '../lib/http/cache-control';
import { readApiHandler } from '../lib/http/read-api-handler';

/**
 * GET /api/docs and /api/docs/{proxy+}: Swagger UI and the OpenAPI document. Bundling must copy
 * SWAGGER_UI_FILES of swagger-ui-dist into `swagger-ui-dist/` beside the bundle (lib/api/swagger-ui.ts).
 */
export const handler = readApiHandler(apiDocsEndpoint(), { cacheControl: cacheControl.docs });
