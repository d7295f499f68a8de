/**
 * The same alerts for teams without Datadog (the Prometheus Operator's stack): Prometheus
 * Operator `PrometheusRule`s on Istio's standard metrics.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { NameRule, resolveIdentity } from '../common/identity';
import { checkMetadataMap } from '../common/labels';
import { ObservableService } from '../service/observable-service';
import { AlertThresholds, DEFAULT_ERROR_RATE, DEFAULT_LATENCY_P99 } from './datadog';
import { istioSli } from './prometheus-sli';
import { runbookTemplateError, runbookUrl } from './runbook';

/** The 5xx share (for gRPC, server-failure statuses) of a service's requests over 5 minutes, from its sidecar. */
export function errorRateExpr(service: ObservableService): string {
  return istioSli(service).errorRatio('5m');
}

/** A service's p99 latency in milliseconds over 5 minutes, from its sidecar. */
export function latencyP99Expr(service: ObservableService): string {
  return istioSli(service).latencyQuantile(0.99, '5m');
}

/** Props of {@link PrometheusAlerts}. */
export interface PrometheusAlertsProps {
  /**
   * The services to watch, each with its own alerts. Each needs an Istio
   * sidecar (`mesh`): the alerts read the standard metrics its sidecar reports.
   */
  readonly services: ObservableService[];
  /**
   * The runbook linked from every alert, as a URL template: `{signal}` becomes
   * the alert's signal (`error-rate`, `latency-p99`) and `{service}` the
   * service's name.
   *
   * @example 'https://runbooks.example.com/payments/{service}/{signal}'
   */
  readonly runbookUrl: string;
  /**
   * The 5xx share of requests over 5 minutes, as a fraction.
   * @default - critical 0.05, warning 0.02
   */
  readonly errorRate?: AlertThresholds;
  /**
   * p99 latency over 5 minutes, in seconds.
   * @default - critical 1, warning 0.5
   */
  readonly latencyP99Seconds?: AlertThresholds;
  /**
   * Labels Prometheus uses to pick up the rule (the Prometheus resource's ruleSelector).
   * @default - none
   */
  readonly ruleLabels?: Record<string, string>;
}

type PromRule = { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> };

function rules(name: string, expr: string, t: AlertThresholds, summary: string, runbook: string, service: ObservableService): PromRule[] {
  const levels: Array<[string, number]> = [['critical', t.critical], ...(t.warning !== undefined ? [['warning', t.warning] as [string, number]] : [])];
  return levels.map(([severity, threshold]) => ({
    alert: `${name}${severity === 'critical' ? 'Critical' : 'Warning'}`,
    expr: `${expr} > ${threshold}`,
    for: '5m',
    labels: { severity, service: service.name },
    annotations: { summary: `${summary} is above ${threshold}`, runbook_url: runbook },
  }));
}

/** A `PrometheusRule` (monitoring.coreos.com/v1) with the error-rate and latency alerts of each service. */
export class PrometheusAlerts extends Construct {
  /** The `PrometheusRule` object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PrometheusAlertsProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      services: ['array', 'list the services to watch'],
      runbookUrl: ['string', "give the runbooks' URL template, such as 'https://runbooks.example.com/{service}/{signal}'"],
    });
    props.services.forEach((s, i) => checker.check(s instanceof ObservableService, `services[${i}]`, `(${quote(s)}) is not an ObservableService`, 'list ObservableService constructs'));
    checker.throwIfAny();
    checker.check(props.services.length > 0, 'services', 'is empty', 'list the services to watch');
    props.services.forEach((service, i) => {
      checker.check(service.mesh !== undefined, `services[${i}]`, `(${service.name}) has no Istio sidecar, so istio_requests_total has no series for it and its alerts would never fire`,
        'give the service mesh: {}, or write its objectives with ServiceLevelObjectives and frontProxy');
    });
    // Prometheus expands `{{` in annotations as a template: runbookTemplateError refuses it.
    const runbookProblem = runbookTemplateError(props.runbookUrl, 'prometheus');
    checker.check(runbookProblem === undefined, 'runbookUrl', runbookProblem ?? '', "give the runbooks' URL, such as 'https://runbooks.example.com/{service}/{signal}'");
    checkMetadataMap(checker, 'ruleLabels', props.ruleLabels, 'labels');
    const identity = resolveIdentity(this, checker, { component: 'monitoring' }, { nameRule: NameRule.OBJECT });
    checker.throwIfAny();
    const errorRate = props.errorRate ?? DEFAULT_ERROR_RATE;
    const latency = props.latencyP99Seconds ?? DEFAULT_LATENCY_P99;
    const groups = props.services.map((s) => ({
      name: `${s.namespace}.${s.name}`,
      rules: [
        ...rules('ServiceErrorRate', errorRateExpr(s), errorRate, `The 5xx rate of ${s.name}`, runbookUrl(props.runbookUrl, 'error-rate', s.name), s),
        ...rules('ServiceLatencyP99', latencyP99Expr(s), { critical: latency.critical * 1000, warning: latency.warning === undefined ? undefined : latency.warning * 1000 },
          `The p99 latency (ms) of ${s.name}`, runbookUrl(props.runbookUrl, 'latency-p99', s.name), s),
      ],
    }));
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: identity.name, namespace: identity.namespace, labels: { ...identity.labels, ...props.ruleLabels } },
      spec: { groups },
    });
  }
}
