/**
 * The generated Prometheus rules through the real promtool: every rule file
 * passes `promtool check rules`, and the burn-rate alerts behave as the SRE
 * Workbook says on synthetic series (`promtool test rules`).
 */
import { Chart, Duration, Testing } from 'cdk8s';
import { FrontEnvoy, ObservableService, PrometheusAlerts, Protocol, ServiceLevelObjectives } from '../lib';
import { buildExamples } from '../examples/main';
import { checkRules, havePromtool, ruleFile, testRules } from './support/promtool';
import { Manifest, synth } from './support/synth';

const run = havePromtool();
const maybe = run ? test : test.skip;

function product(latency = false) {
  const chart = new Chart(Testing.app(), 'payments', { namespace: 'payments' });
  const checkout = new ObservableService(chart, 'checkout', { image: 'a/checkout:1.0.0', port: 8080, mesh: {} });
  const slos = new ServiceLevelObjectives(chart, 'checkout-slo', {
    service: checkout, availabilityTarget: 99.9, latency: latency ? { threshold: Duration.millis(250), target: 99 } : undefined,
    runbookUrl: 'https://runbooks.example.com/checkout/slo', prometheus: {},
  });
  return { chart, checkout, slos };
}

/** The rule groups of the SLO with annotations removed: the unit tests assert which alerts fire, not their text. */
function alertRules(slos: ServiceLevelObjectives): string {
  const groups = (slos.ruleGroups ?? []).map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...rule }) => rule) }));
  return ruleFile(groups);
}

/**
 * The rule evaluation interval of the tests that run for hours: the rules are evaluated every 5
 * minutes instead of every minute (the input series keep a sample a minute, so the 5-minute rates
 * still see five). promtool's cost grows with evaluations times the samples in the longest
 * window, so a day at one-minute steps took 5–7 s and this takes under 1 s. What the tests
 * assert, which alerts fire at a given time on steady rates, does not depend on the step; each
 * long test that expects nothing also reads a recorded ratio, so that it cannot pass on missing data.
 */
const LONG_RUN_EVALUATION = '5m';

/** A check that the recorded error ratio of `window` is `perMillion` per million requests at `minutes`: the rules saw the data. */
const recordedRatio = (objective: string, window: string, minutes: number, perMillion: number) => ({
  expr: `round(1e6 * max(slo:sli_error:ratio_rate${window}{slo_id="payments/checkout/${objective}"}))`,
  eval_time: `${minutes}m`,
  exp_samples: [{ labels: '{}', value: perMillion }],
});

const ID = { slo_namespace: 'payments', slo_service: 'checkout' };
const alert = (objective: string, severity: string) => ({ ...ID, slo_id: `payments/checkout/${objective}`, slo_objective: objective, severity });

/**
 * Requests to checkout as its sidecar reports them, a minute apart: `good`
 * and `bad` per minute for each phase, counted up from zero.
 */
function requests(phases: Array<{ minutes: number; good: number; bad: number }>): Array<{ series: string; values: string }> {
  const series = (code: string, per: (p: { good: number; bad: number }) => number) => {
    const values: number[] = [0];
    for (const p of phases) for (let i = 0; i < p.minutes; i++) values.push(values[values.length - 1] + per(p));
    return { series: `istio_requests_total{reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",response_code="${code}"}`, values: values.join(' ') };
  };
  return [series('200', (p) => p.good), series('503', (p) => p.bad)];
}

/** The latency histogram: `fast` requests under 250 ms and `slow` ones over it, per minute, with `le` written as `bound`. */
function latencies(minutes: number, fast: number, slow: number, bound = '250'): Array<{ series: string; values: string }> {
  const sel = 'reporter="destination",destination_service_name="checkout",destination_service_namespace="payments"';
  return [
    { series: `istio_request_duration_milliseconds_bucket{${sel},le="${bound}"}`, values: `0+${fast}x${minutes}` },
    { series: `istio_request_duration_milliseconds_bucket{${sel},le="+Inf"}`, values: `0+${fast + slow}x${minutes}` },
    { series: `istio_request_duration_milliseconds_count{${sel}}`, values: `0+${fast + slow}x${minutes}` },
  ];
}

