/**
 * Istio's mesh policy resources for the services of a product: Sidecar
 * (egress scope), DestinationRule (connection pool, outlier detection),
 * PeerAuthentication (mTLS) and Telemetry (tracing). Specs are built by pure
 * functions; each construct writes one object.
 */
import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { NameRule, resolveIdentity } from '../common/identity';
import { dns1123LabelError } from '../common/names';
import { Tracing, TracingProvider } from '../telemetry/tracing';
import { checkTracing } from '../telemetry/tracing-feature';
import { IObservableWorkload } from '../workload/observable-workload';

/** The namespace of the Istio control plane. */
export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';

/** The Sidecar egress host (`<namespace>/<dns name>`) of an in-cluster DNS name, or `*\/<host>` outside the cluster. */
export function egressHost(host: string): string {
  const match = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return match ? `${match[1]}/${host}` : `*/${host}`;
}

/**
 * The Sidecar spec: egress only to what the service declares (the services it
 * depends on, its tracing backend, the DNS names of its external egress), the
 * further dependencies and hosts given, and istio-system.
 */
export function sidecarSpec(service: IObservableWorkload, dependsOn: readonly IObservableWorkload[], extraHosts: readonly string[]): Record<string, unknown> {
  const hosts = [...service.dependsOn, ...dependsOn].map((d) => egressHost(d.dnsName));
  hosts.push(...service.egress.map((destination) => egressHost(destination.host)));
  hosts.push(...service.externalEgress.filter((rule) => rule.kind === 'fqdn').map((rule) => egressHost(rule.destination)));
  hosts.push(...extraHosts, `${ISTIO_SYSTEM_NAMESPACE}/*`);
  return { workloadSelector: { labels: { ...service.selector } }, egress: [{ hosts: [...new Set(hosts)] }] };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Why an egress host of a Sidecar is not one Istio accepts (istio/istio
 * pkg/config/validation/agent/validation.go: ValidateNamespaceSlashWildcardHostname
 * for sidecars, validateSidecarOrGatewayHostnamePart, ValidateWildcardDomain,
 * ValidatePartialWildCard): `<namespace>/<dnsName>`, the namespace `*`, `.`,
 * `~` or a DNS-1123 label; the name `*`, or a qualified name (at least one
 * '.') of at most 255 characters whose first label may be `*` and whose
 * labels are DNS-1123 labels, the last not all digits.
 */
export function sidecarHostError(host: unknown): string | undefined {
  const form = `(${quote(host)}) must be "<namespace>/<host>": the namespace '*', '.', '~' or a namespace name; the host '*' or a DNS name such as api.example.com or *.example.com`;
  if (typeof host !== 'string') return form;
  const slash = host.indexOf('/');
  const [namespace, name] = [host.slice(0, slash), host.slice(slash + 1)];
  if (slash < 0 || !(['*', '.', '~'].includes(namespace) || DNS1123_LABEL.test(namespace))) return form;
  if (name === '*') return undefined;
  const labels = name.split('.');
  const labelsOk = labels.every((l, i) => DNS1123_LABEL.test(l) || (i === 0 && l === '*'));
  return name.length <= 255 && labels.length >= 2 && labelsOk && !/^\d+$/.test(labels[labels.length - 1]) ? undefined : form;
}

/** Props of a {@link MeshSidecarScope}. */
export interface MeshSidecarScopeProps {
  /** The workload whose proxy is scoped. */
  readonly service: IObservableWorkload;
  /**
   * Services it calls besides those the service declares with its own
   * `dependsOn`, which the scope always reads.
   * @deprecated declare the calls once, as the `ObservableService`'s `dependsOn`:
   * the network policies read them from there too. Still added when given.
   * @default - none: the service's own dependsOn, its tracing backend and istio-system
   */
  readonly dependsOn?: IObservableWorkload[];
  /**
   * Other egress hosts, as `<namespace>/<host>` or `*\/<host>`.
   * @default - none
   */
  readonly extraHosts?: string[];
}

/** What a mesh construct writes: one Istio object. */
interface MeshObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The workload the object is about, if any. */
  readonly service?: IObservableWorkload;
  readonly spec: Record<string, unknown>;
}

