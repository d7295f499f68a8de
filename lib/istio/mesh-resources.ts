/**
 * Istio's mesh policy resources for the services of a product: Sidecar
 * (egress scope), DestinationRule (connection pool, outlier detection),
 * PeerAuthentication (mTLS) and Telemetry (tracing). Specs are built by pure
 * functions; each construct writes one object.
 */
import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker } from '../common/errors';
import { NameRule, resolveIdentity } from '../common/identity';
import { dns1123LabelError } from '../common/names';
import { Tracing, TracingProvider } from '../telemetry/tracing';
import { checkSampling } from '../telemetry/tracing-feature';
import { IObservableWorkload } from '../workload/observable-workload';

/** The namespace of the Istio control plane. */
export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';

/** The Sidecar egress host (`<namespace>/<dns name>`) of an in-cluster DNS name, or `*\/<host>` outside the cluster. */
export function egressHost(host: string): string {
  const match = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return match ? `${match[1]}/${host}` : `*/${host}`;
}

/** The Sidecar spec: egress only to the declared dependencies, the tracing backend and istio-system. */
export function sidecarSpec(service: IObservableWorkload, dependsOn: readonly IObservableWorkload[], extraHosts: readonly string[]): Record<string, unknown> {
  const hosts = [...dependsOn.map((d) => egressHost(d.dnsName))];
  hosts.push(...service.egress.map((destination) => egressHost(destination.host)));
  hosts.push(...extraHosts, `${ISTIO_SYSTEM_NAMESPACE}/*`);
  return { workloadSelector: { labels: { ...service.selector } }, egress: [{ hosts: [...new Set(hosts)] }] };
}

/** Props of a {@link MeshSidecarScope}. */
export interface MeshSidecarScopeProps {
  /** The workload whose proxy is scoped. */
  readonly service: IObservableWorkload;
  /** The services it calls. */
  readonly dependsOn?: IObservableWorkload[];
  /** Other egress hosts, as `<namespace>/<host>` or `*\/<host>`. */
  readonly extraHosts?: string[];
}

/**
 * Metadata of a mesh object: one about a workload carries the workload's
 * labels; a namespace-wide one its own identity (its name, the chart as
 * part-of, the `mesh-policy` component).
 */
function metadata(scope: Construct, checker: PropChecker, name: string, namespace: string, service?: IObservableWorkload): { name: string; namespace: string; labels: Record<string, string> } {
  const labels = service ? service.labels : resolveIdentity(scope, checker, { name, namespace, component: 'mesh-policy' }, { nameRule: NameRule.OBJECT }).labels;
  return { name, namespace, labels: { ...labels } };
}

/**
 * An Istio `Sidecar` limiting a workload's proxy to the hosts it calls. By
 * default every proxy receives the config of every service in the mesh, so
 * proxy memory and istiod's push cost grow with the mesh; scoping keeps them flat.
 */
export class MeshSidecarScope extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshSidecarScopeProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    (props.extraHosts ?? []).forEach((host, i) => {
      checker.check(/^(\*|\.|[a-z0-9]([-a-z0-9]*[a-z0-9])?)\/\S+$/.test(host), `extraHosts[${i}]`, `("${host}") must be "<namespace>/<host>"`, "use '*/api.example.com' or 'payments/*'");
    });
    checker.check(!(props.dependsOn ?? []).includes(props.service), 'dependsOn', 'lists the service itself', 'list only the services it calls');
    const meta = metadata(this, checker, props.service.name, props.service.namespace, props.service);
    checker.throwIfAny();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: meta,
      spec: sidecarSpec(props.service, props.dependsOn ?? [], props.extraHosts ?? []),
    });
  }
}

/** Connection pool limits (Istio ConnectionPoolSettings). */
export interface ConnectionPoolProps {
  /** @default 1024 */
  readonly maxConnections?: number;
  /** @default 1 s */
  readonly connectTimeout?: Duration;
  /** @default 1024 */
  readonly http1MaxPendingRequests?: number;
  /** @default 1024 */
  readonly http2MaxRequests?: number;
  /** Concurrent retries to the host. @default 3 */
  readonly maxRetries?: number;
}

/** Outlier detection (Istio OutlierDetection). */
export interface OutlierDetectionProps {
  /** @default 5 */
  readonly consecutive5xxErrors?: number;
  /** @default 10 s */
  readonly interval?: Duration;
  /** @default 30 s */
  readonly baseEjectionTime?: Duration;
  /** @default 50 */
  readonly maxEjectionPercent?: number;
}

/** Props of a {@link MeshDestinationRule}. */
export interface MeshDestinationRuleProps {
  readonly service: IObservableWorkload;
  readonly connectionPool?: ConnectionPoolProps;
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
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshDestinationRuleProps) {
    super(scope, id);
    const checker = new PropChecker(this);
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
    const meta = metadata(this, checker, props.service.name, props.service.namespace, props.service);
    checker.throwIfAny();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta,
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
  /** One workload only. */
  readonly service?: IObservableWorkload;
}

/** An Istio `PeerAuthentication` requiring mutual TLS (`STRICT`), namespace-wide or for one workload. */
export class MeshPeerAuthentication extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshPeerAuthenticationProps = {}) {
    super(scope, id);
    const checker = new PropChecker(this);
    // "default" is the name Istio documents for a namespace-wide policy.
    const target = policyTarget(checker, this, props, 'default');
    const meta = metadata(this, checker, target.name, target.namespace, props.service);
    checker.throwIfAny();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta,
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
  /** @default - the service's namespace, or the chart's */
  readonly namespace?: string;
  /** One workload only. */
  readonly service?: IObservableWorkload;
  /**
   * The provider's name in `meshConfig.extensionProviders`.
   * @default 'datadog' or 'opentelemetry'
   */
  readonly providerName?: string;
}

/** An Istio `Telemetry` (telemetry.istio.io/v1) choosing the tracing provider and sampling to match the services' `Tracing`. */
export class MeshTelemetry extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checkSampling(checker, props.tracing);
    checker.check(props.tracing.collectorHost !== undefined, 'tracing', 'has no network address for the proxies to send spans to', 'use DatadogAgent.clusterService() or an OTLP host for the mesh');
    const target = policyTarget(checker, this, props, 'tracing');
    const meta = metadata(this, checker, target.name, target.namespace, props.service);
    checker.throwIfAny();
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: meta,
      spec: {
        ...target.selector,
        tracing: [{
          providers: [{ name: props.providerName ?? DEFAULT_MESH_TRACING_PROVIDER[props.tracing.provider] }],
          randomSamplingPercentage: props.tracing.samplingPercentage,
        }],
      },
    });
  }
}
