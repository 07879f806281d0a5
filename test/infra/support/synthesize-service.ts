import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { serviceApp } from '../../../infra/service-app';
import type { CheckResult } from '../../../infra/stacks/policy-checks';
import type { TransactionAggregationStack } from '../../../infra/stacks/transaction-aggregation-stack';

/** The context cdk.json gives `cdk synth` (the CLI passes it; `new App()` in a test does not). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.resolve(__dirname, '../../../cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface SynthesizedService {
  app: App;
  stack: TransactionAggregationStack;
  template: Template;
  /** What cdk-nag and the Control Tower controls found in this synth (which fails on an unacknowledged finding). */
  checks: CheckResult;
  /** Logical ID of a construct's CloudFormation resource (its default child for L2s). */
  logicalId(construct: IConstruct): string;
}

/**
 * Synthesizes the service as `cdk synth` would (cdk.json context plus `overrides`, cdk-nag and the
 * Control Tower controls), without bundling the functions and without reading the test process's environment.
 */
export function synthesizeService(overrides: Record<string, unknown> = {}): SynthesizedService {
  const { app, stack, checks } = serviceApp({ context: { ...cdkJsonContext(), ...overrides, 'aws:cdk:bundling-stacks': [] } }, {});
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    checks: checks.result(app.outdir),
    logicalId: (construct) => {
      const element = (construct.node.defaultChild ?? construct) as CfnElement;
      return Stack.of(element).resolve(element.logicalId) as string;
    },
  };
}
