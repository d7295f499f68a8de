/**
 * Service level objectives as code: an availability objective and an
 * optional latency objective per service, an error budget over a window, and
 * multiwindow, multi-burn-rate alerts (burn-rate.ts), written for Prometheus
 * (recording rules and alerts in a `PrometheusRule`, in the style of Sloth's
 * output) and for Datadog (`DatadogSLO` objects and burn-rate monitors) from
 * the one declaration.
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { frozen } from '../common/frozen';
import { NameRule, resolveIdentity } from '../common/identity';
import { LABEL_SLO_FOR, checkMetadataMap } from '../common/labels';
import { FrontEnvoy } from '../envoy/front-envoy';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';
import { SLO_WINDOW_DAYS, Severity, burnRateAlerts, datadogWindows, decimals, errorBudget, prometheusWindows } from './burn-rate';
import { datadogHandleError, datadogTagValueError } from './datadog-text';
import { PrometheusSli, envoyUpstreamSli, istioSli } from './prometheus-sli';
import { runbookLinkError } from './runbook';
import { DatadogSloSpec, burnRateMonitorSpec, datadogSloSpec } from './slo-datadog';
import { Objective, ObjectiveFacts, ResolvedObjective } from './slo-model';
import { RuleGroup, sloRuleGroups } from './slo-prometheus';


/** A latency objective: `target` percent of requests faster than `threshold`. */
export interface LatencyObjectiveProps {
  /** The latency a request must beat. For Prometheus, a bucket bound of Istio's (Envoy's) histogram. */
  readonly threshold: Duration;
  /** The share of requests, in percent, that must beat it (99 for "99 % under 250 ms"). */
  readonly target: number;
}

/** Where the Prometheus objects go. */
export interface PrometheusSloProps {
  /**
   * Labels Prometheus uses to pick up the rule (the Prometheus resource's ruleSelector).
   * @default - none
   */
  readonly ruleLabels?: Record<string, string>;
}

/** Where the Datadog objects go. */
export interface DatadogSloProps {
  /** The `env` tag of the service's spans (unified service tagging). */
  readonly env: string;
  /** Who the burn-rate monitors notify: Datadog handles such as `@pagerduty-payments` (pages) and `@slack-payments` (tickets). */
  readonly notify: BurnRateNotify;
  /**
   * The ids Datadog gave the SLOs, once the Datadog Operator has created them
   * (`kubectl get datadogslo <service>-availability -o jsonpath='{.status.id}'`).
   * A burn-rate monitor names its SLO by id, which exists only after the first
   * apply; until an id is given, its SLO has no burn-rate monitors (and the
   * readiness rule OBS-SLO3 says so).
   * @default - none yet
   */
  readonly sloIds?: DatadogSloIds;
}

/** Who the burn-rate monitors of each severity notify. */
export interface BurnRateNotify {
  /** Datadog handles paged by a fast burn, such as `@pagerduty-payments`. */
  readonly page: string[];
  /** Datadog handles that get a ticket for a slow burn, such as `@slack-payments`. */
  readonly ticket: string[];
}

/** The ids Datadog gave the SLOs, by objective. */
export interface DatadogSloIds {
  /**
   * The availability SLO's id (32 hex digits).
   * @default - not created yet
   */
  readonly availability?: string;
  /**
   * The latency SLO's id (32 hex digits).
   * @default - not created yet
   */
  readonly latency?: string;
}

/** Props of {@link ServiceLevelObjectives}. */
export interface ServiceLevelObjectivesProps {
  /** The service the objectives are about. */
  readonly service: ObservableService;
  /**
   * For a service outside the mesh: the `FrontEnvoy` routing to it, whose
   * upstream cluster statistics count its requests (Prometheus only). A
   * service in the mesh is counted by its own sidecar.
   * @default - the service's Istio sidecar
   */
  readonly frontProxy?: FrontEnvoy;
  /** The share of requests, in percent, that must succeed (not a 5xx; for gRPC, not a server-failure status). */
  readonly availabilityTarget: number;
  /**
   * A latency objective.
   * @default - none
   */
  readonly latency?: LatencyObjectiveProps;
  /**
   * The period the error budget covers: 7, 30 or 90 days (Datadog's SLO timeframes, which the burn-rate tables are written for).
   * @default 30 days
   */
  readonly window?: Duration;
  /** The runbook linked from every alert. */
  readonly runbookUrl: string;
  /**
   * Write the objectives for Prometheus (a `PrometheusRule`).
   * @default - not for Prometheus
   */
  readonly prometheus?: PrometheusSloProps;
  /**
   * Write the objectives for Datadog (`DatadogSLO` objects and burn-rate monitors).
   * @default - not for Datadog
   */
  readonly datadog?: DatadogSloProps;
}

