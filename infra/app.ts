import { serviceApp } from './service-app';

/** `cdk synth` / `cdk deploy` entry (cdk.json). A configuration error ends the synth with its message alone. */
try {
  serviceApp();
} catch (error) {
  if (!(error instanceof Error) || !error.message.startsWith('Invalid deployment configuration')) throw error;
  process.stderr.write(`\n${error.message}\n\n`);
  process.exit(1);
}
