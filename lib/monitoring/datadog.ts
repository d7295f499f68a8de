/**
 * Monitors and dashboards as code for the Datadog Operator (github.com/DataDog/datadog-operator):
 * the data-plane error rate and latency per service and mesh-wide from
 * Envoy's trace metrics, and the Istio control plane's own failure signals.
 */
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { NameRule, resolveIdentity } from '../common/identity';
import { MANAGED_BY } from '../common/labels';
import { FrontEnvoy } from '../envoy/front-envoy';
import { ObservableService } from '../service/observable-service';
import { lineTextError, multilineTextError } from '../common/text';
import { TracingProvider } from '../telemetry/tracing';
import { MonitorType } from './monitor-type';
import { runbookTemplateError, runbookUrl } from './runbook';
import { datadogHandleError, datadogTagError, datadogTagValueError } from './datadog-text';
import { ServiceLevelObjectives } from './slo';
import { sloWidgets } from './slo-datadog';
import { ENVOY_ERRORS, ENVOY_HITS, ENVOY_LATENCY } from './trace-metrics';

export { ENVOY_ERRORS, ENVOY_HITS, ENVOY_LATENCY };

/**
 * The Datadog Istio integration's metrics, by the names its OpenMetrics V2
 * check (`use_openmetrics: true`, the mode the integration's README
 * recommends) sends. The V2 check sends every Prometheus counter as
 * `<name>.count`, a monotonic count (datadog_checks_base
 * openmetrics/v2/transformers/counter.py: `metric_name = f'{metric_name}.count'`),
 * after dropping a `_total` suffix from the mapped name (istio's
 * construct_metrics_config). DataDog/integrations-core istio/metadata.csv
 * lists some of these `.count` names as V2 rows; for the injection failures
 * and the xDS rejects it lists only the V1 row (`..._total`, `total_xds_rejects`),
 * from which the rule gives the V2 name, and the integration's e2e test
 * (istio/tests/test_e2e.py) names `istio.sidecar_injection.failure.count`.
 * Copies of the rows and lines are in test/fixtures/datadog.
 */
export const ISTIO_INJECTION_FAILURES = 'istio.sidecar_injection.failure.count';
export const ISTIO_VALIDATION_FAILURES = 'istio.galley.validation.failed.count';
export const ISTIO_XDS_REJECTS = 'istio.pilot.total_xds_rejects.count';
/** Requests through the mesh's sidecars: reported as long as the mesh serves, so its absence means the data-plane scrape stopped. */
export const ISTIO_MESH_REQUESTS = 'istio.mesh.request.count';
/**
 * A gauge every scraped istiod reports at every check run (metadata.csv:
 * `istio.go.goroutines`, gauge, V1 and V2): its absence means the control
 * plane's scrape stopped, and with it every control-plane monitor.
 */
export const ISTIOD_HEARTBEAT = 'istio.go.goroutines';

/** How long a monitor that expects data waits before it reports none, in minutes. */
export const NO_DATA_TIMEFRAME_MINUTES = 30;

/** Critical and warning levels of one alert. */
export interface AlertThresholds {
  /** The level that alerts (pages). */
  readonly critical: number;
  /** The level that warns, below the critical one; none when left out. */
  readonly warning?: number;
}

/** Props of {@link DatadogMonitors}. */
export interface DatadogMonitorsProps {
  /**
   * The services to watch, each with its own error-rate and latency monitors.
   * Each needs an Istio sidecar (`mesh`): the monitors read the Envoy spans of
   * its requests, which its sidecar writes under its name.
   */
  readonly services: ObservableService[];
  /**
   * Front proxies to watch the same way, from their own spans (Datadog tracing).
   * @default - none
   */
  readonly frontProxies?: FrontEnvoy[];
  /** The `env` tag the metrics carry (unified service tagging). */
  readonly env: string;
  /** Who is notified: Datadog handles such as `@slack-payments-oncall` or `@pagerduty-payments`. */
  readonly notify: string[];
  /**
   * The runbook linked from every alert message, as a URL template:
   * `{signal}` becomes the monitor's signal (`error-rate`, `latency-p99`,
   * `mesh-error-rate`, `injection-failures`, `validation-failures`,
   * `xds-rejects`, `istio-metrics-silent`, `istiod-metrics-silent`) and
   * `{service}` the service's name (a front proxy's Envoy workload for its
   * monitors), or `mesh` for a monitor about no single service.
   *
   * @example 'https://runbooks.example.com/payments/{service}/{signal}'
   */
  readonly runbookUrl: string;
  /**
   * Error rate (errors ÷ hits over 5 minutes), as a fraction.
   * @default - critical 0.05, warning 0.02
   */
  readonly errorRate?: AlertThresholds;
  /**
   * p99 latency over 5 minutes, in seconds.
   * @default - critical 1, warning 0.5
   */
  readonly latencyP99Seconds?: AlertThresholds;
  /**
   * Watch the Istio control plane too (sidecar injection failures, config
   * validation failures, xDS rejects, and the integration falling silent).
   * @default true
   */
  readonly controlPlane?: boolean;
  /**
   * Tags on every monitor.
   * @default - service and env tags only
   */
  readonly tags?: string[];
}

