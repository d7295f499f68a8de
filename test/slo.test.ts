import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { buildExamples } from '../examples/main';
import { DatadogServiceDashboard, FrontEnvoy, ObservableService, Protocol, ServiceLevelObjectives, ServiceLevelObjectivesProps } from '../lib';
import { burnRateAlerts, datadogWindows, errorBudget, prometheusWindows } from '../lib/monitoring/burn-rate';
import { leMatcher } from '../lib/monitoring/prometheus-sli';
import { datadogCrdErrors } from './support/datadog-crd';
import { constructError } from './support/errors';
import { Manifest, synth } from './support/synth';

const RUNBOOK = 'https://runbooks.example.com/checkout/slo';
const notify = { page: ['@pagerduty-payments'], ticket: ['@slack-payments'] };
const ID = '5f1c0e7a9b3d4c2e8f6a1b0d9c8e7f6a';

function product() {
  const chart = new Chart(Testing.app(), 'payments', { namespace: 'payments' });
  const checkout = new ObservableService(chart, 'checkout', { image: 'a/checkout:1.0.0', port: 8080, mesh: {} });
  return { chart, checkout };
}

function slo(props: Partial<ServiceLevelObjectivesProps> = {}) {
  const p = product();
  const slos = new ServiceLevelObjectives(p.chart, 'checkout-slo', { service: p.checkout, availabilityTarget: 99.9, runbookUrl: RUNBOOK, prometheus: {}, ...props });
  return { ...p, slos, manifests: synth(p.chart) };
}

describe('the burn-rate table', () => {
  test("the SRE Workbook's rows for 30 days: page at 14.4x (1 h and 5 min) and 6x (6 h and 30 min), ticket at 1x (3 d and 6 h)", () => {
    expect(burnRateAlerts(prometheusWindows(30), 30 * 24 * 60).map((a) => [a.severity, a.factor, a.longMinutes, a.shortMinutes, a.budgetConsumed, a.hoursToExhaustion])).toEqual([
      ['page', 14.4, 60, 5, 0.02, 50], ['page', 6, 360, 30, 0.05, 120], ['ticket', 1, 4320, 360, 0.1, 720],
    ]);
  });

  test("other windows take Datadog's recommended rows, whose every ticket is above 1x (so it never fires while the objective holds)", () => {
    for (const days of [7, 90]) expect(prometheusWindows(days)).toEqual(datadogWindows(days));
    expect(burnRateAlerts(datadogWindows(7), 7 * 24 * 60).map((a) => [a.factor, a.longMinutes, a.shortMinutes, a.budgetConsumed, a.hoursToExhaustion]))
      .toEqual([[16.8, 60, 5, 0.1, 10], [5.6, 360, 30, 0.2, 30], [2.8, 1440, 120, 0.4, 60]]);
    expect(datadogWindows(90).map((a) => a.factor)).toEqual([21.6, 10.8, 4.5]);
    // Datadog's long windows stop at 48 h: its 30-day ticket is 3x over a day, not the Workbook's 3-day row.
    expect(datadogWindows(30).map((a) => [a.factor, a.longMinutes, a.shortMinutes])).toEqual([[14.4, 60, 5], [6, 360, 30], [3, 1440, 120]]);
    for (const days of [7, 30, 90]) for (const row of [...prometheusWindows(days), ...datadogWindows(days)]) expect(row.factor).toBeGreaterThanOrEqual(1);
  });

  test('budgets in decimal: 99.9 gives 0.001, not 1 - 0.999', () => {
    expect([errorBudget(99.9), errorBudget(99.95), errorBudget(99), errorBudget(99.999)]).toEqual([0.001, 0.0005, 0.01, 0.00001]);
  });
});

