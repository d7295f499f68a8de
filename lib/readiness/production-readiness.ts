import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SUPPRESS_ANNOTATION_PREFIX } from '../common/annotations';
import { ConfigurationError, PropProblem, quote } from '../common/errors';
import { addValidationLast, constructsUnder, jsonOncePerSynthesis, oncePerSynthesis, watchSynthesisCalls } from '../common/synthesis';
import { evaluate, failures } from './engine';
import { Resource, annotationSuppressions } from './model';
import { formatTable, writeReports } from './reports';
import { Finding, MIN_SUPPRESSION_REASON_LENGTH, ReadinessOptions } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';
import { SUPPRESSION_RULE_ID } from './rules/suppressions';

/** Metadata type under which suppressions are recorded on constructs (for `cdk8s synth` construct metadata and debugging). */
const SUPPRESSION_METADATA = 'cdk8s-observable:readiness-suppression';

/** Options of {@link ProductionReadiness.enforce}. */
export interface EnforceOptions extends ReadinessOptions {
  /**
   * Directory of the reports (production-readiness.json, .sarif, .junit.xml).
   * @default - the app's output directory
   */
  readonly outdir?: string;
  /**
   * Print the table to the console.
   * @default true
   */
  readonly printTable?: boolean;
}

/** Enforce calls so far, numbering their results. */
let enforceCalls = 0;

/** The ApiObjects each `suppress` call stamped, by scope and rule, to find objects made after it. */
const stamped = new WeakMap<IConstruct, Map<string, WeakSet<ApiObject>>>();
/** The scope whose `suppress` call wrote an object's suppression annotation, by rule. */
const suppressedBy = new WeakMap<ApiObject, Map<string, string>>();

/**
 * Production-readiness rules at synth time (resources, probes, pinned images,
 * security, placement, capacity, the front proxy's health checks and their
 * load), over the manifests a construct tree synthesizes.
 */
export class ProductionReadiness {
  /** The findings for every API object under `scope`, suppressed ones marked. */
  public static check(scope: IConstruct, options: ReadinessOptions = {}): Finding[] {
    return evaluate(resourcesUnder(scope, false), options, PRODUCTION_READINESS_RULES, scope.node.path || 'app');
  }

  /**
   * Runs the rules when the app synthesizes: prints the table, writes the
   * reports (`production-readiness.json`, `.sarif` for code scanning,
   * `.junit.xml` for CI test tabs) to the output directory, and fails synth
   * on any error-level finding that is not suppressed. The rules run once per
   * synthesis (cdk8s validates once per chart written; the result is shared)
   * and change nothing in the construct tree. The options are checked at once.
   */
  public static enforce(scope: IConstruct, options: EnforceOptions = {}): void {
    // Checked now, so that a wrong option fails where it is written, not at synth.
    evaluate([], options, PRODUCTION_READINESS_RULES, scope.node.path || 'app');
    watchSynthesisCalls(scope);
    // Each enforce call has its own result (two may write their reports to two folders).
    const key = `readiness:${scope.node.path}:${++enforceCalls}`;
    const run = (): string[] => {
      // A session lasts one synthesis call: a construct added or changed before the next call is seen.
      return oncePerSynthesis(scope, key, () => {
        // Each object's JSON is built once, for the rules and for cdk8s's writer (the rules run last
        // in the validation pass, after every other validation has had its say).
        const findings = evaluate(resourcesUnder(scope, true), options, PRODUCTION_READINESS_RULES, scope.node.path || 'app');
        if (options.printTable ?? true) console.log(formatTable(findings));
        writeReports(options.outdir ?? App.of(scope).outdir, findings);
        return failures(findings).map((f) => `${f.constructPath ?? f.resource}: ${f.ruleId} ${f.title}: ${f.message}. Fix: ${f.fix}`);
      });
    };
    // cdk8s validates the constructs in tree order (cdk8s/lib/app.js `validate`), so a rule run at the
    // scope's validation would read objects a later validation may still change: the scope's
    // validation hands the run to the last construct of the app, whose validations come last.
    addValidationLast(scope, run);
  }