/** One monitor's spec (datadoghq.com/v1alpha1 DatadogMonitor). */
export interface MonitorSpec {
  /** The monitor's title in Datadog. */
  readonly name: string;
  /** The notification text, with the runbook and the handles notified. */
  readonly message: string;
  /** The monitor query, ending in the critical threshold. */
  readonly query: string;
  /** The monitor type. */
  readonly type: MonitorType;
  /** Tags on the monitor. */
  readonly tags: string[];
  /** Thresholds and the no-data, tag and window options. */
  readonly options: MonitorOptions;
}

/** The options of one monitor (the DatadogMonitor CRD's `spec.options`). */
export interface MonitorOptions {
  /** The alert levels, as the Operator takes them: strings. */
  readonly thresholds: MonitorThresholds;
  /** Whether the monitor alerts when its metric stops arriving. */
  readonly notifyNoData: boolean;
  /**
   * Minutes without data before it does.
   * @default - Datadog's default, for a monitor that does not alert on no data
   */
  readonly noDataTimeframe?: number;
  /** Whether the notification carries the triggering tags. */
  readonly includeTags: boolean;
  /** Whether the monitor waits for a full window of data. */
  readonly requireFullWindow: boolean;
}

/** A monitor's alert levels, as strings. */
export interface MonitorThresholds {
  /** The level that alerts; equal to the query's threshold. */
  readonly critical: string;
  /** The level that warns, if any. */
  readonly warning?: string;
}

/** Default error-rate thresholds. */
export const DEFAULT_ERROR_RATE: AlertThresholds = { critical: 0.05, warning: 0.02 };
/** Default p99 latency thresholds, in seconds. */
export const DEFAULT_LATENCY_P99: AlertThresholds = { critical: 1, warning: 0.5 };

/** `service:x,env:y` scope of a query. */
function scope(env: string, service?: string): string {
  return service ? `service:${service},env:${env}` : `env:${env}`;
}

/** A count over a window, as a query term. */
function countOf(metric: string, s: string): string {
  return `sum:${metric}{${s}}.as_count()`;
}

/** The error-rate query: Envoy errors over Envoy hits, 5 minutes, against the critical threshold. */
export function errorRateQuery(env: string, threshold: number, service?: string): string {
  const s = scope(env, service);
  return `sum(last_5m):${countOf(ENVOY_ERRORS, s)} / ${countOf(ENVOY_HITS, s)} > ${threshold}`;
}

/** The p99 latency query on Envoy's latency distribution. */
export function latencyP99Query(env: string, threshold: number, service: string): string {
  return `percentile(last_5m):p99:${ENVOY_LATENCY}{${scope(env, service)}} > ${threshold}`;
}

/** A count that must stay at zero. */
export function countQuery(metric: string, env: string): string {
  return `sum(last_10m):${countOf(metric, scope(env))} > 0`;
}

/** A count that must not fall to nothing. */
export function silenceQuery(metric: string, env: string): string {
  return `sum(last_${NO_DATA_TIMEFRAME_MINUTES}m):${countOf(metric, scope(env))} < 1`;
}

/** A gauge that must keep arriving: alerts on no data (its value never falls below 1 while reported). */
export function heartbeatQuery(metric: string, env: string): string {
  return `max(last_${NO_DATA_TIMEFRAME_MINUTES}m):max:${metric}{${scope(env)}} < 1`;
}

