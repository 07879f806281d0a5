import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLED_SWAGGER_UI_DIR, SWAGGER_UI_FILES } from '../../lib/api/swagger-ui';

/**
 * The api-docs function reads Swagger UI's stylesheet and script from `swagger-ui-dist/` beside
 * its bundle (lib/api/swagger-ui.ts): copy them there from the installed package after esbuild.
 */
export function apiDocsBundling(): Partial<BundlingOptions> {
  const packageDirectory = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => [
        `mkdir -p "${path.join(outputDir, BUNDLED_SWAGGER_UI_DIR)}"`,
        ...SWAGGER_UI_FILES.map((file) => `cp "${path.join(packageDirectory, file)}" "${path.join(outputDir, BUNDLED_SWAGGER_UI_DIR, file)}"`),
      ],
    },
    // In Lambda the files are found through LAMBDA_TASK_ROOT; the require.resolve fallback is for local runs.
    esbuildArgs: { '--log-override:require-resolve-not-external': 'silent' },
  };
}