describe('promtool check rules', () => {
  maybe('every generated rule file passes: the SLOs (availability, latency, Envoy upstream statistics) and the alerts', () => {
    const { chart, checkout, slos } = product(true);
    const web = new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    const edge = new ServiceLevelObjectives(chart, 'web-slo', {
      service: web, frontProxy: front, availabilityTarget: 99.5, latency: { threshold: Duration.millis(500), target: 95 }, runbookUrl: 'https://r.example.com/web', prometheus: {},
    });
    new PrometheusAlerts(chart, 'alerts', { services: [checkout], runbookUrl: 'https://r.example.com/x' });
    const rules = synth(chart).filter((m) => m.kind === 'PrometheusRule');
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      const result = checkRules(ruleFile(rule.spec.groups));
      expect([rule.metadata.name, result.output]).toEqual([rule.metadata.name, expect.stringMatching(/SUCCESS: \d+ rules found/)]);
      expect(result.status).toBe(0);
    }
    expect([slos, edge].map((s) => s.ruleGroups!.flatMap((g) => g.rules).length)).toEqual([30, 30]);
  });

  maybe('and catches a broken one (the check can fail)', () => {
    const { slos } = product();
    const broken = slos.ruleGroups!.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: r.expr.replace('sum(rate(', 'sum(rate((') })) }));
    expect(checkRules(ruleFile(broken)).status).not.toBe(0);
  });

  maybe('every PrometheusRule of the examples passes', () => {
    const app = Testing.app();
    buildExamples(app);
    const rules = app.charts.flatMap((c) => synth(c)).filter((m: Manifest) => m.kind === 'PrometheusRule');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect([rule.metadata.name, checkRules(ruleFile(rule.spec.groups)).status]).toEqual([rule.metadata.name, 0]);
  });
});

