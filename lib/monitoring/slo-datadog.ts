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
 * The SLO timeframes Datadog takes, in days: the Operator's controller
 * accepts 7d, 30d and 90d (datadog-operator internal/controller/datadogslo
 * validation), and a burn-rate query's `.over()` the same
 * (docs.datadoghq.com/service_management/service_level_objectives/burn_rate).
 */
export const DATADOG_TIMEFRAMES: readonly number[] = [7, 30, 90];

/**
 * The percentiles Datadog computes for a distribution with percentiles on, as
 * APM's trace latency distributions are (docs.datadoghq.com/metrics/distributions:
 * p50, p75, p90, p95, p99).
 */
export const DATADOG_PERCENTILES: readonly number[] = [50, 75, 90, 95, 99];

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
  readonly type: 'metric' | 'time_slice';
  readonly query?: { readonly numerator: string; readonly denominator: string };
  readonly timeSlice?: { readonly query: string; readonly comparator: '<' | '<=' | '>' | '>='; readonly threshold: string };
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
 * The SLO of one objective. Availability is a metric SLO: good events are the
 * sidecar's spans less its error spans, over all its spans (only `sum` is
 * allowed in an SLO query: the CRD's description of spec.query). Latency is a
 * time-slice SLO, since a metric SLO cannot count the requests under a latency
 * from the trace metrics: a 5-minute slice is good when the p<target> latency
 * is under the threshold, and the objective is that <target> % of the slices
 * are good. Time-slice SLOs need the Operator's current CRD (spec.timeSlice).
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
  return {
    ...common,
    type: 'time_slice',
    // Trace latency distributions are in seconds, as the latency monitors read them.
    timeSlice: { query: `p${o.targetPercent}:${ENVOY_LATENCY}{${s}}`, comparator: '<', threshold: String((o.thresholdMs as number) / 1000) },
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
  const count = (name: string, metric: string, seconds?: number) => ({
    data_source: 'metrics', name, query: `sum:${metric}{${s}}.as_count()${seconds ? `.rollup(sum, ${seconds})` : ''}`, aggregator: 'sum',
  });
  return objectives.flatMap((o): SloWidget[] => {
    const title = `${o.service.name}: ${o.objective} (${objectiveText(o)})`;
    if (o.objective === Objective.LATENCY) {
      return [{
        definition: {
          type: 'timeseries', title: `${title}: p${o.targetPercent} latency (s)`, show_legend: true,
          requests: [{ queries: [{ data_source: 'metrics', name: 'p', query: `p${o.targetPercent}:${ENVOY_LATENCY}{${s}}` }], formulas: [{ formula: 'p' }], response_format: 'timeseries', display_type: 'line' }],
          markers: [{ value: `y = ${(o.thresholdMs as number) / 1000}`, display_type: 'error dashed', label: 'objective' }],
        },
      }];
    }
    const budget = Number(o.budgetFraction.toFixed(10));
    const windows = [...new Set(o.alerts.flatMap((a) => [a.shortMinutes, a.longMinutes]))].filter((m) => m <= 24 * 60).sort((a, b) => a - b);
    return [
      {
        definition: {
          type: 'query_value', title: `${title}: budget left (%)`, precision: 1,
          time: { live_span: LIVE_SPAN[o.windowDays] },
          requests: [{ queries: [count('errors', ENVOY_ERRORS), count('hits', ENVOY_HITS)], formulas: [{ formula: `100 * (1 - (errors / hits) / ${budget})` }], response_format: 'scalar' }],
        },
      },
      {
        definition: {
          type: 'timeseries', title: `${title}: burn rate`, show_legend: true,
          requests: [{
            queries: windows.flatMap((m) => [count(`e${m}`, ENVOY_ERRORS, m * 60), count(`h${m}`, ENVOY_HITS, m * 60)]).map(({ aggregator: _a, ...q }) => q),
            formulas: windows.map((m) => ({ formula: `(e${m} / h${m}) / ${budget}`, alias: `${m >= 60 ? `${m / 60}h` : `${m}m`}` })),
            response_format: 'timeseries', display_type: 'line',
          }],
          markers: o.alerts.map((a) => ({ value: `y = ${a.factor}`, display_type: a.severity === Severity.PAGE ? 'error dashed' : 'warning dashed', label: `${a.severity} ${a.factor}x` })),
        },
      },
    ];
  });
}
