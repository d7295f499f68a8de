import * as path from 'path';
import { active, evaluate } from './engine';
import { Manifest, Resource, annotationSuppressions } from './model';
import { READINESS_REPORT_FILE, reportJson, writeReports } from './reports';
import { Finding, Level, PodSecurityLevel, ReadinessOptions } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

/** How errors in the plugin's properties name their place. */
const PLUGIN_PLACE = 'cdk8s.yaml validations: ProductionReadinessValidation properties';

/**
 * The part of cdk8s-cli's validation context this plugin uses
 * (cdk8s-cli/lib/plugins/validation.d.ts: ValidationContext), declared here
 * so that the library does not depend on the CLI at run time.
 *
 * JavaScript only, whatever language the app is written in: cdk8s-cli loads
 * the plugin into its own Node.js process from cdk8s.yaml, so it is not part
 * of the jsii API.
 * @jsii ignore
 */
export interface ValidationContextLike {
  /** The synthesized manifest files. */
  readonly manifests: readonly string[];
  /** The documents of one manifest file. */
  parseManifest(manifestPath: string): Manifest[];
  /** Where violations and the verdict go. */
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  /** The CLI's log. */
  readonly logger: { log(message: string): void };
}

/**
 * Properties of the plugin, from `properties:` in cdk8s.yaml.
 *
 * JavaScript only, whatever language the app is written in: cdk8s-cli loads
 * the plugin into its own Node.js process from cdk8s.yaml, so it is not part
 * of the jsii API.
 * @jsii ignore
 */
export interface ProductionReadinessValidationProps {
  /**
   * Health-check requests per second one pod may receive before OBS-HCL1 warns.
   * @default 1
   */
  readonly healthCheckBudgetRps?: number;
  /**
   * The Pod Security Standards profile the pods are checked against.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The profile's policy version: `latest` or `v1.<minor>`.
   * @default 'latest' - v1.37
   */
  readonly podSecurityVersion?: string;
  /**
   * Report warnings as violations too (they never fail synth).
   * @default true
   */
  readonly reportWarnings?: boolean;
}

/**
 * The production-readiness rules as a cdk8s validation plugin. It reads the
 * synthesized YAML, so it also checks manifests not built with this library
 * (plain cdk8s-plus, imported YAML). Error-level findings fail `cdk8s synth`.
 * The reports (production-readiness.json, .sarif, .junit.xml) are written
 * next to the manifests.
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-observable        # or a path, such as ./node_modules/cdk8s-observable
 *     version: 0.1.0
 *     class: ProductionReadinessValidation
 * ```
 *
 * JavaScript only, whatever language the app is written in: cdk8s-cli loads
 * the plugin into its own Node.js process from cdk8s.yaml, so it is not part
 * of the jsii API.
 * @jsii ignore
 */
export class ProductionReadinessValidation {
  private readonly options: ReadinessOptions;

  constructor(private readonly props: ProductionReadinessValidationProps = {}) {
    this.options = { healthCheckBudgetRps: props.healthCheckBudgetRps, podSecurity: props.podSecurity, podSecurityVersion: props.podSecurityVersion };
    // Wrong properties fail when cdk8s-cli loads the plugin, naming them.
    evaluate([], this.options, PRODUCTION_READINESS_RULES, PLUGIN_PLACE);
  }

  /** Runs the rules over the synthesized manifests and reports to the CLI; error-level findings fail synth. */
  public async validate(context: ValidationContextLike): Promise<void> {
    const resources: Resource[] = context.manifests.flatMap((file) => context.parseManifest(file)
      .filter((m) => m && typeof m === 'object')
      .map((manifest) => ({ manifest, file, suppressions: annotationSuppressions(manifest) })));
    const findings = evaluate(resources, this.options, PRODUCTION_READINESS_RULES, PLUGIN_PLACE);
    const reported = active(findings).filter((f) => f.level === Level.ERROR || (this.props.reportWarnings ?? true));
    const byRule = new Map<string, Finding[]>();
    for (const f of reported) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, group] of byRule) {
      const first = group[0];
      context.report.addViolation({
        ruleName: `${ruleId} ${first.title} (${first.level})`,
        recommendation: first.explanation,
        fix: first.fix,
        // The full id as resource name: cdk8s-cli maps names to construct paths by name alone, which is ambiguous across kinds.
        violatingResources: group.map((f) => ({ resourceName: f.resource, locations: [`${f.resource}: ${f.message}`], manifestPath: f.file ?? '' })),
      });
    }
    const summary = reportJson(findings).summary;
    if (context.manifests.length > 0) writeReports(path.dirname(context.manifests[0]), findings);
    if (summary.suppressed > 0) context.logger.log(`Production readiness: ${summary.suppressed} finding(s) suppressed with a written reason (listed in ${READINESS_REPORT_FILE})`);
    context.report.submit(summary.errors > 0 ? 'failure' : 'success', Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, String(v)])));
  }
}
