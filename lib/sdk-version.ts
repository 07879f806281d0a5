import { logger } from './logging';

/**
 * The AWS SDK in production: the functions keep `@aws-sdk/*` external and use the Lambda
 * runtime's copy (bundling the DynamoDB clients would add ~4× a read function's own code and
 * push it past 150 KB; the bench shows both, see test/bench/scenarios/bundles.ts). The price is
 * that production may run another SDK version than the tests did, so every container says which
 * one it loaded, once, at init: `TESTED_AWS_SDK_VERSION` is the version the tests ran with,
 * written into the bundle at synth (infra/stacks/service-function.ts).
 */
export function runtimeSdkVersion(): string | undefined {
  try {
    // Resolved at run time (external): the runtime's copy in Lambda, node_modules elsewhere.
    return (require('@aws-sdk/client-dynamodb/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

let reported = false;

/** Logs the runtime SDK version next to the tested one (a warning when they differ). Once per container. */
export function reportSdkVersion(tested = process.env.TESTED_AWS_SDK_VERSION): void {
  if (reported) return;
  reported = true;
  const runtime = runtimeSdkVersion();
  const facts = { awsSdkClientDynamodb: runtime ?? 'not found', testedWith: tested ?? 'unknown' };
  if (tested !== undefined && runtime !== tested) logger.warn('AWS SDK of the runtime differs from the tested one', facts);
  else logger.info('AWS SDK of the runtime', facts);
}