describe('promtool test rules: the burn-rate alerts on synthetic series (99.9 % over 30 days)', () => {
  maybe('a 2 % error ratio for 70 minutes pages (14.4x over 1 h and 5 min), and opens a ticket too', () => {
    const rules = alertRules(product().slos);
    const result = testRules(rules, {
      tests: [{
        interval: '1m',
        input_series: requests([{ minutes: 70, good: 980, bad: 20 }]),
        alert_rule_test: [
          { eval_time: '70m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('availability', 'page') }, { exp_labels: alert('availability', 'ticket') }] },
        ],
      }],
    });
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.status).toBe(0);
  });

  maybe('0.5 % for 7 hours opens a ticket but does not page (below 6x over 6 h)', () => {
    const result = testRules(alertRules(product().slos), {
      tests: [{
        interval: '1m',
        input_series: requests([{ minutes: 420, good: 995, bad: 5 }]),
        alert_rule_test: [{ eval_time: '420m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('availability', 'ticket') }] }],
      }],
    }, LONG_RUN_EVALUATION);
    expect(result.output).toMatch(/SUCCESS/);
  });

  maybe('0.05 % for a day fires nothing (half the budget rate)', () => {
    const result = testRules(alertRules(product().slos), {
      tests: [{
        interval: '1m',
        input_series: requests([{ minutes: 1440, good: 1999, bad: 1 }]),
        alert_rule_test: [{ eval_time: '1440m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
        promql_expr_test: [recordedRatio('availability', '1d', 1440, 500), recordedRatio('availability', '3d', 1440, 500)],
      }],
    }, LONG_RUN_EVALUATION);
    expect(result.output).toMatch(/SUCCESS/);
  });

  maybe('a 10-minute spike of 50 % pages while it lasts, and no longer once the short windows have recovered', () => {
    const result = testRules(alertRules(product().slos), {
      tests: [{
        interval: '1m',
        input_series: requests([{ minutes: 60, good: 1000, bad: 0 }, { minutes: 10, good: 500, bad: 500 }, { minutes: 60, good: 1000, bad: 0 }]),
        alert_rule_test: [
          { eval_time: '65m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('availability', 'page') }, { exp_labels: alert('availability', 'ticket') }] },
          // 31 minutes after the spike the 5- and 30-minute windows are clean: no page, though the 1 h and 6 h windows still hold the spike.
          { eval_time: '101m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('availability', 'ticket') }] },
        ],
      }],
    });
    expect(result.output).toMatch(/SUCCESS/);
  });

  maybe('the unit tests can fail: expecting no page during a 2 % burn is reported', () => {
    const result = testRules(alertRules(product().slos), {
      tests: [{
        interval: '1m',
        input_series: requests([{ minutes: 70, good: 980, bad: 20 }]),
        alert_rule_test: [{ eval_time: '70m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
      }],
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });
});

describe('promtool test rules: a latency objective (99 % under 250 ms over 30 days)', () => {
  maybe('20 % slow requests for 70 minutes page; 2 % for 7 hours opens a ticket only; 0.5 % for 7 hours fires nothing', () => {
    const rules = alertRules(product(true).slos);
    const result = testRules(rules, {
      tests: [
        { interval: '1m', input_series: latencies(70, 800, 200), alert_rule_test: [{ eval_time: '70m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('latency', 'page') }, { exp_labels: alert('latency', 'ticket') }] }] },
        { interval: '1m', input_series: latencies(420, 980, 20), alert_rule_test: [{ eval_time: '420m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('latency', 'ticket') }] }] },
        {
          interval: '1m', input_series: latencies(420, 995, 5), alert_rule_test: [{ eval_time: '420m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] }],
          promql_expr_test: [recordedRatio('latency', '6h', 420, 5000)],
        },
      ],
    }, LONG_RUN_EVALUATION);
    expect(result.output).toMatch(/SUCCESS/);
  });

  maybe("the bucket matcher holds on Prometheus 3's normalized le=\"250.0\" too", () => {
    const result = testRules(alertRules(product(true).slos), {
      tests: [{ interval: '1m', input_series: latencies(70, 800, 200, '250.0'), alert_rule_test: [{ eval_time: '70m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('latency', 'page') }, { exp_labels: alert('latency', 'ticket') }] }] }],
    });
    expect(result.output).toMatch(/SUCCESS/);
  });
});

describe('promtool test rules: a gRPC service counts failing statuses, not HTTP codes', () => {
  maybe('UNAVAILABLE answers (HTTP 200, grpc status 14) at 2 % page', () => {
    const chart = new Chart(Testing.app(), 'payments', { namespace: 'payments' });
    const ledger = new ObservableService(chart, 'checkout', { image: 'a/ledger:1.0.0', port: 9090, protocol: Protocol.GRPC, mesh: {} });
    const slos = new ServiceLevelObjectives(chart, 'slo', { service: ledger, availabilityTarget: 99.9, runbookUrl: 'https://r.example.com/x', prometheus: {} });
    const sel = 'reporter="destination",destination_service_name="checkout",destination_service_namespace="payments",response_code="200"';
    const result = testRules(alertRules(slos), {
      tests: [{
        interval: '1m',
        input_series: [
          { series: `istio_requests_total{${sel},grpc_response_status="0"}`, values: '0+980x70' },
          { series: `istio_requests_total{${sel},grpc_response_status="14"}`, values: '0+20x70' },
        ],
        alert_rule_test: [{ eval_time: '70m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [{ exp_labels: alert('availability', 'page') }, { exp_labels: alert('availability', 'ticket') }] }],
      }],
    });
    expect(result.output).toMatch(/SUCCESS/);
  });
});