/**
 * Writes a mesh construct's object once its props are checked (throwing
 * their problems first). One about a workload carries the workload's labels;
 * a namespace-wide one its own identity (its name, the chart as part-of, the
 * `mesh-policy` component).
 */
function meshObject(scope: Construct, checker: PropChecker, object: MeshObject): ApiObject {
  const { name, namespace, service } = object;
  const labels = service ? service.labels : resolveIdentity(scope, checker, { name, namespace, component: 'mesh-policy' }, { nameRule: NameRule.OBJECT }).labels;
  checker.throwIfAny();
  return new ApiObject(scope, 'Resource', { apiVersion: object.apiVersion, kind: object.kind, metadata: { name, namespace, labels: { ...labels } }, spec: object.spec });
}

/**
 * An Istio `Sidecar` limiting a workload's proxy to the hosts it calls. By
 * default every proxy receives the config of every service in the mesh, so
 * proxy memory and istiod's push cost grow with the mesh; scoping keeps them flat.
 */
export class MeshSidecarScope extends Construct {
  /** The Istio `Sidecar` object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshSidecarScopeProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { service: ['object', 'give the workload whose proxy is scoped, such as an ObservableService'] });
    (props.extraHosts ?? []).forEach((host, i) => {
      const problem = sidecarHostError(host);
      checker.check(problem === undefined, `extraHosts[${i}]`, problem ?? '', "use '*/api.example.com' or 'payments/*'");
    });
    checker.check(!(props.dependsOn ?? []).includes(props.service), 'dependsOn', 'lists the service itself', 'list only the services it calls');
    this.apiObject = meshObject(this, checker, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      name: props.service.name,
      namespace: props.service.namespace,
      service: props.service,
      spec: sidecarSpec(props.service, props.dependsOn ?? [], props.extraHosts ?? []),
    });
  }
}

/** Connection pool limits (Istio ConnectionPoolSettings). */
export interface ConnectionPoolProps {
  /**
   * Most TCP connections to the host, from each proxy.
   * @default 1024
   */
  readonly maxConnections?: number;
  /**
   * How long a TCP connection may take to open.
   * @default 1 s
   */
  readonly connectTimeout?: Duration;
  /**
   * Most HTTP/1.1 requests waiting for a connection.
   * @default 1024
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Most concurrent HTTP/2 requests to the host.
   * @default 1024
   */
  readonly http2MaxRequests?: number;
  /**
   * Most concurrent retries to the host.
   * @default 3
   */
  readonly maxRetries?: number;
}

/** Outlier detection (Istio OutlierDetection). */
export interface OutlierDetectionProps {
  /**
   * Consecutive 5xx answers that eject a host.
   * @default 5
   */
  readonly consecutive5xxErrors?: number;
  /**
   * How often hosts are assessed.
   * @default 10 s
   */
  readonly interval?: Duration;
  /**
   * How long an ejected host stays out (longer for each ejection).
   * @default 30 s
   */
  readonly baseEjectionTime?: Duration;
  /**
   * The largest share of hosts that may be ejected at once.
   * @default 50
   */
  readonly maxEjectionPercent?: number;
}

/** Props of a {@link MeshDestinationRule}. */
export interface MeshDestinationRuleProps {
  /** The workload whose callers the rule applies to. */
  readonly service: IObservableWorkload;
  /**
   * Connection pool limits.
   * @default - 1024 connections, 1024 pending and concurrent requests, 3 retries, 1 s connect timeout
   */
  readonly connectionPool?: ConnectionPoolProps;
  /**
   * Ejection of failing hosts.
   * @default - 5 consecutive 5xx, every 10 s, 30 s out, at most 50%
   */
  readonly outlierDetection?: OutlierDetectionProps;
}

function istioDuration(d: Duration): string {
  return `${d.toMilliseconds() / 1000}s`;
}

/** The DestinationRule spec with documented defaults (Envoy's circuit breaker defaults; ejection as for FrontEnvoy). */
export function destinationRuleSpec(service: IObservableWorkload, pool: ConnectionPoolProps = {}, outlier: OutlierDetectionProps = {}): Record<string, unknown> {
  return {
    host: service.dnsName,
    trafficPolicy: {
      connectionPool: {
        tcp: { maxConnections: pool.maxConnections ?? 1024, connectTimeout: istioDuration(pool.connectTimeout ?? Duration.seconds(1)) },
        http: {
          http1MaxPendingRequests: pool.http1MaxPendingRequests ?? 1024,
          http2MaxRequests: pool.http2MaxRequests ?? 1024,
          maxRetries: pool.maxRetries ?? 3,
        },
      },
      outlierDetection: {
        consecutive5xxErrors: outlier.consecutive5xxErrors ?? 5,
        interval: istioDuration(outlier.interval ?? Duration.seconds(10)),
        baseEjectionTime: istioDuration(outlier.baseEjectionTime ?? Duration.seconds(30)),
        maxEjectionPercent: outlier.maxEjectionPercent ?? 50,
      },
    },
  };
}

/** An Istio `DestinationRule`: connection pool limits and outlier ejection for calls to a service. */
export class MeshDestinationRule extends Construct {
  /** The Istio `DestinationRule` object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshDestinationRuleProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { service: ['object', 'give the workload whose callers the rule applies to'] });
    for (const [key, value] of Object.entries(props.connectionPool ?? {})) {
      if (typeof value === 'number') checker.check(Number.isInteger(value) && value >= 1, `connectionPool.${key}`, `(${value}) must be a whole number of at least 1`, 'give a limit');
    }
    // istiod's webhook rejects durations under 1 ms (pkg/config/validation, agent.ValidateDuration).
    const durations: Array<readonly [string, Duration | undefined]> = [
      ['connectionPool.connectTimeout', props.connectionPool?.connectTimeout],
      ['outlierDetection.interval', props.outlierDetection?.interval],
      ['outlierDetection.baseEjectionTime', props.outlierDetection?.baseEjectionTime],
    ];
    for (const [prop, d] of durations) {
      if (d !== undefined) checker.check(d.toMilliseconds() >= 1, prop, `(${d.toMilliseconds()} ms) must be at least 1 ms`, 'give a duration such as Duration.seconds(1)');
    }
    const percent = props.outlierDetection?.maxEjectionPercent;
    if (percent !== undefined) checker.check(percent >= 0 && percent <= 100, 'outlierDetection.maxEjectionPercent', `(${percent}) must be from 0 to 100`, 'use 50');
    const errors = props.outlierDetection?.consecutive5xxErrors;
    if (errors !== undefined) checker.check(Number.isInteger(errors) && errors >= 1, 'outlierDetection.consecutive5xxErrors', `(${errors}) must be a whole number of at least 1`, 'use 5');
    this.apiObject = meshObject(this, checker, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      name: props.service.name,
      namespace: props.service.namespace,
      service: props.service,
      spec: destinationRuleSpec(props.service, props.connectionPool, props.outlierDetection),
    });
  }
}

/**
 * Where a namespace-wide or per-workload policy applies: its namespace, its
 * name (the workload's, or `defaultName`) and the selector part of its spec.
 */
function policyTarget(checker: PropChecker, scope: Construct, props: { namespace?: string; service?: IObservableWorkload }, defaultName: string) {
  const namespace = props.namespace ?? props.service?.namespace ?? Chart.of(scope).namespace ?? 'default';
  const nsError = dns1123LabelError(namespace);
  checker.check(nsError === undefined, 'namespace', nsError ?? '', 'use an existing namespace');
  if (props.service) {
    checker.check(props.service.namespace === namespace, 'namespace', `(${namespace}) differs from the service's (${props.service.namespace})`, 'leave namespace out');
  }
  return {
    namespace,
    name: props.service?.name ?? defaultName,
    selector: props.service ? { selector: { matchLabels: { ...props.service.selector } } } : {},
  };
}

/** Props of a {@link MeshPeerAuthentication}. */
export interface MeshPeerAuthenticationProps {
  /**
   * The namespace; the policy covers all of it unless `service` is given.
   * @default - the service's namespace, or the chart's
   */
  readonly namespace?: string;
  /**
   * One workload only.
   * @default - the whole namespace
   */
  readonly service?: IObservableWorkload;
}

/** An Istio `PeerAuthentication` requiring mutual TLS (`STRICT`), namespace-wide or for one workload. */
export class MeshPeerAuthentication extends Construct {
  /** The Istio `PeerAuthentication` object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshPeerAuthenticationProps = {}) {
    super(scope, id);
    const checker = new PropChecker(this);
    // "default" is the name Istio documents for a namespace-wide policy.
    const target = policyTarget(checker, this, props, 'default');
    this.apiObject = meshObject(this, checker, {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      name: target.name,
      namespace: target.namespace,
      service: props.service,
      spec: { ...target.selector, mtls: { mode: 'STRICT' } },
    });
  }
}

/** The `meshConfig.extensionProviders` names the Telemetry resource refers to, by default. */
export const DEFAULT_MESH_TRACING_PROVIDER: Readonly<Record<TracingProvider, string>> = {
  [TracingProvider.DATADOG]: 'datadog',
  [TracingProvider.OPENTELEMETRY]: 'opentelemetry',
};

/**
 * The `meshConfig.extensionProviders` entry for a tracing value, for the
 * team's Istio install values: the Telemetry resource names it.
 */
export function meshTracingProvider(tracing: Tracing, name: string = DEFAULT_MESH_TRACING_PROVIDER[tracing.provider]): Record<string, unknown> {
  const backend = { service: tracing.collectorHost, port: tracing.collectorPort };
  return tracing.provider === TracingProvider.DATADOG ? { name, datadog: backend } : { name, opentelemetry: backend };
}

/** Props of a {@link MeshTelemetry}. */
export interface MeshTelemetryProps {
  /** The services' tracing: provider and sampling follow it. */
  readonly tracing: Tracing;
  /**
   * The namespace; the resource covers all of it unless `service` is given.
   * @default - the service's namespace, or the chart's
   */
  readonly namespace?: string;
  /**
   * One workload only.
   * @default - the whole namespace
   */
  readonly service?: IObservableWorkload;
  /**
   * The provider's name in `meshConfig.extensionProviders`.
   * @default 'datadog' or 'opentelemetry'
   */
  readonly providerName?: string;
}

/** An Istio `Telemetry` (telemetry.istio.io/v1) choosing the tracing provider and sampling to match the services' `Tracing`. */
export class MeshTelemetry extends Construct {
  /** The Istio `Telemetry` object. */
  public readonly apiObject: ApiObject;
  /** Where the sidecars it covers send their spans. */
  public readonly tracing: Tracing;
  /** The namespace it covers. */
  public readonly namespace: string;
  /** The one workload it covers, if not the whole namespace. */
  public readonly service?: IObservableWorkload;

  constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { tracing: ['object', "give the services' tracing, such as Tracing.datadog({ env: 'production' })"] });
    checkTracing(checker, props.tracing);
    checker.check(props.tracing.collectorHost !== undefined, 'tracing', 'has no network address for the proxies to send spans to', 'use DatadogAgent.clusterService() or an OTLP host for the mesh');
    const providerName = props.providerName ?? DEFAULT_MESH_TRACING_PROVIDER[props.tracing.provider];
    // The name of a `meshConfig.extensionProviders` entry: one token, as the mesh config's YAML writes it.
    checker.check(typeof providerName === 'string' && /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(providerName), 'providerName',
      `(${quote(providerName)}) must be 1 to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`, "give the provider's name in meshConfig.extensionProviders, such as 'otel-tracing'");
    const target = policyTarget(checker, this, props, 'tracing');
    this.tracing = props.tracing;
    this.namespace = target.namespace;
    this.service = props.service;
    this.apiObject = meshObject(this, checker, {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      name: target.name,
      namespace: target.namespace,
      service: props.service,
      spec: {
        ...target.selector,
        tracing: [{
          providers: [{ name: providerName }],
          randomSamplingPercentage: props.tracing.samplingPercentage,
        }],
      },
    });
  }
}
