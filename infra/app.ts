import { serviceApp } from './service-app';

/**
 * `cdk synth` / `cdk deploy` entry (cdk.json). A quiet synth: on stderr one line saying what was
 * checked (infra/stacks/policy-checks.ts), or what stopped it. A configuration error ends the
 * synth with its message alone; unacknowledged findings with the validation report.
 */
const stderrWrite = process.stderr.write.bind(process.stderr);
let bundled = 0;
// The CDK core announces each asset it bundles ("Bundling asset <path>...") on stderr, unconditionally: count them instead.
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (/^Bundling asset \S+\.\.\.\n$/.test(String(chunk))) {
    bundled += 1;
    return true;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the rest of write's overloads (encoding, callback), passed on untouched.
  return stderrWrite(chunk, ...(rest as [any]));
}) as typeof process.stderr.write;

try {
  const { app, checks } = serviceApp();
  const assembly = app.synth();
  stderrWrite(`${checks.summary(assembly.directory)}${bundled > 0 ? ` ${bundled} functions bundled.` : ''}\n`);
} catch (error) {
  if (!(error instanceof Error)) throw error;
  if (error.message.startsWith('Invalid deployment configuration')) {
    stderrWrite(`\n${error.message}\n\n`);
    process.exit(1);
  }
  // The validation report is already on stderr; the error adds where its copy is.
  if (error.message.startsWith('Validation failed')) {
    stderrWrite(`\n${error.message}\n\n`);
    process.exit(1);
  }
  throw error;
}
