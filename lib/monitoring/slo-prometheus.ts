/**
 * An SLO as Prometheus rules, in the shape Sloth generates (slok/sloth
 * examples/_gen): recording rules for the error ratio over each window, meta
 * rules (objective, budget, the period's ratio and the budget left), and
 * multiwindow, multi-burn-rate alerts on the recorded ratios.
 */
import { BurnRateAlert, RECORDED_WINDOWS_MINUTES, Severity, windowName } from './burn-rate';
import { PrometheusSli } from './prometheus-sli';
import { Objective, ResolvedObjective } from './slo-model';

/** One rule of a rule group (Prometheus' rule file format). */
export interface Rule {
  /** The series a recording rule writes. */
  readonly record?: string;
  /** The alert's name. */
  readonly alert?: string;
  /** The PromQL expression. */
  readonly expr: string;
  /** Labels added to the series or the alert. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The alert's annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group (Prometheus' rule file format, as a PrometheusRule's spec.groups holds it). */
export interface RuleGroup {
  /** The group's name. */
  readonly name: string;
  /** Its rules, evaluated in order. */
  readonly rules: Rule[];
}

/** The alert every objective writes, with `severity` page or ticket. */
export const SLO_ALERT = 'SLOErrorBudgetBurn';
/** The recorded error ratio over a window. */
export const ERROR_RATIO = 'slo:sli_error:ratio_rate';

/** The labels that tell an objective's series apart. */
function objectiveLabels(o: ResolvedObjective): Record<string, string> {
  return { slo_id: o.id, slo_service: o.service.name, slo_namespace: o.service.namespace, slo_objective: o.objective };
}

/** A number as PromQL writes it (no exponent for the small budgets). */
function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(10)));
}

/** The recorded ratio of a window, for one objective, without its window label (so that windows can be compared). */
function ratio(o: ResolvedObjective, minutes: number): string {
  return `max(${ERROR_RATIO}${windowName(minutes)}{slo_id="${o.id}"}) without (slo_window)`;
}

/** `(short and long) or (...)`: the alerts of one severity, each on both its windows at the same burn rate. */
function burnExpression(o: ResolvedObjective, rows: readonly BurnRateAlert[]): string {
  return rows.map((a) => {
    const threshold = `(${num(a.factor)} * ${num(o.budgetFraction)})`;
    return `(\n  ${ratio(o, a.shortMinutes)} >= ${threshold}\n  and\n  ${ratio(o, a.longMinutes)} >= ${threshold}\n)`;
  }).join('\nor\n');
}

/** What an objective promises, in words. */
export function objectiveText(o: ResolvedObjective): string {
  const what = o.objective === Objective.AVAILABILITY ? 'of requests succeed' : `of requests are faster than ${o.thresholdMs} ms`;
  return `${o.targetPercent} % ${what} over ${o.windowDays} days`;
}

function alertRule(o: ResolvedObjective, severity: Severity, runbook: string): Rule | undefined {
  const rows = o.alerts.filter((a) => a.severity === severity);
  if (rows.length === 0) return undefined;
  const budget = `the error budget is ${num(o.budgetFraction * 100)} % of requests (${o.budgetMinutes} minutes of total failure)`;
  const conditions = rows.map((a) => `${num(a.factor)}x or more over ${windowName(a.longMinutes)} and ${windowName(a.shortMinutes)} (${num(a.budgetConsumed * 100)} % of the budget in ${windowName(a.longMinutes)}; all of it in ${a.hoursToExhaustion} h)`).join(', or at ');
  return {
    alert: SLO_ALERT,
    expr: burnExpression(o, rows),
    // The objective's id as a rule label too: two objectives' alerts of one severity are then distinct rules (promtool's duplicate-rule lint).
    labels: { severity, slo_id: o.id },
    annotations: {
      summary: `${o.service.name} (${o.service.namespace}) is burning its ${o.objective} error budget ${severity === Severity.PAGE ? 'fast' : 'steadily'}`,
      description: `Objective: ${objectiveText(o)}; ${budget}. The error ratio is {{ $value | humanizePercentage }}: the budget burns at ${conditions}. `
        + (severity === Severity.PAGE ? 'At this rate the budget is gone within days: act now.' : 'At this rate the budget runs out before the window ends: plan the fix.'),
      runbook_url: runbook,
    },
  };
}

/** The three groups of one objective: SLI recordings, meta recordings, alerts. */
function objectiveGroups(o: ResolvedObjective, sli: PrometheusSli, runbook: string): RuleGroup[] {
  const labels = objectiveLabels(o);
  const base = `slo-${o.service.namespace}-${o.service.name}-${o.objective}`;
  const errorRatio = (window: string) => (o.objective === Objective.AVAILABILITY ? sli.errorRatio(window) : sli.slowRatio(o.thresholdMs as number, window));
  const period = windowName(o.windowMinutes);
  return [
    {
      name: `${base}-sli`,
      rules: RECORDED_WINDOWS_MINUTES.map((minutes) => ({
        record: `${ERROR_RATIO}${windowName(minutes)}`,
        expr: errorRatio(windowName(minutes)),
        labels: { ...labels, slo_window: windowName(minutes) },
      })),
    },
    {
      name: `${base}-meta`,
      rules: [
        { record: 'slo:objective:ratio', expr: `vector(${num(o.targetPercent / 100)})`, labels },
        { record: 'slo:error_budget:ratio', expr: `vector(${num(o.budgetFraction)})`, labels },
        { record: 'slo:time_period:days', expr: `vector(${o.windowDays})`, labels },
        // The period's ratio as the mean of the 5-minute ratios, as Sloth does: a rate over 30 days
        // would need 30 days of raw samples at every evaluation.
        { record: `${ERROR_RATIO}${period}`, expr: `avg_over_time(${ERROR_RATIO}5m{slo_id="${o.id}"}[${period}])`, labels: { ...labels, slo_window: period } },
        { record: 'slo:current_burn_rate:ratio', expr: `${ratio(o, 5)} / ${num(o.budgetFraction)}`, labels },
        { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - ${ratio(o, o.windowMinutes)} / ${num(o.budgetFraction)}`, labels },
      ],
    },
    {
      name: `${base}-alerts`,
      rules: [Severity.PAGE, Severity.TICKET].map((s) => alertRule(o, s, runbook)).filter((r): r is Rule => r !== undefined),
    },
  ];
}

/** The rule groups of a service's objectives. */
export function sloRuleGroups(objectives: readonly ResolvedObjective[], sli: PrometheusSli, runbook: string): RuleGroup[] {
  return objectives.flatMap((o) => objectiveGroups(o, sli, runbook));
}