function message(what: string, runbook: string, notify: string[], noData: boolean, below: boolean): string {
  const word = below ? 'below' : 'above';
  return [`{{#is_alert}}${what} is ${word} {{threshold}} ({{value}}).{{/is_alert}}`,
    `{{#is_warning}}${what} is ${word} {{warn_threshold}} ({{value}}).{{/is_warning}}`,
    ...(noData ? [`{{#is_no_data}}${what} has had no data for ${NO_DATA_TIMEFRAME_MINUTES} minutes: the metric stopped arriving.{{/is_no_data}}`] : []),
    `{{#is_recovery}}${what} is back to normal.{{/is_recovery}}`,
    `Runbook: ${runbook}`,
    notify.join(' ')].join('\n');
}

/**
 * Whether a monitor alerts when its metric stops arriving. A monitor that
 * says nothing when no data comes looks healthy forever once tracing or the
 * integration breaks, so it is a decision per monitor (documented in
 * docs/monitoring-and-load-tests.md):
 * - a service's monitors: when the service declares expected traffic
 *   (`throughput`), since silence then means its traffic or its tracing stopped;
 * - the mesh-wide error rate and the two silence monitors (the sidecars'
 *   requests, istiod's heartbeat): always;
 * - the control plane's failure counters: never, since they report only when
 *   a failure happens (istiod's heartbeat covers their scrape).
 */
function monitor(name: string, what: string, query: string, thresholds: AlertThresholds, tags: string[], runbook: string, notify: string[],
  noData: boolean, below = false): MonitorSpec {
  return {
    name,
    message: message(what, runbook, notify, noData, below),
    query,
    type: MonitorType.QUERY_ALERT,
    tags,
    options: {
      // The Operator takes thresholds as strings; the critical one must equal the query's.
      thresholds: thresholds.warning === undefined ? { critical: String(thresholds.critical) } : { critical: String(thresholds.critical), warning: String(thresholds.warning) },
      notifyNoData: noData,
      ...(noData ? { noDataTimeframe: NO_DATA_TIMEFRAME_MINUTES } : {}),
      includeTags: true,
      requireFullWindow: false,
    },
  };
}

/** A workload whose requests Envoy traces, as the monitors watch it. */
interface Watched {
  /** The workload the monitors are about. */
  readonly workload: ObservableService;
  /** The `service` tag of the Envoy spans (what the proxies send). */
  readonly traceServiceName: string;
  /** Whether traffic is expected at all times. */
  readonly expectsTraffic: boolean;
}

/** One monitor with its object name and the workload it is about. */
export interface KeyedMonitor {
  /** The object's name. */
  readonly key: string;
  /** The spec. */
  readonly spec: MonitorSpec;
  /** The workload it is about, if one. */
  readonly service?: ObservableService;
}

/** The watched workloads, or the props that make one unwatchable (each under its prop). */
function watched(checker: PropChecker | undefined, props: DatadogMonitorsProps): Watched[] {
  const fromServices = props.services.flatMap((s, i): Watched[] => {
    const ok = checker?.check(s.traceServiceName !== undefined, `services[${i}]`, `(${s.name}) has no Istio sidecar: no Envoy traces its requests, so the trace.envoy.proxy metrics carry no service:${s.name}`,
      'give the service mesh: {}, or watch the FrontEnvoy in front of it with frontProxies') ?? true;
    return ok && s.traceServiceName ? [{ workload: s, traceServiceName: s.traceServiceName, expectsTraffic: s.capacity !== undefined }] : [];
  });
  const fromProxies = (props.frontProxies ?? []).flatMap((f, i): Watched[] => {
    const ok = checker?.check(f.traceServiceName !== undefined && f.tracing?.provider === TracingProvider.DATADOG, `frontProxies[${i}]`,
      `(${f.proxy.name}) does not send its spans to Datadog, so no trace.envoy.proxy metric carries it`, 'give the FrontEnvoy tracing: Tracing.datadog(...)') ?? true;
    return ok && f.traceServiceName ? [{ workload: f.proxy, traceServiceName: f.traceServiceName, expectsTraffic: f.proxy.capacity !== undefined }] : [];
  });
  return [...fromServices, ...fromProxies];
}

