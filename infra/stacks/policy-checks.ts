import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type IApplyRule, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The name of the Control Tower validator plugin, which is also the namespace of its rule ids:
 * `Validations.of(x).acknowledge({ id: controlTowerRule('lambda_inside_vpc_check'), ... })`.
 */
const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/** The id to acknowledge a Control Tower proactive control (a cfn-guard rule name) with. */
export const controlTowerRule = (ruleName: string): string => `${CONTROL_TOWER_PLUGIN}::${ruleName}`;

const violatingResourceCount = (report: PolicyValidationPluginReport): number =>
  report.violations.reduce((sum, violation) => sum + violation.violatingResources.length, 0);

/**
 * cdk-nag's AWS Solutions pack, also counting every finding it meets: cdk-nag drops acknowledged
 * findings itself, so what it reports is the unacknowledged ones, and found − reported the acknowledged.
 */
class CountingAwsSolutionsChecks extends AwsSolutionsChecks {
  found = 0;
  unacknowledged = 0;

  override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.found = 0;
    const report = super.validateScope(scope);
    this.unacknowledged = violatingResourceCount(report);
    return report;
  }

  protected override applyRule(params: IApplyRule): void {
    const { rule } = params;
    const counted = (node: Parameters<IApplyRule['rule']>[0]) => {
      try {
        const result = rule(node);
        if (result === NagRuleCompliance.NON_COMPLIANT) this.found += 1;
        else if (Array.isArray(result)) this.found += result.length;
        return result;
      } catch (error) {
        this.found += 1;
        throw error;
      }
    };
    // cdk-nag names the finding after the rule function's name.
    Object.defineProperty(counted, 'name', { value: rule.name });
    super.applyRule({ ...params, rule: counted });
  }
}

/**
 * The AWS Control Tower proactive controls (cfn-guard rules) over the synthesized templates. The
 * validator reports its findings without a severity; the CDK core, once it has dropped the
 * acknowledged ones, fails the synth only on the remaining findings of severity `error`, so without
 * one an unacknowledged finding would pass whenever another was acknowledged. Each finding is an error here.
 */
class ControlTowerChecks implements IPolicyValidationPlugin {
  private readonly validator = new CfnGuardValidator();
  readonly name = this.validator.name;
  readonly version = this.validator.version;
  readonly ruleIds = this.validator.ruleIds;

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.validator.validate(context);
    return { ...report, violations: report.violations.map((violation) => ({ ...violation, severity: violation.severity ?? 'error' })) };
  }
}

/** A finding as the CDK's validation report (validation-report.json) lists it. */
interface ReportedViolation {
  ruleName: string;
  violatingConstructs: Array<{ constructPath?: string }>;
}

interface ValidationReport {
  pluginReports: Array<{ pluginName: string; violations: ReportedViolation[]; suppressedViolations?: ReportedViolation[] }>;
}

/** One finding of a rule on one resource: `rule at construct path`. */
const findingsOf = (violations: ReportedViolation[] = []): string[] =>
  violations.flatMap((violation) => violation.violatingConstructs.map((construct) => `${violation.ruleName} at ${construct.constructPath ?? '?'}`));

export interface CheckResult {
  nag: { acknowledged: number; unacknowledged: number };
  /** The Control Tower findings, each `rule at construct path`. */
  controlTower: { acknowledged: string[]; unacknowledged: string[] };
}

/**
 * The checks every synth runs (infra/service-app.ts registers them): cdk-nag's AWS Solutions pack and
 * the AWS Control Tower proactive controls (cfn-guard rules over the synthesized templates). A
 * finding that is neither fixed nor acknowledged fails the synth.
 */
export class PolicyChecks {
  private readonly nag: CountingAwsSolutionsChecks;
  private readonly controlTower = new ControlTowerChecks();

  constructor(app: IConstruct) {
    if (this.controlTower.name !== CONTROL_TOWER_PLUGIN)
      throw new Error(`the Control Tower validator is now named ${this.controlTower.name}: update CONTROL_TOWER_PLUGIN`);
    this.nag = new CountingAwsSolutionsChecks(app);
  }

  get plugins(): IPolicyValidationPlugin[] {
    return [this.nag, this.controlTower];
  }

  /**
   * What the last synth found. cdk-nag drops acknowledged findings itself (counted here); the CDK
   * core drops the Control Tower ones and lists them in the assembly's validation-report.json.
   */
  result(assemblyDirectory: string): CheckResult {
    const reportFile = path.join(assemblyDirectory, 'validation-report.json');
    const report = (existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] }) as ValidationReport;
    const controlTower = report.pluginReports.filter((plugin) => plugin.pluginName === CONTROL_TOWER_PLUGIN);
    return {
      nag: { acknowledged: this.nag.found - this.nag.unacknowledged, unacknowledged: this.nag.unacknowledged },
      controlTower: {
        acknowledged: controlTower.flatMap((plugin) => findingsOf(plugin.suppressedViolations)),
        unacknowledged: controlTower.flatMap((plugin) => findingsOf(plugin.violations)),
      },
    };
  }

  /** The one line a synth prints: what was checked, and what was found. */
  summary(assemblyDirectory: string): string {
    const { nag, controlTower } = this.result(assemblyDirectory);
    const acknowledged = nag.acknowledged + controlTower.acknowledged.length;
    const unacknowledged = nag.unacknowledged + controlTower.unacknowledged.length;
    return (
      `Checked by cdk-nag (AWS Solutions) and the AWS Control Tower proactive controls (${this.controlTower.ruleIds?.length ?? 0} cfn-guard rules): ` +
      `${unacknowledged} unacknowledged finding${unacknowledged === 1 ? '' : 's'}; ` +
      `${acknowledged} acknowledged (cdk-nag ${nag.acknowledged}, Control Tower ${controlTower.acknowledged.length}), each with its reason in the code (infra/README.md, "Security review").`
    );
  }
}
