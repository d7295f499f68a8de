import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { DatadogMonitors, DatadogMonitorsProps, DatadogServiceDashboard, FrontEnvoy, ObservableService, PrometheusAlerts, Protocol, Tracing } from '../lib';
import { dashboardWidgets, monitorSpecs } from '../lib/monitoring/datadog';
import { errorRateExpr } from '../lib/monitoring/prometheus';
import { crdSchemaErrors } from './support/crd-schema';
import { datadogCrdErrors } from './support/datadog-crd';
import { constructError } from './support/errors';
import { Manifest, appContainer, synth } from './support/synth';

function product() {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
  const tracing = Tracing.datadog({ env: 'production' });
  const checkout = new ObservableService(chart, 'checkout', {
    image: 'a/checkout:1', port: 8080, mesh: {}, tracing, throughput: { normalRps: 100, peakRps: 400, rpsPerPod: 100 },
  });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, mesh: {}, tracing });
  return { chart, checkout, ledger, tracing };
}

const runbook = 'https://runbooks.example.com/{service}/{signal}';

function monitorsProps(p: ReturnType<typeof product>, overrides: Partial<DatadogMonitorsProps> = {}): DatadogMonitorsProps {
  return { services: [p.checkout, p.ledger], env: 'production', notify: ['@slack-payments'], runbookUrl: runbook, ...overrides };
}

/** The rows of a metadata CSV (the first column is the name), by name. */
function metricRows(file: string): Map<string, string> {
  const lines = fs.readFileSync(path.join(__dirname, 'fixtures', 'datadog', file), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => [l.split(',')[0], l]));
}

/** The metric names a Datadog query reads: `<aggregator>:<metric>{`. */
function metricsOf(query: string): string[] {
  return [...query.matchAll(/(?:sum|avg|min|max|p\d\d):([a-z0-9_.]+)\{/g)].map((m) => m[1]);
}

/**
 * The `service` of the spans a sidecar writes, derived from the pod template the
 * way istiod does (istio/istio pkg/bootstrap/config.go getServiceCluster; label
 * precedence from pkg/kube/labels/labels.go): with `tracingServiceName:
 * CANONICAL_NAME_ONLY` the canonical name (`service.istio.io/canonical-name`, then
 * `app.kubernetes.io/name`, then `app`, then the workload's name); by default
 * `<app>.<namespace>`.
 */
function sidecarSpanService(deployment: Manifest): string {
  const { labels = {}, annotations = {} } = deployment.spec.template.metadata;
  const proxyConfig = parse(annotations['proxy.istio.io/config'] ?? '{}') ?? {};
  if (proxyConfig.tracingServiceName === 'CANONICAL_NAME_ONLY') {
    return labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? deployment.metadata.name;
  }
  return `${labels.app ?? labels['app.kubernetes.io/name'] ?? deployment.metadata.name}.${deployment.metadata.namespace}`;
}

/**
 * The `service` of a front proxy's spans: Envoy's Datadog tracer takes
 * `service_name` from its config, and DD_SERVICE in its environment wins
 * (DataDog/dd-trace-cpp tracer_config.cpp: the environment over the code).
 */
function frontSpanService(manifests: Manifest[], front: FrontEnvoy): string {
  const config = JSON.parse(manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === front.configMap.name)!.data['envoy.json']);
  const fromConfig = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.tracing.provider.typed_config.service_name;
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === front.proxy.name)!;
  const env = appContainer(deployment).env?.find((e: Manifest) => e.name === 'DD_SERVICE');
  if (!env) return fromConfig;
  const label = /^metadata\.labels\['(.+)'\]$/.exec(env.valueFrom?.fieldRef?.fieldPath ?? '')?.[1];
  return env.value ?? deployment.spec.template.metadata.labels[label!];
}

/** The `service:` tag a monitor filters on. */
const serviceTag = (query: string) => /service:([^,}]+)/.exec(query)?.[1];

