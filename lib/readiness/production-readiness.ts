import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConfigurationError } from '../common/errors';
import { active, evaluate, formatTable, reportJson } from './engine';
import { Resource, SUPPRESS_ANNOTATION_PREFIX, annotationSuppressions } from './model';
import { Finding, Level, ReadinessOptions } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

/** Metadata type under which suppressions are recorded on constructs. */
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

/**
 * Production-readiness rules at synth time (article 003's checklist, article
 * 002's health-check load), over the manifests a construct tree synthesizes.
 */
export class ProductionReadiness {
  /** The findings for every API object under `scope`, suppressed ones marked. */
  public static check(scope: IConstruct, options: ReadinessOptions = {}): Finding[] {
    return evaluate(resourcesUnder(scope).map(({ resource }) => resource), options);
  }

  /**
   * Runs the rules when the app synthesizes: prints the table, writes
   * `production-readiness.json` to the output directory, and fails synth on
   * any error-level finding that is not suppressed.
   */
  public static enforce(scope: IConstruct, options: EnforceOptions = {}): void {
    scope.node.addValidation({
      validate: () => {
        const resources = resourcesUnder(scope);
        const findings = evaluate(resources.map(({ resource }) => resource), options);
        reuseForSynthesis(resources);
        if (options.printTable ?? true) console.log(formatTable(findings));
        const outdir = options.outdir ?? App.of(scope).outdir;
        fs.mkdirSync(outdir, { recursive: true });
        fs.writeFileSync(path.join(outdir, READINESS_REPORT_FILE), `${JSON.stringify(reportJson(findings), null, 2)}\n`);
        return active(findings).filter((f) => f.level === Level.ERROR)
          .map((f) => `${f.constructPath ?? f.resource}: ${f.ruleId} ${f.title}: ${f.message}. Fix: ${f.fix}`);
      },
    });
  }

  /**
   * Suppresses a rule for `scope` and everything under it, with a written
   * reason (at least 10 characters). Suppressed findings stay in the report,
   * marked. The suppression is also written on each object as the annotation
   * `observable.cdk8s.io/suppress.<RULE-ID>`, so the validation plugin honours it.
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const known = PRODUCTION_READINESS_RULES.map((r) => r.id);
    const problems = [];
    if (!known.includes(ruleId)) problems.push({ prop: 'ruleId', problem: `("${ruleId}") is not a rule of the pack`, fix: `use one of ${known.join(', ')}` });
    if (reason.trim().length < MIN_SUPPRESSION_REASON_LENGTH) {
      problems.push({ prop: 'reason', problem: `("${reason}") is shorter than ${MIN_SUPPRESSION_REASON_LENGTH} characters`, fix: 'write why the rule does not apply here, for the next reader' });
    }
    if (problems.length > 0) throw new ConfigurationError(scope.node.path, problems);
    scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: reason.trim() });
    scope.node.addValidation({
      validate: () => {
        for (const o of scope.node.findAll()) {
          if (ApiObject.isApiObject(o)) o.metadata.addAnnotation(`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`, reason.trim());
        }
        return [];
      },
    });
  }
}

/** Every API object under `scope` as a rule input, with the object it came from. */
function resourcesUnder(scope: IConstruct): Array<{ object: ApiObject; resource: Resource }> {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((object) => {
    const manifest = object.toJson();
    const suppressions = new Map([...annotationSuppressions(manifest), ...inheritedSuppressions(object)]);
    return { object, resource: { manifest, constructPath: object.node.path, suppressions } };
  });
}

/**
 * Synthesis computes each object's JSON again, which at a thousand services
 * costs as much as the rules themselves: hand it the JSON just computed.
 * The only change validation still makes to an object is the suppression
 * annotations that `suppress` stamps (nearest scope wins, as here), so they
 * are added to the reused JSON, keys sorted as cdk8s sorts them.
 */
function reuseForSynthesis(resources: ReadonlyArray<{ object: ApiObject; resource: Resource }>): void {
  for (const { object, resource } of resources) {
    const manifest = resource.manifest;
    const stamped = [...inheritedSuppressions(object)];
    if (stamped.length > 0) {
      const annotations: Record<string, string> = { ...manifest.metadata?.annotations };
      for (const [ruleId, reason] of stamped) annotations[`${SUPPRESS_ANNOTATION_PREFIX}${ruleId}`] = reason;
      manifest.metadata = sortedKeys({ ...manifest.metadata, annotations: sortedKeys(annotations) });
    }
    Object.defineProperty(object, 'toJson', { value: () => manifest, configurable: true });
  }
}

/** The object with its keys in the order cdk8s writes them (plain code-unit sort, cdk8s/lib/_util.js sanitizeValue). */
function sortedKeys<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]])) as T;
}

/** Suppressions recorded on the construct and its ancestors; the nearest wins. */
function inheritedSuppressions(construct: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const scope of [...construct.node.scopes].reverse()) {
    for (const entry of scope.node.metadata) {
      if (entry.type !== SUPPRESSION_METADATA) continue;
      const { ruleId, reason } = entry.data as { ruleId: string; reason: string };
      if (!found.has(ruleId)) found.set(ruleId, reason);
    }
  }
  return found;
}
