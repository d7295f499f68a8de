import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SUPPRESS_ANNOTATION_PREFIX } from '../common/annotations';
import { ConfigurationError, PropProblem, quote } from '../common/errors';
import { oncePerSynthesis } from '../common/synthesis';
import { active, evaluate, formatTable, reportJson } from './engine';
import { Resource, annotationSuppressions } from './model';
import { Finding, Level, ReadinessOptions } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

/** Metadata type under which suppressions are recorded on constructs (for `cdk8s synth` construct metadata and debugging). */
const SUPPRESSION_METADATA = 'cdk8s-observable:readiness-suppression';
/** Shortest accepted reason. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;
/** The report file written by `enforce`. */
export const READINESS_REPORT_FILE = 'production-readiness.json';

/** Options of {@link ProductionReadiness.enforce}. */
export interface EnforceOptions extends ReadinessOptions {
  /**
   * Directory of the JSON report.
   * @default - the app's output directory
   */
  readonly outdir?: string;
  /**
   * Print the table to the console.
   * @default true
   */
  readonly printTable?: boolean;
}

/** The ApiObjects each `suppress` call stamped, by scope and rule, to find objects made after it. */
const stamped = new WeakMap<IConstruct, Map<string, WeakSet<ApiObject>>>();

/**
 * Production-readiness rules at synth time (resources, probes, pinned images,
 * security, placement, capacity, the front proxy's health checks and their
 * load), over the manifests a construct tree synthesizes.
 */
export class ProductionReadiness {
  /** The findings for every API object under `scope`, suppressed ones marked. */
  public static check(scope: IConstruct, options: ReadinessOptions = {}): Finding[] {
    return evaluate(resourcesUnder(scope), options);
  }

  /**
   * Runs the rules when the app synthesizes: prints the table, writes
   * `production-readiness.json` to the output directory, and fails synth on
   * any error-level finding that is not suppressed. The rules run once per
   * synthesis (cdk8s validates once per chart written; the result is shared)
   * and change nothing in the construct tree.
   */
  public static enforce(scope: IConstruct, options: EnforceOptions = {}): void {
    scope.node.addValidation({
      validate: () => {
        // The tree's size is part of the key: a construct added between two synthesis calls of one task is seen.
        const key = `readiness:${scope.node.path}:${scope.node.findAll().length}`;
        return oncePerSynthesis(scope, key, () => {
          const findings = evaluate(resourcesUnder(scope), options);
          if (options.printTable ?? true) console.log(formatTable(findings));
          const outdir = options.outdir ?? App.of(scope).outdir;
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(path.join(outdir, READINESS_REPORT_FILE), `${JSON.stringify(reportJson(findings), null, 2)}\n`);
          return active(findings).filter((f) => f.level === Level.ERROR)
            .map((f) => `${f.constructPath ?? f.resource}: ${f.ruleId} ${f.title}: ${f.message}. Fix: ${f.fix}`);
        });
      },
    });
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
    const known = PRODUCTION_READINESS_RULES.map((r) => r.id);
    const problems: PropProblem[] = [];
    if (!known.includes(ruleId)) problems.push({ prop: 'ruleId', problem: `(${quote(ruleId)}) is not a rule of the pack`, fix: `use one of ${known.join(', ')}` });
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
      if (!nearerSuppression(o, scope, ruleId)) o.metadata.addAnnotation(`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`, text);
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
  for (const [ruleId, objects] of byRule) {
    for (const o of apiObjectsUnder(scope)) {
      if (!objects.has(o)) {
        problems.push(`${o.node.path}: was made after ProductionReadiness.suppress(${scope.node.path}, '${ruleId}'), so its manifest does not carry the suppression. `
          + 'Fix: call ProductionReadiness.suppress after building everything under the scope');
      }
    }
  }
  return problems;
}

function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** Every API object under `scope` as a rule input; suppressions are read from the manifest, as the plugin reads them. */
function resourcesUnder(scope: IConstruct): Resource[] {
  return apiObjectsUnder(scope).map((object) => {
    const manifest = object.toJson();
    return { manifest, constructPath: object.node.path, suppressions: annotationSuppressions(manifest) };
  });
}