/** The monitors' specs, keyed by object name. Pure, for review and tests. */
export function monitorSpecs(props: DatadogMonitorsProps): KeyedMonitor[] {
  const errorRate = props.errorRate ?? DEFAULT_ERROR_RATE;
  const latency = props.latencyP99Seconds ?? DEFAULT_LATENCY_P99;
  const env = props.env;
  const base = [`env:${env}`, `managed-by:${MANAGED_BY}`, ...(props.tags ?? [])];
  const specs = watched(undefined, props).flatMap(({ workload: s, traceServiceName: traced, expectsTraffic }): KeyedMonitor[] => {
    const tags = [...base, `service:${traced}`];
    return [
      { key: `${s.name}-error-rate`, service: s, spec: monitor(`[${env}] ${s.name}: Envoy error rate`, `The error rate of ${s.name} (${env}) through Envoy`, errorRateQuery(env, errorRate.critical, traced), errorRate, tags, runbookUrl(props.runbookUrl, 'error-rate', s.name), props.notify, expectsTraffic) },
      { key: `${s.name}-latency-p99`, service: s, spec: monitor(`[${env}] ${s.name}: p99 latency`, `The p99 latency (s) of ${s.name} (${env}) through Envoy`, latencyP99Query(env, latency.critical, traced), latency, tags, runbookUrl(props.runbookUrl, 'latency-p99', s.name), props.notify, expectsTraffic) },
    ];
  });
  specs.push({ key: 'mesh-error-rate', spec: monitor(`[${env}] mesh: Envoy error rate`, `The mesh-wide error rate (${env}) through Envoy`, errorRateQuery(env, errorRate.critical), errorRate, base, runbookUrl(props.runbookUrl, 'mesh-error-rate'), props.notify, true) });
  if (props.controlPlane ?? true) {
    const once: AlertThresholds = { critical: 0 };
    specs.push(
      { key: 'istio-injection-failures', spec: monitor(`[${env}] istio: sidecar injection failures`, 'Sidecar injection failures (pods starting without their proxy)', countQuery(ISTIO_INJECTION_FAILURES, env), once, base, runbookUrl(props.runbookUrl, 'injection-failures'), props.notify, false) },
      { key: 'istio-validation-failures', spec: monitor(`[${env}] istio: config validation failures`, 'Istio config rejected by validation', countQuery(ISTIO_VALIDATION_FAILURES, env), once, base, runbookUrl(props.runbookUrl, 'validation-failures'), props.notify, false) },
      { key: 'istio-xds-rejects', spec: monitor(`[${env}] istio: xDS rejects`, 'Config pushed by istiod and rejected by proxies', countQuery(ISTIO_XDS_REJECTS, env), once, base, runbookUrl(props.runbookUrl, 'xds-rejects'), props.notify, false) },
      { key: 'istio-metrics-silent', spec: monitor(`[${env}] istio: integration silent`, 'Requests reported by the Istio integration', silenceQuery(ISTIO_MESH_REQUESTS, env), { critical: 1 }, base, runbookUrl(props.runbookUrl, 'istio-metrics-silent'), props.notify, true, true) },
      { key: 'istiod-metrics-silent', spec: monitor(`[${env}] istio: control plane silent`, "istiod's metrics (goroutines)", heartbeatQuery(ISTIOD_HEARTBEAT, env), { critical: 1 }, base, runbookUrl(props.runbookUrl, 'istiod-metrics-silent'), props.notify, true, true) },
    );
  }
  return specs;
}

/** The Datadog Operator's `DatadogMonitor` resources for a product's services and its mesh. */
export class DatadogMonitors extends Construct {
  /** The monitors, by key (`<service>-error-rate`, `mesh-error-rate`, …). */
  public readonly monitors: Readonly<Record<string, ApiObject>>;