describe('ServiceLevelObjectives', () => {
  test('the figures: budget as a fraction and as minutes of total failure over the window, and the alerts', () => {
    const { slos } = slo({ latency: { threshold: Duration.millis(250), target: 99 } });
    expect(slos.objectives.map((o) => [o.objective, o.targetPercent, o.budgetFraction, o.budgetMinutes, o.windowDays, o.thresholdMs])).toEqual([
      ['availability', 99.9, 0.001, 43.2, 30, undefined], ['latency', 99, 0.01, 432, 30, 250],
    ]);
    expect(slos.objectives[0].alerts.map((a) => a.hoursToExhaustion)).toEqual([50, 120, 720]);
  });

  test('Prometheus: recording rules over seven windows, meta rules, and the page and ticket alerts on both windows of each row', () => {
    const { manifests, slos } = slo();
    const rule = manifests.find((m) => m.kind === 'PrometheusRule')!;
    expect(rule.metadata.labels['observable.cdk8s.io/slo-for']).toBe('checkout');
    const [sli, meta, alerts] = rule.spec.groups as Manifest[];
    expect(sli.rules.map((r: Manifest) => r.labels.slo_window)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(sli.rules[0].expr).toBe('((sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",response_code=~"5.."}[5m])) or vector(0))) '
      + '/ sum(rate(istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m]))');
    expect(meta.rules.map((r: Manifest) => [r.record, r.expr])).toEqual([
      ['slo:objective:ratio', 'vector(0.999)'], ['slo:error_budget:ratio', 'vector(0.001)'], ['slo:time_period:days', 'vector(30)'],
      ['slo:sli_error:ratio_rate30d', 'avg_over_time(slo:sli_error:ratio_rate5m{slo_id="payments/checkout/availability"}[30d])'],
      ['slo:current_burn_rate:ratio', 'max(slo:sli_error:ratio_rate5m{slo_id="payments/checkout/availability"}) without (slo_window) / 0.001'],
      ['slo:period_error_budget_remaining:ratio', '1 - max(slo:sli_error:ratio_rate30d{slo_id="payments/checkout/availability"}) without (slo_window) / 0.001'],
    ]);
    const [page, ticket] = alerts.rules as Manifest[];
    expect([page.alert, page.labels, ticket.labels.severity]).toEqual(['SLOErrorBudgetBurn', { severity: 'page', slo_id: 'payments/checkout/availability' }, 'ticket']);
    expect(page.expr).toContain('max(slo:sli_error:ratio_rate5m{slo_id="payments/checkout/availability"}) without (slo_window) >= (14.4 * 0.001)\n  and\n  max(slo:sli_error:ratio_rate1h{slo_id="payments/checkout/availability"}) without (slo_window) >= (14.4 * 0.001)');
    expect(page.expr).toContain('ratio_rate30m{slo_id="payments/checkout/availability"}) without (slo_window) >= (6 * 0.001)');
    expect(ticket.expr).toContain('ratio_rate3d{slo_id="payments/checkout/availability"}) without (slo_window) >= (1 * 0.001)');
    // The message says the objective, the burn rate, what the budget means, and where the runbook is.
    expect(page.annotations.description).toBe('Objective: 99.9 % of requests succeed over 30 days; the error budget is 0.1 % of requests (43.2 minutes of total failure). '
      + 'The error ratio is {{ $value | humanizePercentage }}: the budget burns at 14.4x or more over 1h and 5m (2 % of the budget in 1h; all of it in 50 h), '
      + 'or at 6x or more over 6h and 30m (5 % of the budget in 6h; all of it in 120 h). At this rate the budget is gone within days: act now.');
    expect(page.annotations.runbook_url).toBe(RUNBOOK);
    expect(slos.ruleGroups).toEqual(rule.spec.groups);
  });

  test('a latency objective counts the requests over the bucket bound, matching Prometheus 2 and 3 bounds', () => {
    const { slos } = slo({ latency: { threshold: Duration.millis(250), target: 99 } });
    const latency = slos.ruleGroups!.find((g) => g.name === 'slo-payments-checkout-latency-sli')!;
    expect(latency.rules[0].expr).toBe('1 - (sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",le=~"250(\\\\.0)?"}[5m])) '
      + '/ sum(rate(istio_request_duration_milliseconds_count{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"}[5m])))');
    expect([leMatcher(250), leMatcher(0.5)]).toEqual(['le=~"250(\\\\.0)?"', 'le=~"0\\\\.5"']);
  });

  test('a service outside the mesh is counted by the front Envoy routing to it: its upstream cluster statistics', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    const slos = new ServiceLevelObjectives(chart, 'web-slo', { service: web, frontProxy: front, availabilityTarget: 99.5, runbookUrl: RUNBOOK, prometheus: {} });
    expect(slos.ruleGroups![0].rules[0].expr).toBe('(sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="web_shop",envoy_response_code_class="5"}[5m])) or vector(0)) '
      + '/ sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="web_shop"}[5m]))');
    // The cluster is named so that Envoy's tag extraction takes it whole, and its pods offer the statistics to a scraper.
    expect(front.upstreams.map((u) => u.cluster)).toEqual(['web_shop']);
    const pod = synth(chart).find((m) => m.kind === 'Deployment' && m.metadata.name === 'front')!.spec.template.metadata.annotations;
    expect([pod['prometheus.io/scrape'], pod['prometheus.io/port'], pod['prometheus.io/path']]).toEqual(['true', '9902', '/stats/prometheus']);
  });

  test('Datadog: metric SLOs on the sidecar spans, latency by a threshold query on the latency distribution, passing the CRD; no monitors until the ids are given', () => {
    const { manifests, slos } = slo({ prometheus: undefined, latency: { threshold: Duration.millis(250), target: 99 }, datadog: { env: 'production', notify } });
    const ddslos = manifests.filter((m) => m.kind === 'DatadogSLO');
    expect(ddslos.flatMap(datadogCrdErrors)).toEqual([]);
    const [availability, latency] = ddslos;
    expect(availability.spec).toEqual({
      name: '[production] checkout availability', description: '99.9 % of requests succeed over 30 days, through the service\'s Istio sidecar (cdk8s-observable ServiceLevelObjectives).',
      type: 'metric', timeframe: '30d', targetThreshold: '99.9',
      query: {
        numerator: 'sum:trace.envoy.proxy.hits{service:checkout,env:production}.as_count() - sum:trace.envoy.proxy.errors{service:checkout,env:production}.as_count()',
        denominator: 'sum:trace.envoy.proxy.hits{service:checkout,env:production}.as_count()',
      },
      tags: ['env:production', 'managed-by:cdk8s-observable', 'service:checkout', 'generated:kubernetes'],
    });
    expect(latency.spec.type).toBe('metric');
    expect(latency.spec.query).toEqual({
      numerator: 'count(v: v<=0.25):trace.envoy.proxy{service:checkout,env:production}.as_count()',
      denominator: 'count(v: v>=0):trace.envoy.proxy{service:checkout,env:production}.as_count()',
    });
    // Every metric the SLOs read is a trace metric of Envoy's spans (the fixture the monitors' test reads too).
    const known = fs.readFileSync(path.join(__dirname, 'fixtures', 'datadog', 'trace-metrics.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(',')[0]);
    const queries = JSON.stringify(ddslos.map((m) => m.spec));
    const metrics = [...queries.matchAll(/(?:sum|count\(v: v[<>]=[\d.]+\)):([a-z0-9_.]+)\{/g)].map((m) => m[1]);
    expect(metrics.length).toBe(5);
    for (const metric of metrics) expect([metric, known.includes(metric)]).toEqual([metric, true]);
    expect(Object.keys(slos.burnRateMonitors)).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'DatadogMonitor')).toEqual([]);
  });

  test('Datadog burn-rate monitors once an id is given: page at 14.4x and 6x, ticket at 3x over a day, each to its handles', () => {
    const { manifests } = slo({ prometheus: undefined, datadog: { env: 'production', notify, sloIds: { availability: ID } } });
    const monitors = manifests.filter((m) => m.kind === 'DatadogMonitor');
    expect(monitors.flatMap(datadogCrdErrors)).toEqual([]);
    expect(monitors.map((m) => [m.metadata.name, m.spec.query, m.spec.options.thresholds.critical])).toEqual([
      ['checkout-availability-burn-1h', `burn_rate("${ID}").over("30d").long_window("1h").short_window("5m") > 14.4`, '14.4'],
      ['checkout-availability-burn-6h', `burn_rate("${ID}").over("30d").long_window("6h").short_window("30m") > 6`, '6'],
      ['checkout-availability-burn-24h', `burn_rate("${ID}").over("30d").long_window("24h").short_window("120m") > 3`, '3'],
    ]);
    expect(monitors.map((m) => m.spec.type)).toEqual(['slo alert', 'slo alert', 'slo alert']);
    expect(monitors[0].spec.message).toMatch(/@pagerduty-payments$/);
    expect(monitors[2].spec.message).toMatch(/@slack-payments$/);
    expect(monitors[0].spec.message).toContain('2 % of the 30-day budget in 1h, all of it in 50 h at this rate');
  });

  test("the dashboard adds each SLO's error-budget widgets, found in its chart even when declared after it", () => {
    const p = product();
    const dashboard = new DatadogServiceDashboard(p.chart, 'dashboard', { title: 'Payments', env: 'production' });
    new ServiceLevelObjectives(p.chart, 'slo', { service: p.checkout, availabilityTarget: 99.9, latency: { threshold: Duration.millis(250), target: 99 }, runbookUrl: RUNBOOK, datadog: { env: 'production', notify } });
    const widgets = JSON.parse(synth(p.chart).find((m) => m.kind === 'DatadogDashboard')!.spec.widgets) as Manifest[];
    const added = widgets.slice(dashboard.widgets.length);
    expect(added.map((w) => w.definition.title)).toEqual([
      'checkout: availability (99.9 % of requests succeed over 30 days): budget left (%)',
      'checkout: availability (99.9 % of requests succeed over 30 days): burn rate',
      'checkout: latency (99 % of requests are faster than 250 ms over 30 days): budget left (%)',
      'checkout: latency (99 % of requests are faster than 250 ms over 30 days): burn rate',
    ]);
    expect(added[0].definition.requests[0].formulas).toEqual([{ formula: '100 * (1 - (e / h) / 0.001)' }]);
    expect(added[2].definition.requests[0].formulas).toEqual([{ formula: '100 * (1 - ((t - g) / t) / 0.01)' }]);
    // The graph shows what the Datadog monitors alert on: their windows and thresholds.
    expect(added[1].definition.markers.map((m: Manifest) => m.value)).toEqual(['y = 14.4', 'y = 6', 'y = 3']);
    expect(added[1].definition.requests[0].formulas.map((f: Manifest) => f.alias)).toEqual(['5m', '30m', '1h', '2h', '6h', '24h']);
    expect(added[3].definition.requests[0].queries[0].query).toBe('count(v: v<=0.25):trace.envoy.proxy{service:checkout,env:production}.as_count().rollup(sum, 300)');
  });

  test('bad input names the prop: 100 %, a target without budget for the page, a window Datadog lacks, a latency between buckets, a bad id', () => {
    const props = (e: Partial<ServiceLevelObjectivesProps>) => constructError(() => slo(e)).problems.map((p) => p.prop);
    expect(props({ availabilityTarget: 100 })).toEqual(['availabilityTarget']);
    expect(constructError(() => slo({ availabilityTarget: 100 })).message).toMatch(/an objective of 100 % leaves no error budget/);
    expect(constructError(() => slo({ availabilityTarget: 90 })).message).toMatch(/leaves a budget of 10 %: a burn rate of 14.4 would need more than every request to fail/);
    // Over 90 days the page is 21.6x: 95 % (5 % × 21.6 > 1) cannot page, 96 % can.
    expect(constructError(() => slo({ availabilityTarget: 95, window: Duration.days(90) })).message).toMatch(/a burn rate of 21.6 would need more/);
    expect(() => slo({ availabilityTarget: 96, window: Duration.days(90) })).not.toThrow();
    expect(props({ window: Duration.days(14), datadog: { env: 'production', notify } })).toEqual(['window']);
    expect(props({ window: Duration.days(28) })).toEqual(['window']);
    expect(props({ latency: { threshold: Duration.millis(300), target: 99 } })).toEqual(['latency.threshold']);
    // A bound Prometheus 3 writes with an exponent (1.8e+06) is refused: the matcher would miss it.
    expect(props({ latency: { threshold: Duration.minutes(30), target: 99 } })).toEqual(['latency.threshold']);
    expect(() => slo({ latency: { threshold: Duration.minutes(10), target: 99 } })).not.toThrow();
    expect(props({ datadog: { env: 'production', notify, sloIds: { availability: 'abc' } } })).toEqual(['datadog.sloIds.availability']);
    expect(props({ datadog: { env: 'production', notify: { page: ['pagerduty'], ticket: [] } } })).toEqual(['datadog.notify.page[0]', 'datadog.notify.ticket']);
    expect(props({ prometheus: undefined })).toEqual(['prometheus']);
    expect(props({ runbookUrl: 'see wiki' })).toEqual(['runbookUrl']);
  });

  test('a service no sidecar or front proxy counts is refused, and a gRPC service behind the front Envoy too', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080 });
    const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1.0.0', port: 9090, protocol: Protocol.GRPC });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/ledger.v1.Ledger/', service: ledger }, { prefix: '/', service: web }] });
    expect(constructError(() => new ServiceLevelObjectives(chart, 'a', { service: web, availabilityTarget: 99.9, runbookUrl: RUNBOOK, prometheus: {} })).message)
      .toMatch(/'service' \(web\) has no Istio sidecar, so istio_requests_total has no series for it/);
    expect(constructError(() => new ServiceLevelObjectives(chart, 'b', { service: ledger, frontProxy: front, availabilityTarget: 99.9, runbookUrl: RUNBOOK, prometheus: {} })).message)
      .toMatch(/'frontProxy' counts ledger's requests by HTTP status, which is 200 for a failed gRPC call/);
    expect(constructError(() => new ServiceLevelObjectives(chart, 'c', { service: web, availabilityTarget: 99.9, runbookUrl: RUNBOOK, datadog: { env: 'production', notify } })).problems.map((p) => p.prop))
      .toEqual(['service']);
  });
});

test('docs/slo.md shows the page alert the observability-elastic example generates, as it is generated', () => {
  const app = Testing.app();
  buildExamples(app);
  const rule = app.charts.flatMap((c) => synth(c)).find((m) => m.kind === 'PrometheusRule' && m.metadata.name === 'invoice-api-slo')!;
  const page = rule.spec.groups.find((g: Manifest) => g.name.endsWith('availability-alerts')).rules[0];
  expect(fs.readFileSync(path.join(__dirname, '..', 'docs', 'slo.md'), 'utf8')).toContain(`\`\`\`yaml\n${stringify(page)}\`\`\``);
});
