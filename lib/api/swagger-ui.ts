import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Swagger UI served by the docs Lambda itself (no CDN): our page and initializer, plus two files
 * of the swagger-ui-dist package read from disk once per container.
 *
 * Where those files are: SWAGGER_UI_DIST_DIR if set; in Lambda, `swagger-ui-dist/` beside the
 * bundle (the CDK bundling copies them there, see SWAGGER_UI_FILES); elsewhere the installed package.
 */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js'] as const;
export type SwaggerUiFile = (typeof SWAGGER_UI_FILES)[number];

/** The folder name, beside the Lambda bundle, that the bundling step copies SWAGGER_UI_FILES into. */
export const BUNDLED_SWAGGER_UI_DIR = 'swagger-ui-dist';

export function swaggerUiDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWAGGER_UI_DIST_DIR) return env.SWAGGER_UI_DIST_DIR;
  if (env.LAMBDA_TASK_ROOT) return join(env.LAMBDA_TASK_ROOT, BUNDLED_SWAGGER_UI_DIR);
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

export const isSwaggerUiFile = (name: string): name is SwaggerUiFile => (SWAGGER_UI_FILES as readonly string[]).includes(name);

/** Reads each file at most once per container. */
export function swaggerUiFiles(directory: () => string = swaggerUiDirectory): (file: SwaggerUiFile) => string {
  const cache = new Map<SwaggerUiFile, string>();
  return (file) => {
    let text = cache.get(file);
    if (text === undefined) {
      text = readFileSync(join(directory(), file), 'utf8');
      cache.set(file, text);
    }
    return text;
  };
}

/**
 * The page. Asset URLs are relative so the page works under any stage or domain prefix:
 * `prefix` is `docs/` when served at …/api/docs and empty when served at …/api/docs/.
 */
export const swaggerUiPage = (prefix: string): string => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Transaction aggregation API</title>
  <link rel="stylesheet" href="${prefix}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="${prefix}openapi.json"></div>
  <script src="${prefix}swagger-ui-bundle.js" charset="utf-8"></script>
  <script src="${prefix}swagger-initializer.js" charset="utf-8"></script>
</body>
</html>
`;

/** Starts Swagger UI on the document named by the page (a file, so no inline script is needed). */
export const swaggerUiInitializer = `window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-openapi-url'),
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/** The page loads only our own files; Swagger UI sets inline styles and uses data: images. */
export const swaggerUiContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