  constructor(scope: Construct, id: string, props: DatadogMonitorsProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      services: ['array', 'list the services to watch'],
      env: ['string', "give the env tag the metrics carry, such as 'production'"],
      notify: ['array', "list the Datadog handles to notify, such as ['@slack-payments-oncall']"],
      runbookUrl: ['string', "give the runbooks' URL template, such as 'https://runbooks.example.com/{service}/{signal}'"],
    });
    props.services.forEach((s, i) => checker.check(s instanceof ObservableService, `services[${i}]`, `(${quote(s)}) is not an ObservableService`, 'list ObservableService constructs'));
    (props.frontProxies ?? []).forEach((f, i) => checker.check(f instanceof FrontEnvoy, `frontProxies[${i}]`, `(${quote(f)}) is not a FrontEnvoy`, 'list FrontEnvoy constructs'));
    checker.throwIfAny();
    checker.check(props.services.length + (props.frontProxies ?? []).length > 0, 'services', 'is empty', 'list the services to watch');
    watched(checker, props);
    checker.check(props.notify.length > 0, 'notify', 'is empty', "give handles such as '@slack-payments-oncall'");
    props.notify.forEach((h, i) => {
      const problem = datadogHandleError(h);
      checker.check(problem === undefined, `notify[${i}]`, problem ?? '', "give handles such as '@slack-payments-oncall'");
    });
    const envProblem = datadogTagValueError('env', props.env);
    checker.check(envProblem === undefined, 'env', envProblem ?? '', 'use lower-case letters, digits and - _ . : /');
    (props.tags ?? []).forEach((tag, i) => {
      const problem = datadogTagError(tag);
      checker.check(problem === undefined, `tags[${i}]`, problem ?? '', "give tags such as 'team:payments'");
    });
    for (const [prop, t] of [['errorRate', props.errorRate], ['latencyP99Seconds', props.latencyP99Seconds]] as const) {
      if (!t) continue;
      checker.check(t.critical > 0, `${prop}.critical`, `(${t.critical}) must be positive`, 'give the level that pages someone');
      if (t.warning !== undefined) checker.check(t.warning > 0 && t.warning < t.critical, `${prop}.warning`, `(${t.warning}) must be positive and below the critical level (${t.critical})`, 'lower it');
    }
    checker.throwIfAny();
    const namespace = Chart.of(this).namespace ?? 'default';
    // Every service and runbook is checked before the first monitor is made:
    // a failure half-way would leave some monitors and not others.
    const specs = monitorSpecs(props);
    const keys = specs.map((s) => s.key);
    const clashing = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
    checker.check(clashing.length === 0, 'services', `would give two monitors the same name (${clashing.map(quote).join(', ')}): a service is listed twice, or is named like a mesh monitor`,
      "list each service once (services of one name in two namespaces need a DatadogMonitors each, in their own chart), and name no service 'mesh'");
    const runbookProblem = runbookTemplateError(props.runbookUrl, 'datadog');
    checker.check(runbookProblem === undefined, 'runbookUrl', runbookProblem ?? '', "give the runbooks' URL, such as 'https://runbooks.example.com/{service}/{signal}'");
    // A monitor of one service carries the service's labels; the others their own identity.
    const labels = specs.map(({ key, service }) => service?.labels
      ?? resolveIdentity(this, checker, { name: key, namespace, component: 'monitoring' }, { nameRule: NameRule.OBJECT }).labels);
    checker.throwIfAny();
    const monitors: Record<string, ApiObject> = {};
    specs.forEach(({ key, spec }, i) => {
      monitors[key] = new ApiObject(this, key, {
        apiVersion: 'datadoghq.com/v1alpha1',
        kind: 'DatadogMonitor',
        metadata: { name: key, namespace, labels: { ...labels[i] } },
        spec,
      });
    });
    this.monitors = monitors;
  }
}

/** A Datadog dashboard widget (the API's JSON: docs.datadoghq.com/dashboards/widgets). */
export interface Widget {
  /** The widget's definition: its `type`, `title` and the type's own fields. */
  readonly definition: { type: string; title?: string; [field: string]: unknown };
}

function metricQuery(name: string, query: string, aggregator?: string): Record<string, unknown> {
  return { data_source: 'metrics', name, query, ...(aggregator ? { aggregator } : {}) };
}

/** A toplist of the services by a metric (formulas and functions format). */
function toplist(title: string, metric: string, env: string): Widget {
  return {
    definition: {
      type: 'toplist',
      title,
      requests: [{
        queries: [metricQuery('q', `sum:${metric}{env:${env}} by {service}.as_count()`, 'sum')],
        formulas: [{ formula: 'q', limit: { count: 10, order: 'desc' } }],
        response_format: 'scalar',
      }],
    },
  };
}

function timeseries(title: string, queries: Array<Record<string, unknown>>, formula: string): Widget {
  return {
    definition: {
      type: 'timeseries',
      title,
      show_legend: true,
      requests: [{ queries, formulas: [{ formula }], response_format: 'timeseries', display_type: 'line' }],
    },
  };
}

/**
 * The dashboard's widgets: "top services by requests" next to "top services
 * by errors" (when errors follow requests everywhere the problem
 * is mesh-wide; a single service standing out is that service), then error
 * rate and p99 latency over time per service, and the control plane signals.
 */
