/**
 * An SLO for the Datadog Operator (datadoghq.com/v1alpha1): a `DatadogSLO`
 * per objective and burn-rate monitors on it, from Envoy's trace metrics of
 * the service's sidecar.
 */
import { MANAGED_BY } from '../common/labels';
import { BurnRateAlert, Severity } from './burn-rate';
import type { MonitorSpec } from './datadog';
import { MonitorType } from './monitor-type';
import { ENVOY_ERRORS, ENVOY_HITS, ENVOY_LATENCY } from './trace-metrics';
import { Objective, ResolvedObjective } from './slo-model';
import { objectiveText } from './slo-prometheus';

/**
 * The tag the Operator adds to an SLO's or monitor's tags unless told not to
 * (datadog-operator internal/controller/utils/tag.go): written here, so that
 * the applied object does not differ from the manifest (a GitOps diff forever).
 */
export const OPERATOR_REQUIRED_TAG = 'generated:kubernetes';

/** The spec of a `DatadogSLO` (datadog-operator api/datadoghq/v1alpha1 datadogslo_types.go). */
export interface DatadogSloSpec {
  readonly name: string;
  readonly description: string;
  readonly type: 'metric';
  readonly query: { readonly numerator: string; readonly denominator: string };
  readonly timeframe: string;
  readonly targetThreshold: string;
  readonly tags: string[];
}

const scope = (service: string, env: string) => `service:${service},env:${env}`;

/** The tags of everything one objective writes. */
function tags(service: string, env: string): string[] {
  return [`env:${env}`, `managed-by:${MANAGED_BY}`, `service:${service}`, OPERATOR_REQUIRED_TAG];
}

/**
 * The SLO of one objective, a metric (count-based) SLO. Availability: good
 * events are the sidecar's spans less its error spans, over all its spans
 * (only `sum` aggregates an SLO query: the CRD's description of spec.query).
 * Latency: good events are the spans at or under the threshold, counted in the
 * latency distribution with a threshold query, `count(v: v<=<s>)`, over all of
 * its values (docs.datadoghq.com/metrics/distributions, "threshold queries",
 * which need the distribution's percentiles on; the metric-based SLO page
 * counts good events so). The same request-based objective as Prometheus'.
 */
export function datadogSloSpec(o: ResolvedObjective, traceService: string, env: string): DatadogSloSpec {
  const s = scope(traceService, env);
  const common = {
    name: `[${env}] ${o.service.name} ${o.objective}`,
    description: `${objectiveText(o)}, through the service's Istio sidecar (cdk8s-observable ServiceLevelObjectives).`,
    timeframe: `${o.windowDays}d`,
    targetThreshold: String(o.targetPercent),
    tags: tags(traceService, env),
  };
  if (o.objective === Objective.AVAILABILITY) {
    return {
      ...common,
      type: 'metric',
      query: {
        numerator: `sum:${ENVOY_HITS}{${s}}.as_count() - sum:${ENVOY_ERRORS}{${s}}.as_count()`,
        denominator: `sum:${ENVOY_HITS}{${s}}.as_count()`,
      },
    };
  }
  // Trace latency distributions are in seconds, as the latency monitors read them.
  const seconds = (o.thresholdMs as number) / 1000;
  return {
    ...common,
    type: 'metric',
    query: {
      numerator: `count(v: v<=${seconds}):${ENVOY_LATENCY}{${s}}.as_count()`,
      denominator: `count(v: v>=0):${ENVOY_LATENCY}{${s}}.as_count()`,
    },
  };
}

/**
 * A burn-rate monitor of one alert row: `type: slo alert` on the SLO's id,
 * which only Datadog knows, so the monitor exists once it is given
 * (docs.datadoghq.com/service_management/service_level_objectives/burn_rate:
 * `burn_rate("<id>").over("30d").long_window("1h").short_window("5m") > 14.4`;
 * the Operator passes the query as is, datadog-operator internal/controller/datadogmonitor).
 */
