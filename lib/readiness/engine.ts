import { compareText } from '../common/text';
import { ManifestModel, Resource, resourceId } from './model';
import { Finding, Level, ReadinessOptions, Rule, resolveOptions } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';
import { SUPPRESSION_RULE_ID, validReason } from './rules/suppressions';

const LEVEL_ORDER: Record<Level, number> = { [Level.ERROR]: 0, [Level.WARNING]: 1, [Level.INFO]: 2 };

/**
 * Runs the rules over the resources; findings sorted by level, rule and
 * resource. A suppression counts only with a reason of the minimum length
 * (OBS-SUP1 reports the others), and OBS-SUP1 itself cannot be suppressed.
 * `where` names the caller in option errors.
 */
export function evaluate(resources: readonly Resource[], options: ReadinessOptions = {}, rules: readonly Rule[] = PRODUCTION_READINESS_RULES, where = 'ProductionReadiness'): Finding[] {
  const resolved = resolveOptions(options, rules.map((r) => r.id), where);
  const model = new ManifestModel(resources);
  const findings = rules.flatMap((rule) => rule.check(model, resolved).map((v): Finding => {
    const reason = v.resource.suppressions.get(rule.id);
    const suppressed = reason !== undefined && rule.id !== SUPPRESSION_RULE_ID && validReason(reason);
    return {
      ruleId: rule.id,
      level: v.level ?? rule.level,
      title: rule.title,
      resource: resourceId(v.resource),
      resourceName: v.resource.manifest.metadata?.name ?? '?',
      constructPath: v.resource.constructPath,
      file: v.resource.file,
      message: v.message,
      explanation: rule.explanation,
      fix: rule.fix,
      ...(suppressed ? { suppressedReason: reason.trim(), suppressedBy: v.resource.suppressedBy?.get(rule.id) ?? v.resource.constructPath ?? resourceId(v.resource) } : {}),
    };
  }));
  return findings.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || compareText(a.ruleId, b.ruleId) || compareText(a.resource, b.resource) || compareText(a.message, b.message));
}

/** Findings no suppression covers. */
export function active(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.suppressedReason === undefined);
}

/** The active error-level findings: the ones that fail synth. */
export function failures(findings: readonly Finding[]): Finding[] {
  return active(findings).filter((f) => f.level === Level.ERROR);
}