describe('Datadog monitors', () => {
  test('the error-rate query of each service divides its Envoy errors by its hits, with the critical threshold', () => {
    const specs = Object.fromEntries(monitorSpecs(monitorsProps(product())).map((m) => [m.key, m.spec]));
    expect(specs['checkout-error-rate'].query).toBe(
      'sum(last_5m):sum:trace.envoy.proxy.errors{service:checkout,env:production}.as_count() / sum:trace.envoy.proxy.hits{service:checkout,env:production}.as_count() > 0.05');
    expect(specs['ledger-error-rate'].query).toMatch(/service:ledger,env:production/);
    expect(specs['checkout-error-rate'].options.thresholds).toEqual({ critical: '0.05', warning: '0.02' });
  });

  test('p99 latency on the trace.envoy.proxy distribution, and a mesh-wide error rate', () => {
    const specs = Object.fromEntries(monitorSpecs(monitorsProps(product())).map((m) => [m.key, m.spec]));
    expect(specs['ledger-latency-p99'].query).toBe('percentile(last_5m):p99:trace.envoy.proxy{service:ledger,env:production} > 1');
    expect(specs['mesh-error-rate'].query).toBe('sum(last_5m):sum:trace.envoy.proxy.errors{env:production}.as_count() / sum:trace.envoy.proxy.hits{env:production}.as_count() > 0.05');
  });

  test('the control plane: injection failures, validation failures, xDS rejects, and the data plane or istiod falling silent', () => {
    const queries = monitorSpecs(monitorsProps(product())).filter((m) => m.key.startsWith('istio')).map((m) => m.spec.query);
    expect(queries).toEqual([
      'sum(last_10m):sum:istio.sidecar_injection.failure.count{env:production}.as_count() > 0',
      'sum(last_10m):sum:istio.galley.validation.failed.count{env:production}.as_count() > 0',
      'sum(last_10m):sum:istio.pilot.total_xds_rejects.count{env:production}.as_count() > 0',
      'sum(last_30m):sum:istio.mesh.request.count{env:production}.as_count() < 1',
      'max(last_30m):max:istio.go.goroutines{env:production} < 1',
    ]);
    expect(monitorSpecs(monitorsProps(product(), { controlPlane: false })).some((m) => m.key.startsWith('istio'))).toBe(false);
  });

  test("every metric a monitor or the dashboard reads is one the agent sends today: Istio's by their OpenMetrics V2 names, Envoy's trace metrics", () => {
    const p = product();
    const queries = [
      ...monitorSpecs(monitorsProps(p)).map((m) => m.spec.query),
      ...dashboardWidgets('production').flatMap((w) => (w.definition.requests as Manifest[]).flatMap((r) => r.queries.map((q: Manifest) => q.query))),
    ];
    const metrics = [...new Set(queries.flatMap(metricsOf))].sort();
    expect(metrics.length).toBeGreaterThanOrEqual(8);
    const istio = metricRows('istio-metadata.csv');
    const trace = metricRows('trace-metrics.csv');
    const counterRule = fs.readFileSync(path.join(__dirname, 'fixtures', 'datadog', 'openmetrics-v2-counter.py.txt'), 'utf8');
    expect(counterRule).toContain("metric_name = f'{metric_name}.count'");
    /** How the V2 check names a metric: a V2 row, or a count row (V1 and V2) whose counter V2 sends as `<name>.count`. */
    const v2Source = (metric: string): string => {
      const row = istio.get(metric);
      // A V2-only row; or a row for both formats of a gauge (sent as is), or of a count already named `.count`.
      if (row && /\[Openmetrics V2/.test(row)) return 'V2 row';
      if (row && /V1 and V2/.test(row) && (/^[^,]+,gauge,/.test(row) || metric.endsWith('.count'))) return 'V2 row';
      const base = metric.replace(/\.count$/, '');
      const counter = metric.endsWith('.count') ? istio.get(base) ?? istio.get(`${base}_total`) : undefined;
      return counter && /^[^,]+,count,/.test(counter) && /V1 and V2/.test(counter) ? 'V2 counter rule' : 'not sent by the V2 check';
    };
    for (const metric of metrics) {
      if (metric.startsWith('istio.')) {
        expect([metric, v2Source(metric)]).toEqual([metric, expect.stringMatching(/^V2 /)]);
      } else {
        expect([metric, trace.has(metric)]).toEqual([metric, true]);
      }
    }
    // The integration's own e2e test names the injection-failure counter the rule gives.
    expect(fs.readFileSync(path.join(__dirname, 'fixtures', 'datadog', 'istio-test-e2e.py.txt'), 'utf8')).toContain('"istio.sidecar_injection.failure.count"');
    // The V1 names of the first round are gone (V2 sends counters only as .count), and so is requests less successes (it counts skips).
    expect(queries.join(' ')).not.toMatch(/failure_total|validation\.failed\{|total_xds_rejects\{|sidecar_injection\.requests/);
  });

  test("each monitor's service tag is the service the synthesized sidecar or front proxy writes on its spans", () => {
    const p = product();
    const front = new FrontEnvoy(p.chart, 'front', { routes: [{ prefix: '/', service: p.checkout }], tracing: p.tracing });
    const monitors = new DatadogMonitors(p.chart, 'monitors', monitorsProps(p, { frontProxies: [front] }));
    const manifests = synth(p.chart);
    const deployment = (name: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!;
    const tagOf = (key: string) => serviceTag(manifests.find((m) => m.kind === 'DatadogMonitor' && m.metadata.name === key)!.spec.query);
    expect(Object.keys(monitors.monitors)).toEqual(expect.arrayContaining(['checkout-error-rate', 'ledger-latency-p99', 'front-error-rate', 'front-latency-p99']));
    for (const service of ['checkout', 'ledger']) {
      expect(tagOf(`${service}-error-rate`)).toBe(sidecarSpanService(deployment(service)));
      expect(tagOf(`${service}-latency-p99`)).toBe(sidecarSpanService(deployment(service)));
    }
    expect(tagOf('front-error-rate')).toBe(frontSpanService(manifests, front));
    expect(tagOf('front-latency-p99')).toBe(frontSpanService(manifests, front));
    // Istio's default naming would not match the monitors: the library must set the canonical scheme.
    const defaultNaming = structuredClone(deployment('checkout'));
    delete defaultNaming.spec.template.metadata.annotations['proxy.istio.io/config'];
    expect(sidecarSpanService(defaultNaming)).toBe('checkout.payments');
  });

  test('an unmeshed service, or a front proxy not tracing to Datadog, is refused: no Envoy span would carry its name', () => {
    const p = product();
    const plain = new ObservableService(p.chart, 'plain', { image: 'a/plain:1', port: 8080 });
    const otelFront = new FrontEnvoy(p.chart, 'front', { routes: [{ prefix: '/', service: p.checkout }], tracing: Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local' }) });
    const error = constructError(() => new DatadogMonitors(p.chart, 'monitors', monitorsProps(p, { services: [p.checkout, plain], frontProxies: [otelFront] })));
    expect(error.problems.map((x) => x.prop)).toEqual(['services[1]', 'frontProxies[0]']);
    expect(error.message).toMatch(/services\[1\]' \(plain\) has no Istio sidecar.*Fix: give the service mesh: \{\}/s);
  });

  test('no-data alerting is decided per monitor: services with expected traffic, the mesh and the silence monitor alert; failure counters do not', () => {
    const decisions = Object.fromEntries(monitorSpecs(monitorsProps(product())).map((m) => [m.key, [m.spec.options.notifyNoData, m.spec.options.noDataTimeframe]]));
    expect(decisions).toEqual({
      'checkout-error-rate': [true, 30], 'checkout-latency-p99': [true, 30],
      'ledger-error-rate': [false, undefined], 'ledger-latency-p99': [false, undefined],
      'mesh-error-rate': [true, 30],
      'istio-injection-failures': [false, undefined], 'istio-validation-failures': [false, undefined], 'istio-xds-rejects': [false, undefined],
      'istio-metrics-silent': [true, 30], 'istiod-metrics-silent': [true, 30],
    });
    const silent = monitorSpecs(monitorsProps(product())).find((m) => m.key === 'istio-metrics-silent')!.spec;
    expect(silent.message).toContain('is below {{threshold}}');
    expect(silent.message).toContain('{{#is_no_data}}');
    const counter = monitorSpecs(monitorsProps(product())).find((m) => m.key === 'istio-xds-rejects')!.spec;
    expect(counter.message).not.toContain('{{#is_no_data}}');
  });

  test('messages say what broke for which service, link the runbook and notify the handles', () => {
    const spec = monitorSpecs(monitorsProps(product())).find((m) => m.key === 'checkout-error-rate')!.spec;
    expect(spec.message).toContain('The error rate of checkout (production) through Envoy is above {{threshold}}');
    expect(spec.message).toContain('Runbook: https://runbooks.example.com/checkout/error-rate');
    expect(spec.message).toContain('@slack-payments');
    expect(spec.tags).toEqual(['env:production', 'managed-by:cdk8s-observable', 'service:checkout']);
  });

  test('the runbook URL template: {signal} per monitor, {service} the service, or mesh for a monitor about no single service', () => {
    const runbooks = Object.fromEntries(monitorSpecs(monitorsProps(product())).map((m) => [m.key, /Runbook: (\S+)/.exec(m.spec.message)![1]]));
    expect(runbooks['ledger-latency-p99']).toBe('https://runbooks.example.com/ledger/latency-p99');
    expect(runbooks['mesh-error-rate']).toBe('https://runbooks.example.com/mesh/mesh-error-rate');
    expect(runbooks['istio-xds-rejects']).toBe('https://runbooks.example.com/mesh/xds-rejects');
    const one = monitorSpecs(monitorsProps(product(), { runbookUrl: 'https://wiki.example.com/payments-oncall' }));
    expect(new Set(one.map((m) => /Runbook: (\S+)/.exec(m.spec.message)![1]))).toEqual(new Set(['https://wiki.example.com/payments-oncall']));
  });

  test('the resources match the Datadog Operator CRD', () => {
    const p = product();
    new DatadogMonitors(p.chart, 'monitors', monitorsProps(p));
    const monitors = synth(p.chart).filter((m) => m.kind === 'DatadogMonitor');
    expect(monitors).toHaveLength(2 * 2 + 1 + 5);
    expect(monitors.flatMap(datadogCrdErrors)).toEqual([]);
  });

  test('the CRD check catches a numeric threshold and an unknown field', () => {
    const p = product();
    new DatadogMonitors(p.chart, 'monitors', monitorsProps(p));
    const [m] = synth(p.chart).filter((x) => x.kind === 'DatadogMonitor');
    expect(datadogCrdErrors({ ...m, spec: { ...m.spec, options: { thresholds: { critical: 0.05 } }, severity: 'high' } })).toEqual([
      `DatadogMonitor ${m.metadata.name}: spec: unknown field "severity"`,
      `DatadogMonitor ${m.metadata.name}: spec.options.thresholds.critical must be a string`,
    ]);
  });

  test('bad input: no handle, a warning above critical, a runbook that is not a URL', () => {
    const p = product();
    expect(constructError(() => new DatadogMonitors(p.chart, 'a', monitorsProps(p, { notify: ['slack'] }))).problems[0].prop).toBe('notify[0]');
    expect(constructError(() => new DatadogMonitors(p.chart, 'b', monitorsProps(p, { errorRate: { critical: 0.01, warning: 0.05 } }))).problems[0].prop).toBe('errorRate.warning');
    expect(constructError(() => new DatadogMonitors(p.chart, 'c', monitorsProps(p, { runbookUrl: 'see wiki' }))).problems.map((x) => `${x.prop} ${x.problem}`))
      .toEqual(['runbookUrl ("see wiki") must be an http(s) URL']);
    expect(constructError(() => new DatadogMonitors(p.chart, 'd', monitorsProps(p, { runbookUrl: '{service}/{signal}' }))).problems.map((x) => x.prop)).toEqual(['runbookUrl']);
  });
});

describe('Datadog dashboard', () => {
  test('the widget JSON parses and every widget has a definition type', () => {
    const p = product();
    new DatadogServiceDashboard(p.chart, 'payments-dashboard', { title: 'Payments', env: 'production' });
    const dashboard = synth(p.chart).find((m) => m.kind === 'DatadogDashboard')!;
    expect(datadogCrdErrors(dashboard)).toEqual([]);
    const widgets = JSON.parse(dashboard.spec.widgets) as Manifest[];
    expect(widgets.length).toBeGreaterThan(0);
    for (const w of widgets) expect(['toplist', 'timeseries', 'query_value']).toContain(w.definition.type);
  });

  test('the widgets are written at synth, so an edit after construction reaches the output', () => {
    const p = product();
    const dashboard = new DatadogServiceDashboard(p.chart, 'payments-dashboard', { title: 'Payments', env: 'production' });
    dashboard.widgets[0].definition.title = 'Busiest services';
    dashboard.widgets.push({ definition: { type: 'note', content: 'Owned by payments' } });
    const widgets = JSON.parse(synth(p.chart).find((m) => m.kind === 'DatadogDashboard')!.spec.widgets) as Manifest[];
    expect(widgets[0].definition.title).toBe('Busiest services');
    expect(widgets[widgets.length - 1]).toEqual({ definition: { type: 'note', content: 'Owned by payments' } });
  });

  test('top services by requests next to top services by errors, then error rate and p99', () => {
    const widgets = dashboardWidgets('production');
    expect(widgets.map((w) => w.definition.title)).toEqual([
      'Top services by requests', 'Top services by errors', 'Error rate by service', 'p99 latency by service (s)', 'Istio control plane failures',
    ]);
    const query = (w: Manifest) => w.definition.requests[0].queries[0].query;
    expect(query(widgets[0])).toBe('sum:trace.envoy.proxy.hits{env:production} by {service}.as_count()');
    expect(query(widgets[1])).toBe('sum:trace.envoy.proxy.errors{env:production} by {service}.as_count()');
    expect((widgets[2] as Manifest).definition.requests[0].formulas).toEqual([{ formula: 'errors / hits' }]);
  });
});

describe('Prometheus alerts (no Datadog)', () => {
  test('5xx ratio and p99 from Istio standard metrics, per service, passing the Prometheus Operator schema', () => {
    const p = product();
    new PrometheusAlerts(p.chart, 'alerts', { services: [p.checkout], runbookUrl: runbook, ruleLabels: { release: 'kube-prometheus-stack' } });
    const rule = synth(p.chart).find((m) => m.kind === 'PrometheusRule')!;
    expect(crdSchemaErrors([rule])).toEqual([]);
    const [group] = rule.spec.groups;
    expect(group.rules.map((r: Manifest) => r.alert)).toEqual(['ServiceErrorRateCritical', 'ServiceErrorRateWarning', 'ServiceLatencyP99Critical', 'ServiceLatencyP99Warning']);
    // No 5xx series yet counts as zero errors, so the ratio exists (and the alert can resolve).
    expect(group.rules[0].expr).toBe('((sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",response_code=~"5.."}[5m])) or vector(0)))'
      + ' / sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m])) > 0.05');
    expect(group.rules[2].expr).toBe('histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m]))) > 1000');
    expect(group.rules[0].annotations.runbook_url).toBe('https://runbooks.example.com/checkout/error-rate');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('a gRPC service counts failing gRPC statuses; a service without a sidecar is refused (no series would ever carry it)', () => {
    const p = product();
    const expr = errorRateExpr(p.ledger);
    expect(expr).toContain('grpc_response_status=~"2|4|12|13|14|15"');
    expect(expr).toContain('grpc_response_status!~"2|4|12|13|14|15",response_code=~"5.."');
    const plain = new ObservableService(p.chart, 'plain', { image: 'a/plain:1', port: 8080 });
    const error = constructError(() => new PrometheusAlerts(p.chart, 'alerts', { services: [p.checkout, plain], runbookUrl: runbook }));
    expect(error.problems.map((x) => x.prop)).toEqual(['services[1]']);
  });

  test('the runbook URL template names the service and the signal; one with another placeholder or not a URL is refused', () => {
    const p = product();
    new PrometheusAlerts(p.chart, 'alerts', { services: [p.checkout], runbookUrl: 'https://wiki.example.com/{service}#{signal}' });
    const rules = synth(p.chart).find((m) => m.kind === 'PrometheusRule')!.spec.groups[0].rules;
    expect(rules.map((r: Manifest) => r.annotations.runbook_url)).toEqual([
      'https://wiki.example.com/checkout#error-rate', 'https://wiki.example.com/checkout#error-rate', 'https://wiki.example.com/checkout#latency-p99', 'https://wiki.example.com/checkout#latency-p99',
    ]);
    expect(constructError(() => new PrometheusAlerts(p.chart, 'a', { services: [p.checkout], runbookUrl: 'https://wiki.example.com/{name}' })).problems.map((x) => `${x.prop} ${x.problem}`))
      .toEqual(['runbookUrl ("https://wiki.example.com/{name}") has placeholders other than {signal} and {service}: {name}']);
    expect(constructError(() => new PrometheusAlerts(p.chart, 'b', { services: [p.checkout], runbookUrl: 'wiki/{service}' })).problems.map((x) => x.prop)).toEqual(['runbookUrl']);
  });
});