export function burnRateMonitorSpec(o: ResolvedObjective, alert: BurnRateAlert, sloId: string,
  datadog: { readonly env: string; readonly notify: { readonly page: string[]; readonly ticket: string[] } }, runbook: string, traceService: string): MonitorSpec {
  const long = `${alert.longMinutes / 60}h`;
  const short = `${alert.shortMinutes}m`;
  const what = `${o.service.name} (${datadog.env}) is burning its ${o.objective} error budget at ${alert.factor}x or more over ${long} and ${short}`;
  return {
    name: `[${datadog.env}] ${o.service.name} ${o.objective}: error budget burn ${alert.factor}x (${alert.severity})`,
    message: [
      `{{#is_alert}}${what}: ${alert.budgetConsumed * 100} % of the ${o.windowDays}-day budget in ${long}, all of it in ${alert.hoursToExhaustion} h at this rate.{{/is_alert}}`,
      `{{#is_recovery}}${o.service.name}'s ${o.objective} budget burns slower than ${alert.factor}x again.{{/is_recovery}}`,
      `Objective: ${objectiveText(o)}; the budget is ${Number((o.budgetFraction * 100).toFixed(6))} % of requests (${o.budgetMinutes} minutes of total failure).`,
      `Runbook: ${runbook}`,
      datadog.notify[alert.severity].join(' '),
    ].join('\n'),
    query: `burn_rate("${sloId}").over("${o.windowDays}d").long_window("${long}").short_window("${short}") > ${alert.factor}`,
    type: MonitorType.SLO_ALERT,
    tags: [...tags(traceService, datadog.env), `severity:${alert.severity}`],
    options: { thresholds: { critical: String(alert.factor) }, notifyNoData: false, includeTags: true, requireFullWindow: false },
  };
}

/** A widget of the dashboard JSON (the same shape as datadog.ts's Widget). */
interface SloWidget {
  definition: { type: string; title?: string; [field: string]: unknown };
}

/** Datadog's relative time spans (the dashboard API's WidgetLiveSpan) nearest to an SLO window. */
const LIVE_SPAN: Readonly<Record<number, string>> = { 7: '1w', 30: '1mo', 90: '3mo' };

/**
 * The error-budget widgets of one service's objectives, from the same trace
 * metrics as its SLOs: the availability budget left over (about) the window,
 * the burn rate over the alerts' windows against their thresholds, and the
 * latency percentile against its threshold.
 */
export function sloWidgets(objectives: readonly ResolvedObjective[], traceService: string, env: string): SloWidget[] {
  const s = scope(traceService, env);
  return objectives.flatMap((o): SloWidget[] => {
    // Good and total events, as the objective's SLO counts them (datadogSloSpec).
    const { numerator, denominator } = datadogSloSpec(o, traceService, env).query;
    const count = (name: string, query: string, seconds?: number) => ({
      data_source: 'metrics', name, query: `${query}${seconds ? `.rollup(sum, ${seconds})` : ''}`,
    });
    const title = `${o.service.name}: ${o.objective} (${objectiveText(o)})`;
    const budget = Number(o.budgetFraction.toFixed(10));
    // The windows and thresholds of the Datadog burn-rate monitors, so the graph shows what pages.
    const windows = [...new Set(o.datadogAlerts.flatMap((a) => [a.shortMinutes, a.longMinutes]))].sort((a, b) => a - b);
    // An availability numerator is a difference (hits less errors): each rollup gets its own pair.
    const good = o.objective === Objective.AVAILABILITY
      ? (m?: number) => [count(`h${m ?? ''}`, `sum:${ENVOY_HITS}{${s}}.as_count()`, m && m * 60), count(`e${m ?? ''}`, `sum:${ENVOY_ERRORS}{${s}}.as_count()`, m && m * 60)]
      : (m?: number) => [count(`g${m ?? ''}`, numerator, m && m * 60), count(`t${m ?? ''}`, denominator, m && m * 60)];
    const badRatio = (m?: number) => (o.objective === Objective.AVAILABILITY ? `(e${m ?? ''} / h${m ?? ''})` : `((t${m ?? ''} - g${m ?? ''}) / t${m ?? ''})`);
    return [
      {
        definition: {
          type: 'query_value', title: `${title}: budget left (%)`, precision: 1,
          time: { live_span: LIVE_SPAN[o.windowDays] },
          requests: [{ queries: good().map((q) => ({ ...q, aggregator: 'sum' })), formulas: [{ formula: `100 * (1 - ${badRatio()} / ${budget})` }], response_format: 'scalar' }],
        },
      },
      {
        definition: {
          type: 'timeseries', title: `${title}: burn rate`, show_legend: true,
          requests: [{
            queries: windows.flatMap((m) => good(m)),
            formulas: windows.map((m) => ({ formula: `${badRatio(m)} / ${budget}`, alias: m >= 60 ? `${m / 60}h` : `${m}m` })),
            response_format: 'timeseries', display_type: 'line',
          }],
          markers: o.datadogAlerts.map((a) => ({ value: `y = ${a.factor}`, display_type: a.severity === Severity.PAGE ? 'error dashed' : 'warning dashed', label: `${a.severity} ${a.factor}x` })),
        },
      },
    ];
  });
}