  /**
   * Suppresses a rule for `scope` and everything under it, with a written
   * reason (at least 10 characters). Suppressed findings stay in the report,
   * marked. The suppression is written at once on each API object under
   * `scope` as the annotation `observable.cdk8s.io/suppress.<RULE-ID>`, so the
   * validation plugin honours it too; call it after the objects are built
   * (synth fails, naming the object, for one made later under the scope).
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const known = PRODUCTION_READINESS_RULES.map((r) => r.id).filter((id) => id !== SUPPRESSION_RULE_ID);
    const problems: PropProblem[] = [];
    if (!known.includes(ruleId)) {
      problems.push({ prop: 'ruleId', problem: `(${quote(ruleId)}) is not a rule that can be suppressed`, fix: `use one of ${known.join(', ')} (${SUPPRESSION_RULE_ID}, on suppressions themselves, cannot be)` });
    }
    if (reason.trim().length < MIN_SUPPRESSION_REASON_LENGTH) {
      problems.push({ prop: 'reason', problem: `(${quote(reason)}) is shorter than ${MIN_SUPPRESSION_REASON_LENGTH} characters`, fix: 'write why the rule does not apply here, for the next reader' });
    }
    if (problems.length > 0) throw new ConfigurationError(scope.node.path, problems);
    const text = reason.trim();
    scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: text });
    const byRule = stamped.get(scope) ?? new Map<string, WeakSet<ApiObject>>();
    stamped.set(scope, byRule);
    const objects = byRule.get(ruleId) ?? new WeakSet<ApiObject>();
    byRule.set(ruleId, objects);
    for (const o of apiObjectsUnder(scope)) {
      // The nearest scope's reason wins: a suppression on a child, stamped earlier, is kept.
      if (!nearerSuppression(o, scope, ruleId)) {
        o.metadata.addAnnotation(`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`, text);
        const scopes = suppressedBy.get(o) ?? new Map<string, string>();
        scopes.set(ruleId, scope.node.path || 'app');
        suppressedBy.set(o, scopes);
      }
      objects.add(o);
    }
    if (!hasSuppressionCheck(scope)) {
      scope.node.addMetadata(SUPPRESSION_CHECK, true);
      scope.node.addValidation({ validate: () => lateObjects(scope) });
    }
  }
}

const SUPPRESSION_CHECK = 'cdk8s-observable:readiness-suppression-check';

function hasSuppressionCheck(scope: IConstruct): boolean {
  return scope.node.metadata.some((m) => m.type === SUPPRESSION_CHECK);
}

/** Whether a scope between `object` and `scope` suppressed `ruleId` itself. */
function nearerSuppression(object: ApiObject, scope: IConstruct, ruleId: string): boolean {
  const scopes = object.node.scopes;
  const from = scopes.indexOf(scope);
  return scopes.slice(from + 1).some((s) => s.node.metadata.some((m) => m.type === SUPPRESSION_METADATA && (m.data as { ruleId: string }).ruleId === ruleId));
}

/** Objects made under a suppressed scope after `suppress` ran: their YAML would lack the suppression. */
function lateObjects(scope: IConstruct): string[] {
  const byRule = stamped.get(scope);
  if (!byRule) return [];
  const problems: string[] = [];
  const all = apiObjectsUnder(scope, true);
  for (const [ruleId, objects] of byRule) {
    for (const o of all) {
      if (!objects.has(o)) {
        problems.push(`${o.node.path}: was made after ProductionReadiness.suppress(${scope.node.path}, '${ruleId}'), so its manifest does not carry the suppression. `
          + 'Fix: call ProductionReadiness.suppress after building everything under the scope');
      }
    }
  }
  return problems;
}

/** The API objects under `scope`; `duringSynthesis`: from the session's list of constructs. */
function apiObjectsUnder(scope: IConstruct, duringSynthesis = false): ApiObject[] {
  return (duringSynthesis ? constructsUnder(scope) : scope.node.findAll()).filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/**
 * The file cdk8s writes an object to, relative to the output directory
 * (cdk8s lib/app.js `App.synth`: one file per app, per chart, per resource,
 * or a folder per chart). When charts depend on each other cdk8s prefixes
 * chart files with an index, which is not known before synthesis: the name
 * is then the unprefixed one.
 */
function manifestFile(object: ApiObject, manifest: Record<string, unknown>, chartLabels: Map<Chart, string>): string | undefined {
  const app = object.node.root;
  if (!(app instanceof App)) return undefined;
  const resourceFile = () => `${`${manifest.kind}.${(manifest.metadata as { name?: string } | undefined)?.name}`.replace(/[^0-9a-zA-Z-_.]/g, '')}${app.outputFileExtension}`;
  const chart = () => {
    // The chart's label is a hash of its path (cdk8s Names.toDnsLabel): worked out once per chart.
    const of = Chart.of(object);
    let label = chartLabels.get(of);
    if (label === undefined) chartLabels.set(of, label = Names.toDnsLabel(of));
    return label;
  };
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP: return `app${app.outputFileExtension}`;
    case YamlOutputType.FILE_PER_RESOURCE: return resourceFile();
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: return `${chart()}/${resourceFile()}`;
    default: return `${chart()}${app.outputFileExtension}`;
  }
}

/**
 * Every API object under `scope` as a rule input; suppressions are read from
 * the manifest, as the plugin reads them. `duringSynthesis`: the JSON is
 * built once and shared with cdk8s's writer (jsonOncePerSynthesis).
 */
function resourcesUnder(scope: IConstruct, duringSynthesis: boolean): Resource[] {
  const chartLabels = new Map<Chart, string>();
  return apiObjectsUnder(scope, duringSynthesis).map((object) => {
    const manifest = (duringSynthesis ? jsonOncePerSynthesis(object) : object.toJson()) as Record<string, unknown>;
    return { manifest, constructPath: object.node.path, file: manifestFile(object, manifest, chartLabels), suppressions: annotationSuppressions(manifest), suppressedBy: suppressedBy.get(object) };
  });
}