export function dashboardWidgets(env: string): Widget[] {
  const e = `env:${env}`;
  return [
    toplist('Top services by requests', ENVOY_HITS, env),
    toplist('Top services by errors', ENVOY_ERRORS, env),
    timeseries('Error rate by service', [
      metricQuery('errors', `sum:${ENVOY_ERRORS}{${e}} by {service}.as_count()`),
      metricQuery('hits', `sum:${ENVOY_HITS}{${e}} by {service}.as_count()`),
    ], 'errors / hits'),
    timeseries('p99 latency by service (s)', [metricQuery('p99', `p99:${ENVOY_LATENCY}{${e}} by {service}`)], 'p99'),
    timeseries('Istio control plane failures', [
      metricQuery('injection', `sum:${ISTIO_INJECTION_FAILURES}{${e}}.as_count()`),
      metricQuery('validation', `sum:${ISTIO_VALIDATION_FAILURES}{${e}}.as_count()`),
      metricQuery('xds', `sum:${ISTIO_XDS_REJECTS}{${e}}.as_count()`),
    ], 'injection + validation + xds'),
  ];
}

/** Props of {@link DatadogServiceDashboard}. */
export interface DatadogServiceDashboardProps {
  /** The dashboard's title in Datadog. */
  readonly title: string;
  /** The `env` tag the widgets filter on (unified service tagging). */
  readonly env: string;
  /**
   * A description shown under the title.
   * @default - none
   */
  readonly description?: string;
  /**
   * Service level objectives whose error-budget widgets (the budget left, the
   * burn rate over the alerts' windows, the latency percentile) follow the
   * mesh's widgets.
   * @default - every ServiceLevelObjectives written for Datadog with the dashboard's env in its chart, found when the app synthesizes
   */
  readonly slos?: ServiceLevelObjectives[];
}

/** The ServiceLevelObjectives of a construct's chart that are written for Datadog in `env`. */
function chartSlos(scope: Construct, env: string): ServiceLevelObjectives[] {
  return Chart.of(scope).node.findAll().filter((c): c is ServiceLevelObjectives => c instanceof ServiceLevelObjectives && c.datadogEnv === env);
}

/** The error-budget widgets of one ServiceLevelObjectives. */
function sloDashboardWidgets(slos: ServiceLevelObjectives): Widget[] {
  return slos.datadogEnv === undefined || slos.service.traceServiceName === undefined ? [] : sloWidgets(slos._resolved, slos.service.traceServiceName, slos.datadogEnv);
}

/**
 * A Datadog Operator `DatadogDashboard` of the mesh's request and error picture. The
 * widgets are an escape hatch: they are written (as the JSON string the
 * Operator takes) when the app synthesizes, so an edit made after
 * construction reaches the output.
 */
export class DatadogServiceDashboard extends Construct {
  /** The DatadogDashboard object. */
  public readonly apiObject: ApiObject;
  /** The widgets, in order; edit or add before synthesis. */
  public readonly widgets: Widget[];

  constructor(scope: Construct, id: string, props: DatadogServiceDashboardProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      title: ['string', 'name the dashboard'],
      env: ['string', "give the env tag the widgets filter on, such as 'production'"],
    });
    const titleProblem = lineTextError(props.title);
    checker.check(titleProblem === undefined, 'title', titleProblem ?? '', 'name the dashboard on one line');
    const envProblem = datadogTagValueError('env', props.env);
    checker.check(envProblem === undefined, 'env', envProblem ?? '', 'use lower-case letters, digits and - _ . : /');
    if (props.description !== undefined) {
      const problem = multilineTextError(props.description);
      checker.check(problem === undefined, 'description', problem ?? '', 'describe the dashboard in plain text');
    }
    const identity = resolveIdentity(this, checker, { component: 'monitoring' });
    checker.throwIfAny();
    this.widgets = dashboardWidgets(props.env);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'datadoghq.com/v1alpha1',
      kind: 'DatadogDashboard',
      metadata: { name: identity.name, namespace: identity.namespace, labels: { ...identity.labels } },
      spec: {
        title: props.title,
        ...(props.description ? { description: props.description } : {}),
        layoutType: 'ordered',
        // The SLOs of the chart are found at synth, so they may be declared after the dashboard.
        widgets: Lazy.any({ produce: () => JSON.stringify([...this.widgets, ...(props.slos ?? chartSlos(this, props.env)).flatMap(sloDashboardWidgets)]) }),
      },
    });
  }
}
