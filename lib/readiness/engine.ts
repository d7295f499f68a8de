import { ManifestModel, Resource, resourceId } from './model';
import { DEFAULT_HEALTH_CHECK_BUDGET_RPS, Finding, Level, ReadinessOptions, Rule } from './rule';
import { PRODUCTION_READINESS_RULES } from './rules';

const LEVEL_ORDER: Record<Level, number> = { [Level.ERROR]: 0, [Level.WARNING]: 1, [Level.INFO]: 2 };

/** Runs the rules over the resources; findings sorted by level, rule and resource. */
export function evaluate(resources: readonly Resource[], options: ReadinessOptions = {}, rules: readonly Rule[] = PRODUCTION_READINESS_RULES): Finding[] {
  const resolved = { healthCheckBudgetRps: options.healthCheckBudgetRps ?? DEFAULT_HEALTH_CHECK_BUDGET_RPS };
  const model = new ManifestModel(resources);
  const findings = rules.flatMap((rule) => rule.check(model, resolved).map((v): Finding => ({
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
    suppressedReason: v.resource.suppressions.get(rule.id),
  })));
  return findings.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.ruleId.localeCompare(b.ruleId) || a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message));
}

/** Findings no suppression covers. */
export function active(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.suppressedReason === undefined);
}

/** The report as JSON: a summary and every finding, suppressed ones with their reason. Deterministic. */
export function reportJson(findings: readonly Finding[]): { summary: Record<string, number>; findings: readonly Finding[] } {
  const live = active(findings);
  return {
    summary: {
      errors: live.filter((f) => f.level === Level.ERROR).length,
      warnings: live.filter((f) => f.level === Level.WARNING).length,
      infos: live.filter((f) => f.level === Level.INFO).length,
      suppressed: findings.length - live.length,
    },
    findings,
  };
}

/** A readable table: rule, level, resource, construct path, message. */
export function formatTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'Production readiness: no findings.';
  const rows = findings.map((f) => [
    f.ruleId,
    f.suppressedReason !== undefined ? `${f.level} (suppressed)` : f.level,
    f.resource,
    f.constructPath ?? f.file ?? '',
    f.suppressedReason !== undefined ? `${f.message} [suppressed: ${f.suppressedReason}]` : f.message,
  ]);
  const header = ['rule', 'level', 'resource', 'construct path (or file)', 'message'];
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const summary = reportJson(findings).summary;
  return [
    `Production readiness: ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info, ${summary.suppressed} suppressed`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