const DAY_MINUTES = 24 * 60;

/**
 * Availability and latency objectives of one service, with their error
 * budgets and burn-rate alerts, for Prometheus, Datadog or both.
 */
export class ServiceLevelObjectives extends Construct {
  /** The objectives, in figures. */
  public readonly objectives: ObjectiveFacts[];
  /** The `PrometheusRule`, when written for Prometheus. */
  public readonly prometheusRule?: ApiObject;
  /** The rule groups of the `PrometheusRule` (recording rules and alerts), when written for Prometheus. */
  public readonly ruleGroups?: RuleGroup[];
  /** The `DatadogSLO` objects, by objective. */
  public readonly datadogSlos: Readonly<Record<string, ApiObject>>;
  /** The Datadog burn-rate monitors, by name (none for an SLO whose id is not given yet). */
  public readonly burnRateMonitors: Readonly<Record<string, ApiObject>>;
  /** The service. */
  public readonly service: ObservableService;
  /** The Datadog `env`, when written for Datadog. */
  public readonly datadogEnv?: string;
  /** The objectives with the service, for the dashboard's widgets. @internal */
  public readonly _resolved: readonly ResolvedObjective[];

  constructor(scope: Construct, id: string, props: ServiceLevelObjectivesProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      service: ['object', 'give the ObservableService the objectives are about'],
      availabilityTarget: ['number', 'give the share of requests that must succeed, such as 99.9'],
      runbookUrl: ['string', "link the runbook of this service's objectives"],
    });
    checker.check(props.service instanceof ObservableService, 'service', `(${quote(props.service)}) is not an ObservableService`, 'give the ObservableService the objectives are about');
    if (props.frontProxy !== undefined) checker.check(props.frontProxy instanceof FrontEnvoy, 'frontProxy', `(${quote(props.frontProxy)}) is not a FrontEnvoy`, 'give the FrontEnvoy routing to the service');
    if (props.latency !== undefined) {
      checker.required('latency.threshold', props.latency.threshold, 'object', 'give the latency users notice, such as Duration.millis(250)');
      checker.required('latency.target', props.latency.target, 'number', 'give the share of requests that must beat it, such as 99');
    }
    if (props.datadog !== undefined) {
      checker.required('datadog.env', props.datadog.env, 'string', "give the env tag of the service's spans, such as 'production'");
      checker.required('datadog.notify', props.datadog.notify, 'object', "give the handles to notify: { page: ['@pagerduty-payments'], ticket: ['@slack-payments'] }");
      for (const severity of [Severity.PAGE, Severity.TICKET]) checker.required(`datadog.notify.${severity}`, props.datadog.notify?.[severity], 'array', "list Datadog handles such as '@pagerduty-payments'");
    }
    checker.throwIfAny();
    const service = this.service = props.service;
    checker.check(props.prometheus !== undefined || props.datadog !== undefined, 'prometheus', 'and datadog are both missing: no objective would be written',
      'give prometheus: {} or datadog: { env, notify } (or both)');
    // Datadog reads '@' in a monitor's message as a handle; Prometheus expands `{{` in annotations.
    const runbookProblem = runbookLinkError(props.runbookUrl, props.datadog ? 'datadog' : 'prometheus');
    checker.check(runbookProblem === undefined, 'runbookUrl', runbookProblem ?? '', 'link the runbook of this service\'s objectives');

    const windowMinutes = (props.window ?? Duration.days(30)).toMinutes();
    const windowDays = windowMinutes / DAY_MINUTES;
    // The burn-rate tables are written for these windows (burn-rate.ts), which are Datadog's SLO timeframes too.
    const windowOk = checker.check(SLO_WINDOW_DAYS.includes(windowDays), 'window', `(${windowMinutes / 60} hours) must be 7, 30 or 90 days: the windows the burn-rate tables are written for`,
      'use Duration.days(30), the window of the SRE Workbook\'s table');

    const sli = this.prometheusSli(checker, props);
    const objectives: ResolvedObjective[] = [];
    const resolve = (objective: Objective, prop: string, target: number, thresholdMs?: number) => {
      // 100 % leaves no budget: every alert would fire on the first error, or never be meaningful.
      if (!checker.check(Number.isFinite(target) && target > 0 && target < 100 && decimals(target) <= 4, prop, `(${target}) must be a percentage above 0 and below 100, with at most 4 decimals`,
        'no service is perfect: an objective of 100 % leaves no error budget; choose what users need, such as 99.9')) return;
      if (!windowOk) return;
      const budgetFraction = errorBudget(target);
      const alerts = burnRateAlerts(prometheusWindows(windowDays), windowMinutes);
      const datadogAlerts = burnRateAlerts(datadogWindows(windowDays), windowMinutes);
      const rows = [...(props.prometheus ? alerts : []), ...(props.datadog ? datadogAlerts : [])];
      // A burn rate above 1 / budget needs more than 100 % errors: such an alert can never fire (and Datadog refuses it).
      const impossible = rows.find((a) => a.factor * budgetFraction > 1);
      checker.check(impossible === undefined, prop, `(${target}) leaves a budget of ${budgetFraction * 100} %: a burn rate of ${impossible?.factor} would need more than every request to fail, so that alert could never fire`,
        'raise the target (with 30 days, 94 % or more)');
      objectives.push({
        objective, targetPercent: target, budgetFraction, budgetMinutes: Number((windowMinutes * budgetFraction).toFixed(2)), windowDays, thresholdMs,
        alerts, datadogAlerts, id: `${service.namespace}/${service.name}/${objective}`, service, windowMinutes,
      });
    };
    resolve(Objective.AVAILABILITY, 'availabilityTarget', props.availabilityTarget);
    if (props.latency) {
      const ms = props.latency.threshold.toMilliseconds();
      checker.check(ms > 0, 'latency.threshold', 'must be positive', 'give the latency users notice, such as Duration.millis(250)');
      if (sli) {
        checker.check(sli.bucketsMs.includes(ms), 'latency.threshold', `(${ms} ms) is not a bucket bound of the latency histogram under 1,000 s (${sli.bucketsMs.join(', ')} ms)`,
          'choose a bound, such as 250 or 500 ms: Prometheus can count requests under a bound only');
      }
      resolve(Objective.LATENCY, 'latency.target', props.latency.target, ms);
    }
    if (props.datadog) this.checkDatadog(checker, props.datadog);
    if (props.prometheus) checkMetadataMap(checker, 'prometheus.ruleLabels', props.prometheus.ruleLabels, 'labels');
    const identity = resolveIdentity(this, checker, { name: `${service.name}-slo`, namespace: service.namespace, component: 'slo' }, { nameRule: NameRule.OBJECT });
    checker.throwIfAny();

    this.objectives = frozen(objectives.map(({ id: _id, service: _s, windowMinutes: _w, ...facts }) => facts));
    this._resolved = Object.freeze([...objectives]);
    const labels = { ...identity.labels, [LABEL_SLO_FOR]: service.name };
    if (props.prometheus && sli) {
      this.ruleGroups = frozen(sloRuleGroups(objectives, sli, props.runbookUrl));
      this.prometheusRule = new ApiObject(this, 'PrometheusRule', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: identity.name, namespace: identity.namespace, labels: { ...labels, ...props.prometheus.ruleLabels } },
        spec: { groups: this.ruleGroups },
      });
    }
    const slos: Record<string, ApiObject> = {};
    const monitors: Record<string, ApiObject> = {};
    if (props.datadog) {
      this.datadogEnv = props.datadog.env;
      for (const o of objectives) {
        const spec: DatadogSloSpec = datadogSloSpec(o, service.traceServiceName as string, props.datadog.env);
        slos[o.objective] = new ApiObject(this, `DatadogSLO-${o.objective}`, {
          apiVersion: 'datadoghq.com/v1alpha1', kind: 'DatadogSLO',
          metadata: { name: `${service.name}-${o.objective}`, namespace: service.namespace, labels },
          spec,
        });
        const sloId = props.datadog.sloIds?.[o.objective];
        if (sloId === undefined) continue;
        for (const alert of o.datadogAlerts) {
          const name = `${service.name}-${o.objective}-burn-${alert.longMinutes / 60}h`;
          monitors[name] = new ApiObject(this, `BurnRate-${o.objective}-${alert.longMinutes}`, {
            apiVersion: 'datadoghq.com/v1alpha1', kind: 'DatadogMonitor',
            metadata: { name, namespace: service.namespace, labels },
            spec: burnRateMonitorSpec(o, alert, sloId, props.datadog, props.runbookUrl, service.traceServiceName as string),
          });
        }
      }
    }
    this.datadogSlos = Object.freeze(slos);
    this.burnRateMonitors = Object.freeze(monitors);
  }

  /** Where Prometheus counts the service's requests, or why it cannot. */
  private prometheusSli(checker: PropChecker, props: ServiceLevelObjectivesProps): PrometheusSli | undefined {
    const { service, frontProxy } = props;
    if (frontProxy) {
      checker.check(props.prometheus !== undefined, 'frontProxy', 'counts requests for Prometheus only, but prometheus is not given', 'give prometheus: {}, or leave frontProxy out');
      const routed = frontProxy.services.includes(service);
      checker.check(routed, 'frontProxy', `(${frontProxy.proxy.name}) routes nothing to ${service.name}, so its statistics do not count its requests`, 'give the FrontEnvoy whose routes reach the service');
      // A gRPC failure is an HTTP 200 with a grpc-status trailer: Envoy's upstream_rq_xx counts it as a success.
      checker.check(service.protocol !== Protocol.GRPC, 'frontProxy', `counts ${service.name}'s requests by HTTP status, which is 200 for a failed gRPC call`,
        'put the gRPC service in the mesh (mesh: {}): its sidecar counts gRPC statuses');
      return routed && service.protocol !== Protocol.GRPC ? envoyUpstreamSli(service) : undefined;
    }
    if (props.prometheus) {
      checker.check(service.mesh !== undefined, 'service', `(${service.name}) has no Istio sidecar, so istio_requests_total has no series for it`,
        'give the service mesh: {}, or give frontProxy: the FrontEnvoy in front of it');
    }
    return service.mesh !== undefined ? istioSli(service) : undefined;
  }

  private checkDatadog(checker: PropChecker, datadog: DatadogSloProps): void {
    checker.check(this.service.traceServiceName !== undefined, 'service', `(${this.service.name}) has no Istio sidecar: no Envoy span carries its name, so trace.envoy.proxy has no data for it`,
      'give the service mesh: {}');
    const envProblem = datadogTagValueError('env', datadog.env);
    checker.check(envProblem === undefined, 'datadog.env', envProblem ?? '', 'use lower-case letters, digits and - _ . : /');
    for (const severity of [Severity.PAGE, Severity.TICKET]) {
      const handles = datadog.notify[severity];
      checker.check(handles.length > 0, `datadog.notify.${severity}`, 'is empty', "give handles such as '@pagerduty-payments'");
      handles.forEach((h, i) => {
        const problem = datadogHandleError(h);
        checker.check(problem === undefined, `datadog.notify.${severity}[${i}]`, problem ?? '', "give handles such as '@pagerduty-payments'");
      });
    }
    for (const [objective, sloId] of Object.entries(datadog.sloIds ?? {})) {
      // Datadog SLO ids are 32 lower-case hex digits (the API's ServiceLevelObjective.id).
      checker.check(sloId === undefined || /^[0-9a-f]{32}$/.test(sloId), `datadog.sloIds.${objective}`, `(${quote(sloId)}) is not a Datadog SLO id (32 hex digits)`,
        `copy it from kubectl get datadogslo ${this.service.name}-${objective} -o jsonpath='{.status.id}'`);
    }
  }
}
