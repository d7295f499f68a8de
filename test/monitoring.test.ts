import { Chart, Testing } from 'cdk8s';
import { DatadogMonitors, DatadogMonitorsProps, DatadogServiceDashboard, ObservableService, PrometheusAlerts, Protocol } from '../lib';
import { dashboardWidgets, monitorSpecs } from '../lib/monitoring/datadog';
import { crdSchemaErrors } from './support/crd-schema';
import { datadogCrdErrors } from './support/datadog-crd';
import { constructError } from './support/errors';
import { Manifest, synth } from './support/synth';

function product() {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
  const checkout = new ObservableService(chart, 'checkout', { image: 'a/checkout:1', port: 8080 });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC });
  return { chart, checkout, ledger };
}

const runbook = (signal: string, service?: ObservableService) => `https://runbooks.example.com/${service?.name ?? 'mesh'}/${signal}`;

function monitorsProps(p: ReturnType<typeof product>, overrides: Partial<DatadogMonitorsProps> = {}): DatadogMonitorsProps {
  return { services: [p.checkout, p.ledger], env: 'production', notify: ['@slack-payments'], runbookUrl: runbook, ...overrides };
}

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

  test('the control plane: injection failures, validation failures, xDS rejects', () => {
    const queries = monitorSpecs(monitorsProps(product())).filter((m) => m.key.startsWith('istio-')).map((m) => m.spec.query);
    expect(queries).toEqual([
      'sum(last_10m):sum:istio.sidecar_injection.failure_total{env:production}.as_count() > 0',
      'sum(last_10m):sum:istio.galley.validation.failed{env:production}.as_count() > 0',
      'sum(last_10m):sum:istio.pilot.total_xds_rejects{env:production}.as_count() > 0',
    ]);
    expect(monitorSpecs(monitorsProps(product(), { controlPlane: false })).some((m) => m.key.startsWith('istio-'))).toBe(false);
  });

  test('messages say what broke for which service, link the runbook and notify the handles', () => {
    const spec = monitorSpecs(monitorsProps(product())).find((m) => m.key === 'checkout-error-rate')!.spec;
    expect(spec.message).toContain('The error rate of checkout (production) through Envoy is above {{threshold}}');
    expect(spec.message).toContain('Runbook: https://runbooks.example.com/checkout/error-rate');
    expect(spec.message).toContain('@slack-payments');
    expect(spec.tags).toEqual(['env:production', 'managed-by:cdk8s-observable', 'service:checkout']);
  });

  test('the resources match the Datadog Operator CRD', () => {
    const p = product();
    new DatadogMonitors(p.chart, 'monitors', monitorsProps(p));
    const monitors = synth(p.chart).filter((m) => m.kind === 'DatadogMonitor');
    expect(monitors).toHaveLength(2 * 2 + 1 + 3);
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
    expect(constructError(() => new DatadogMonitors(p.chart, 'a', monitorsProps(p, { notify: ['slack'] }))).problems[0].prop).toBe('notify');
    expect(constructError(() => new DatadogMonitors(p.chart, 'b', monitorsProps(p, { errorRate: { critical: 0.01, warning: 0.05 } }))).problems[0].prop).toBe('errorRate.warning');
    expect(constructError(() => new DatadogMonitors(p.chart, 'c', monitorsProps(p, { runbookUrl: () => 'see wiki' }))).problems[0].prop).toBe('runbookUrl');
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

  test('article 003: top services by requests next to top services by errors, then error rate and p99', () => {
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
    expect(group.rules[0].expr).toBe('sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",response_code=~"5.."}[5m]))'
      + ' / sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m])) > 0.05');
    expect(group.rules[2].expr).toBe('histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m]))) > 1000');
    expect(group.rules[0].annotations.runbook_url).toBe('https://runbooks.example.com/checkout/error-rate');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });
});
