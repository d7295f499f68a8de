import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker, asOwnProps } from '../common/errors';
import { ANNOTATION_PREFIX } from '../common/labels';
import { cpuMillis, proxyConcurrency } from '../common/quantities';
import { AutoscalingProps, ThroughputProps } from '../service/capacity';
import { DEFAULT_HTTP_HEALTH } from '../service/health';
import { ObservableService } from '../service/observable-service';
import { NodeGroup, TopologySpread } from '../service/placement';
import { Protocol } from '../service/protocol';
import { DEFAULT_RESOURCES } from '../service/resources';
import { Tracing, TracingProvider } from '../telemetry/tracing';
import { checkSampling } from '../telemetry/wiring';
import {
  ActiveHealthCheckTiming, BootstrapSpec, CircuitBreakerSpec, JsonObject, OutlierDetectionSpec, RouteSpec, UpstreamSpec, bootstrap,
} from './config';
import { EnvoyConfigError, validateEnvoyConfig } from './validate';

/**
 * The Envoy image: the distroless variant of a current release, which runs
 * as the non-root user 65532 and carries no shell.
 * Release: v1.40.2, 2026-10-27 (envoyproxy.io version history).
 */
export const DEFAULT_ENVOY_IMAGE = 'envoyproxy/envoy:distroless-v1.40.2';

/**
 * The path Envoy answers for the load balancer. It can never be an
 * application's `/healthz`, `/ready` or `/live`: when Envoy answered the
 * application's own path, external monitoring stopped at Envoy (article 002, failure 1).
 */
export const DEFAULT_ENVOY_HEALTH_PATH = '/_envoy/health';

/** The bootstrap's file name in the ConfigMap and in the container. */
export const ENVOY_CONFIG_FILE = 'envoy.json';

/** Ports of the front proxy. */
export const DEFAULT_LISTENER_PORT = 8080;
export const DEFAULT_ADMIN_PORT = 9901;
export const DEFAULT_PROBE_PORT = 9902;

/** Default minimum share of healthy hosts per upstream for Envoy to report itself healthy. */
export const DEFAULT_MIN_HEALTHY_PERCENT = 25;

/** Envoy's own default route timeout, stated. */
export const DEFAULT_ROUTE_TIMEOUT = Duration.seconds(15);

/** Default retry: twice on 5xx, reset and connect failure. */
export const DEFAULT_RETRY_ON = ['5xx', 'reset', 'connect-failure'];
export const DEFAULT_NUM_RETRIES = 2;
/** Most retries a route may ask for: retries multiply load on a struggling upstream. */
export const MAX_NUM_RETRIES = 5;

/** Active health check defaults: every 5 s ± 1 s, 1 s timeout, 3 failures out, 2 successes in. */
export const DEFAULT_ACTIVE_HEALTH_CHECK: ActiveHealthCheckTiming = {
  intervalMs: 5000,
  timeoutMs: 1000,
  intervalJitterMs: 1000,
  initialJitterMs: 5000,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  noTrafficIntervalMs: 60000,
};

/** Outlier detection defaults (headless upstreams only): 5 consecutive 5xx eject a pod for 30 s, at most half the pods. */
export const DEFAULT_OUTLIER_DETECTION: OutlierDetectionSpec = { consecutive5xx: 5, intervalMs: 10000, baseEjectionTimeMs: 30000, maxEjectionPercent: 50 };

/** Circuit breaker defaults: Envoy's own, stated. */
export const DEFAULT_CIRCUIT_BREAKERS: CircuitBreakerSpec = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 };

/**
 * Upstreams that fit in one ConfigMap, mixed HTTP/gRPC with prefix routes and
 * tracing: about 2.7 kB each indented, 1.2 kB compact (npm run bench:envoy-capacity).
 */
export const MAX_UPSTREAMS_INDENTED = 375;
export const MAX_UPSTREAMS_COMPACT = 846;

/** Kubernetes rejects objects over 1 MiB (etcd's request limit); room is left for metadata. */
export const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;
const CONFIG_MAP_METADATA_ROOM = 16 * 1024;

/** Retry policy of a route. */
export interface RetryProps {
  /**
   * Retries after the first attempt; 0 turns retries off.
   * @default 2
   */
  readonly numRetries?: number;
  /**
   * Envoy `retry_on` conditions.
   * @default ['5xx', 'reset', 'connect-failure'], plus 'unavailable' for gRPC
   */
  readonly retryOn?: string[];
  /**
   * Timeout of each attempt.
   * @default - the route timeout
   */
  readonly perTryTimeout?: Duration;
}

/** A route from the front proxy to a service. */
export interface FrontEnvoyRoute {
  /** The upstream. */
  readonly service: ObservableService;
  /**
   * Path prefix to match. Give `prefix` or `path`.
   * @default '/' when `path` is not given
   */
  readonly prefix?: string;
  /** Exact path to match. */
  readonly path?: string;
  /**
   * Whole-request timeout.
   * @default 15 s
   */
  readonly timeout?: Duration;
  /**
   * Retries.
   * @default - 2 retries on 5xx, reset and connect-failure
   */
  readonly retries?: RetryProps;
  /**
   * Minimum share (0 to 100) of this service's hosts that must be healthy for
   * Envoy's health check to answer 200. Envoy truncates it to an integer.
   * @default - healthCheck.minHealthyPercent
   */
  readonly minHealthyPercent?: number;
}

/** Envoy's own health check, answered to the load balancer. */
export interface FrontEnvoyHealthCheckProps {
  /**
   * The path. Must not equal or shadow an application health path.
   * @default '/_envoy/health'
   */
  readonly path?: string;
  /**
   * Default minimum share (0 to 100) of healthy hosts per upstream.
   * @default 25
   */
  readonly minHealthyPercent?: number;
}

/** Active health checks from Envoy to its upstreams (on their readiness endpoint). */
export interface UpstreamHealthCheckProps {
  /** @default 5 s */
  readonly interval?: Duration;
  /** @default 1 s */
  readonly timeout?: Duration;
  /**
   * Random extra wait on every interval, so that many proxies do not check in step.
   * @default 1 s
   */
  readonly intervalJitter?: Duration;
  /**
   * Random wait before the first check, against a burst when all proxies restart.
   * @default 5 s
   */
  readonly initialJitter?: Duration;
  /** @default 3 */
  readonly unhealthyThreshold?: number;
  /** @default 2 */
  readonly healthyThreshold?: number;
  /**
   * Interval while a cluster has had no traffic.
   * @default 60 s
   */
  readonly noTrafficInterval?: Duration;
}

/** Props of a {@link FrontEnvoy}. */
export interface FrontEnvoyProps {
  /** Routes to the product's services, matched in order. */
  readonly routes: FrontEnvoyRoute[];
  /**
   * Distributed tracing.
   * @default - no tracing
   */
  readonly tracing?: Tracing;
  /**
   * Name of the objects and the service name in traces.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Envoy's health check for the load balancer.
   * @default - '/_envoy/health', 25% healthy hosts per upstream
   */
  readonly healthCheck?: FrontEnvoyHealthCheckProps;
  /**
   * Active health checks to the upstreams.
   * @default - every 5 s ± 1 s, 1 s timeout, 3 failures, 2 successes
   */
  readonly upstreamHealthCheck?: UpstreamHealthCheckProps;
  /**
   * Outlier detection of headless (gRPC) upstreams.
   * @default - 5 consecutive 5xx, 10 s interval, 30 s ejection, at most 50%
   */
  readonly outlierDetection?: Partial<OutlierDetectionSpec>;
  /**
   * Circuit breakers of every upstream.
   * @default - Envoy's: 1024 connections, pending requests and requests, 3 retries
   */
  readonly circuitBreakers?: Partial<CircuitBreakerSpec>;
  /** @default 8080 */
  readonly listenerPort?: number;
  /** Admin port, on 127.0.0.1 only. @default 9901 */
  readonly adminPort?: number;
  /** Port of the kubelet probe listener. @default 9902 */
  readonly probePort?: number;
  /**
   * Proxies in front of Envoy whose X-Forwarded-For entries are trusted.
   * @default 1 - the load balancer
   */
  readonly xffNumTrustedHops?: number;
  /**
   * Envoy pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Autoscaling instead of a fixed count.
   * @default - none
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Expected load through the proxy and what one Envoy pod serves, as for an
   * `ObservableService`: the pod counts and the autoscaler's default range follow.
   * @default - no capacity plan
   */
  readonly throughput?: ThroughputProps;
  /**
   * Container resources; the CPU limit also sets Envoy's worker threads.
   * @default - requests 250m / 256Mi, limits 1000m / 256Mi
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The Service type.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * Service annotations, such as the load balancer's.
   * @default - none
   */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /**
   * The Envoy image.
   * @default DEFAULT_ENVOY_IMAGE
   */
  readonly image?: string;
  /**
   * Write the config as compact JSON (less than half the size) instead of indented
   * JSON: more upstreams fit in one ConfigMap, at the cost of readable diffs.
   * @default false
   */
  readonly compactConfig?: boolean;
  /** @default - any node */
  readonly nodeGroup?: NodeGroup;
  /** @default TopologySpread.acrossHostsAndZones() */
  readonly topologySpread?: TopologySpread;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - the chart's id
   */
  readonly partOf?: string;
}

/**
 * The product's front proxy: load balancer → Envoy → application pods.
 *
 * Generates the Envoy bootstrap (v3) into a ConfigMap, and the Envoy
 * Deployment, Service and disruption budget as an {@link ObservableService}.
 * The config is validated against Envoy's own API at synth.
 */
export class FrontEnvoy extends Construct {
  /** The Envoy workload (Deployment, Service, disruption budget). */
  public readonly proxy: ObservableService;
  /** The ConfigMap holding `envoy.json`. */
  public readonly configMap: kplus.ConfigMap;
  /** The bootstrap, as data. */
  public readonly config: JsonObject;
  /** The bootstrap as written to the ConfigMap. */
  public readonly configText: string;
  /** The path Envoy answers for the load balancer. */
  public readonly healthPath: string;
  /** One entry per upstream cluster. */
  public readonly upstreams: readonly UpstreamSpec[];
  /** The routed services, once each, in route order. */
  public readonly services: readonly ObservableService[];
  /** External path of each routed HTTP service's `/healthz`, by service DNS name. */
  public readonly externalHealthPaths: Readonly<Record<string, string>>;
  /** Active health check timing. */
  public readonly activeHealthCheck: ActiveHealthCheckTiming;
  /** The tracing, if any. */
  public readonly tracing?: Tracing;
  private readonly compact: boolean;

  constructor(scope: Construct, id: string, props: FrontEnvoyProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    const name = props.name ?? id;
    const listenerPort = props.listenerPort ?? DEFAULT_LISTENER_PORT;
    const adminPort = props.adminPort ?? DEFAULT_ADMIN_PORT;
    const probePort = props.probePort ?? DEFAULT_PROBE_PORT;
    this.healthPath = props.healthCheck?.path ?? DEFAULT_ENVOY_HEALTH_PATH;
    this.tracing = props.tracing;
    this.compact = props.compactConfig ?? false;

    checkPorts(checker, { listenerPort, adminPort, probePort });
    const defaultMinHealthy = props.healthCheck?.minHealthyPercent ?? DEFAULT_MIN_HEALTHY_PERCENT;
    checkPercent(checker, 'healthCheck.minHealthyPercent', defaultMinHealthy);
    if (props.tracing) checkProxyTracing(checker, props.tracing, props.routes);
    this.activeHealthCheck = resolveActiveHealthCheck(checker, props.upstreamHealthCheck);
    const outlierDetection = { ...DEFAULT_OUTLIER_DETECTION, ...props.outlierDetection };
    const circuitBreakers = { ...DEFAULT_CIRCUIT_BREAKERS, ...props.circuitBreakers };
    for (const [key, value] of Object.entries({ ...circuitBreakers, consecutive5xx: outlierDetection.consecutive5xx })) {
      checker.check(Number.isInteger(value) && value >= 0, key in circuitBreakers ? `circuitBreakers.${key}` : `outlierDetection.${key}`, `(${value}) must be a whole number`, 'give a count');
    }
    checkPercent(checker, 'outlierDetection.maxEjectionPercent', outlierDetection.maxEjectionPercent);
    // Envoy requires both durations above zero (outlier_detection.proto: duration gt 0).
    for (const key of ['intervalMs', 'baseEjectionTimeMs'] as const) {
      checker.check(Number.isInteger(outlierDetection[key]) && outlierDetection[key] >= 1, `outlierDetection.${key}`, `(${outlierDetection[key]}) must be a whole number of milliseconds, at least 1`,
        `give a duration such as ${DEFAULT_OUTLIER_DETECTION[key]}`);
    }
    const xffNumTrustedHops = props.xffNumTrustedHops ?? 1;
    checker.check(Number.isInteger(xffNumTrustedHops) && xffNumTrustedHops >= 0, 'xffNumTrustedHops', `(${xffNumTrustedHops}) must be a whole number`, 'count the proxies in front of Envoy (1 for a load balancer)');

    const resolved = resolveRoutes(checker, props.routes, defaultMinHealthy);
    this.upstreams = resolved.upstreams;
    this.services = [...new Set(props.routes.map((r) => r.service))];
    this.externalHealthPaths = resolved.externalHealthPaths;
    checkHealthPath(checker, this.healthPath, props.routes, resolved.externalHealthPaths);
    checker.throwIfAny();

    const spec: BootstrapSpec = {
      serviceName: name,
      listenerPort,
      adminPort,
      probePort,
      healthPath: this.healthPath,
      routes: resolved.routes,
      upstreams: resolved.upstreams,
      tracing: props.tracing,
      activeHealthCheck: this.activeHealthCheck,
      outlierDetection,
      circuitBreakers,
      xffNumTrustedHops,
    };
    this.config = bootstrap(spec);
    // JSON, which Envoy reads by the .json extension: ten times faster to write
    // and to read back than YAML at hundreds of upstreams.
    this.configText = props.compactConfig ? JSON.stringify(this.config) : `${JSON.stringify(this.config, null, 2)}\n`;

    // Fail before any object is made: at hundreds of upstreams the config outgrows a ConfigMap.
    const sizeProblem = this.sizeProblem();
    if (sizeProblem) checker.check(false, 'routes', sizeProblem.problem, sizeProblem.fix);
    checker.throwIfAny();

    // The workload's props are this construct's props (name, replicas, resources, image, ...).
    this.proxy = asOwnProps(this, () => new ObservableService(this, 'Proxy', {
      name,
      image: props.image ?? DEFAULT_ENVOY_IMAGE,
      port: listenerPort,
      protocol: Protocol.HTTP,
      component: 'front-proxy',
      partOf: props.partOf,
      replicas: props.autoscaling || props.throughput ? props.replicas : props.replicas ?? 2,
      autoscaling: props.autoscaling,
      throughput: props.throughput,
      resources: props.resources,
      command: ['/usr/local/bin/envoy'],
      // Envoy starts one worker per CPU it sees, which is the node's, not the
      // container's: pin the workers to the CPU limit.
      args: ['--config-path', '/etc/envoy/envoy.json', '--concurrency', String(envoyConcurrency(props.resources)), '--log-level', 'info'],
      health: {
        // Served by the probe listener (see probeListener in config.ts); the
        // admin interface itself stays on loopback.
        endpoints: { live: DEFAULT_HTTP_HEALTH.live, ready: DEFAULT_HTTP_HEALTH.ready, healthz: this.healthPath },
        port: probePort,
      },
      serviceType: props.serviceType,
      serviceAnnotations: props.serviceAnnotations,
      nodeGroup: props.nodeGroup,
      topologySpread: props.topologySpread,
    }));
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${name}-envoy-config`, namespace: this.proxy.namespace, labels: { ...this.proxy.labels } },
      data: { [ENVOY_CONFIG_FILE]: this.configText },
    });
    this.proxy.deployment.containers[0].mount('/etc/envoy', kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'envoy-config' }), { readOnly: true });
    // Any change of the config rolls the pods.
    const hash = createHash('sha256').update(this.configText).digest('hex').slice(0, 16);
    this.proxy.deployment.podMetadata.addAnnotation(`${ANNOTATION_PREFIX}/config-hash`, hash);

    this.node.addValidation({ validate: () => this.validateConfig() });
  }

  /** Checks the bootstrap against Envoy's API and the ConfigMap size limit; returns the problems. */
  public validateConfig(): string[] {
    const problems: string[] = [];
    const issues = validateEnvoyConfig(this.config);
    if (issues.length > 0) problems.push(new EnvoyConfigError(issues, this.node.path).message);
    const size = this.sizeProblem();
    if (size) problems.push(`${this.node.path}: ${size.problem}. Fix: ${size.fix}`);
    return problems;
  }

  /** Whether the config outgrows one ConfigMap, and the remedy. */
  private sizeProblem(): { problem: string; fix: string } | undefined {
    const bytes = Buffer.byteLength(this.configText);
    if (bytes <= CONFIG_MAP_LIMIT_BYTES - CONFIG_MAP_METADATA_ROOM) return undefined;
    return {
      problem: `make an Envoy config of ${bytes} bytes for ${this.upstreams.length} upstreams, over what one ConfigMap holds (1 MiB, less room for metadata)`,
      fix: `split the routes across several FrontEnvoy constructs (one per product area; about ${MAX_UPSTREAMS_INDENTED} upstreams fit in indented JSON)`
        + `${this.compact ? '' : `, or set compactConfig: true (about ${MAX_UPSTREAMS_COMPACT} fit)`}`,
    };
  }
}

/**
 * The proxy sends spans over the network, so the Datadog agent must be its
 * ClusterIP Service (article 000), and the services behind it must read the
 * trace context the proxy writes, or every trace breaks at the proxy.
 */
function checkProxyTracing(checker: PropChecker, tracing: Tracing, routes: FrontEnvoyRoute[]): void {
  checkSampling(checker, tracing);
  if (tracing.provider === TracingProvider.DATADOG) {
    const mode = tracing.datadogAgent?.mode;
    checker.check(mode === 'cluster-service', 'tracing.agent', `(${mode}) cannot be used by Envoy: its static config cannot read the node IP from the environment, and a ConfigMap cannot take Downward API values`,
      "give the front proxy Tracing.datadog({ agent: DatadogAgent.clusterService() }); the services may still use the host IP or the socket");
  } else {
    checker.check(tracing.collectorHost !== undefined && tracing.collectorHost.length > 0, 'tracing', 'has no OTLP endpoint', 'give Tracing.openTelemetry({ collector }) or ({ host })');
  }
  const written = tracing.proxyPropagation;
  const seen = new Set<ObservableService>();
  routes.forEach((r, i) => {
    const serviceTracing = r.service.tracing;
    if (!serviceTracing || seen.has(r.service)) return;
    seen.add(r.service);
    checker.check(serviceTracing.servicePropagation.includes(written), `routes[${i}].service`,
      `(${r.service.dnsName}) reads ${serviceTracing.servicePropagation.join(' and ')} trace context, but the front proxy writes ${written} headers: every trace would break at the proxy`,
      tracing.provider === TracingProvider.DATADOG
        ? 'trace the service with Tracing.datadog too, or the proxy with Tracing.openTelemetry (Datadog services also read W3C tracecontext)'
        : 'trace the service with Tracing.openTelemetry or Tracing.datadog (both read W3C tracecontext)');
  });
}

/** Worker threads: the CPU limit in whole cores, at least one. */
export function envoyConcurrency(resources: kplus.ContainerResources | undefined): number {
  return proxyConcurrency(cpuMillis(resources?.cpu?.limit ?? DEFAULT_RESOURCES.cpu.limit));
}

function joinPath(prefix: string, path: string): string {
  return `${prefix.replace(/\/+$/, '')}${path}`;
}

function clusterName(service: ObservableService): string {
  return `${service.name}.${service.namespace}`;
}

function checkPorts(checker: PropChecker, ports: Record<string, number>): void {
  for (const [prop, port] of Object.entries(ports)) {
    checker.check(Number.isInteger(port) && port >= 1 && port <= 65535, prop, `(${port}) must be a whole number from 1 to 65535`, 'choose an unprivileged port such as 8080');
  }
  checker.check(new Set(Object.values(ports)).size === Object.keys(ports).length, 'listenerPort', `, adminPort and probePort must differ; got ${Object.values(ports).join(', ')}`, 'give each its own port');
}

function checkPercent(checker: PropChecker, prop: string, value: number): void {
  checker.check(Number.isFinite(value) && value >= 0 && value <= 100, prop, `(${value}) must be a percentage from 0 to 100`, 'give a share such as 25');
}

function resolveActiveHealthCheck(checker: PropChecker, props: UpstreamHealthCheckProps = {}): ActiveHealthCheckTiming {
  const ms = (prop: keyof UpstreamHealthCheckProps, fallback: number, min: number): number => {
    const value = props[prop];
    if (value === undefined) return fallback;
    const millis = (value as Duration).toMilliseconds();
    checker.check(Number.isInteger(millis) && millis >= min, `upstreamHealthCheck.${prop}`, `(${millis} ms) must be at least ${min} ms`, 'give a longer duration');
    return millis;
  };
  const d = DEFAULT_ACTIVE_HEALTH_CHECK;
  const timing: ActiveHealthCheckTiming = {
    intervalMs: ms('interval', d.intervalMs, 1),
    timeoutMs: ms('timeout', d.timeoutMs, 1),
    intervalJitterMs: ms('intervalJitter', d.intervalJitterMs, 0),
    initialJitterMs: ms('initialJitter', d.initialJitterMs, 0),
    unhealthyThreshold: props.unhealthyThreshold ?? d.unhealthyThreshold,
    healthyThreshold: props.healthyThreshold ?? d.healthyThreshold,
    noTrafficIntervalMs: ms('noTrafficInterval', d.noTrafficIntervalMs, 1),
  };
  checker.check(timing.timeoutMs <= timing.intervalMs, 'upstreamHealthCheck.timeout', `(${timing.timeoutMs} ms) is longer than the interval (${timing.intervalMs} ms)`, 'lower the timeout or raise the interval');
  checker.check(timing.intervalJitterMs < timing.intervalMs, 'upstreamHealthCheck.intervalJitter', `(${timing.intervalJitterMs} ms) must be shorter than the interval (${timing.intervalMs} ms)`, 'use about a fifth of the interval');
  for (const key of ['unhealthyThreshold', 'healthyThreshold'] as const) {
    checker.check(Number.isInteger(timing[key]) && timing[key] >= 1, `upstreamHealthCheck.${key}`, `(${timing[key]}) must be a whole number of at least 1`, 'use 2 or 3');
  }
  return timing;
}

interface ResolvedRoutes {
  readonly routes: RouteSpec[];
  readonly upstreams: UpstreamSpec[];
  readonly externalHealthPaths: Record<string, string>;
}

/**
 * Routes and clusters. Each HTTP service reached by a prefix gets an exact
 * route for its external health path (`<prefix>/healthz`, rewritten to the
 * application's `/healthz`), ahead of the other routes, so external
 * monitoring reaches the application through the proxy.
 */
function resolveRoutes(checker: PropChecker, routes: FrontEnvoyRoute[], defaultMinHealthy: number): ResolvedRoutes {
  checker.check(routes.length > 0, 'routes', 'is empty', 'route at least one path prefix to an ObservableService');
  const upstreams = new Map<string, UpstreamSpec>();
  const healthRoutes: RouteSpec[] = [];
  const userRoutes: RouteSpec[] = [];
  const externalHealthPaths: Record<string, string> = {};
  const seenMatches: string[] = [];
  routes.forEach((r, i) => {
    const prop = `routes[${i}]`;
    const service = r.service;
    const cluster = clusterName(service);
    const minHealthy = r.minHealthyPercent ?? defaultMinHealthy;
    checkPercent(checker, `${prop}.minHealthyPercent`, minHealthy);
    const previous = upstreams.get(cluster);
    if (previous && previous.minHealthyPercent !== minHealthy) {
      checker.check(false, `${prop}.minHealthyPercent`, `(${minHealthy}) differs from an earlier route to the same service (${previous.minHealthyPercent})`, 'give one value per service');
    }
    upstreams.set(cluster, {
      cluster,
      host: service.dnsName,
      port: service.port,
      http2: service.protocol.http2,
      headless: service.headless,
      healthCheck: service.protocol === Protocol.GRPC ? { grpcService: service.health.ready } : { httpPath: service.health.ready },
      minHealthyPercent: minHealthy,
    });

    if (!checker.check(r.prefix === undefined || r.path === undefined, prop, 'has both prefix and path', 'give one of them')) return;
    const match: { path: string } | { prefix: string } = r.path !== undefined ? { path: r.path } : { prefix: r.prefix ?? '/' };
    const value = 'path' in match ? match.path : match.prefix;
    if (!checker.check(value.startsWith('/'), `${prop}.${'path' in match ? 'path' : 'prefix'}`, `("${value}") must start with '/'`, "use an absolute path such as '/api/'")) return;
    const key = JSON.stringify(match);
    checker.check(!seenMatches.includes(key), prop, `repeats the match ${key} of an earlier route`, 'remove one of the two routes');
    const shadowedBy = routes.slice(0, i).find((earlier) => earlier.path === undefined && value.startsWith(earlier.prefix ?? '/'));
    checker.check(seenMatches.includes(key) || !shadowedBy, prop, `("${value}") is never reached: the earlier prefix "${shadowedBy?.prefix ?? '/'}" matches it first`,
      'list more specific routes before less specific ones');
    seenMatches.push(key);

    const timeoutMs = (r.timeout ?? DEFAULT_ROUTE_TIMEOUT).toMilliseconds();
    checker.check(timeoutMs >= 1, `${prop}.timeout`, 'must be positive', 'give the longest time a request may take');
    const numRetries = r.retries?.numRetries ?? DEFAULT_NUM_RETRIES;
    checker.check(Number.isInteger(numRetries) && numRetries >= 0 && numRetries <= MAX_NUM_RETRIES, `${prop}.retries.numRetries`, `(${numRetries}) must be a whole number from 0 to ${MAX_NUM_RETRIES}`,
      'retries multiply the load on a struggling upstream: keep them few');
    const perTryTimeoutMs = r.retries?.perTryTimeout?.toMilliseconds();
    if (perTryTimeoutMs !== undefined) {
      checker.check(perTryTimeoutMs >= 1 && perTryTimeoutMs <= timeoutMs, `${prop}.retries.perTryTimeout`, `(${perTryTimeoutMs} ms) must be positive and not above the route timeout (${timeoutMs} ms)`, 'lower it');
    }
    const retryOn = r.retries?.retryOn ?? (service.protocol === Protocol.GRPC ? [...DEFAULT_RETRY_ON, 'unavailable'] : DEFAULT_RETRY_ON);
    checker.check(retryOn.length > 0 && retryOn.every((c) => /^[a-z0-9-]+$/.test(c)), `${prop}.retries.retryOn`, `(${JSON.stringify(retryOn)}) must be Envoy retry_on conditions`, "use conditions such as '5xx', 'reset', 'connect-failure'");
    userRoutes.push({
      match,
      cluster,
      timeoutMs,
      retry: numRetries > 0 ? { retryOn: retryOn.join(','), numRetries, perTryTimeoutMs } : undefined,
    });

    if ('prefix' in match && service.protocol === Protocol.HTTP) {
      const external = joinPath(match.prefix, service.health.healthz);
      const owner = Object.entries(externalHealthPaths).find(([, p]) => p === external);
      if (owner && owner[0] !== service.dnsName) {
        checker.check(false, prop, `makes "${external}" the external health path of both ${owner[0]} and ${service.dnsName}`, 'route the services under distinct prefixes');
      } else if (!owner) {
        externalHealthPaths[service.dnsName] = external;
        healthRoutes.push({
          match: { path: external },
          cluster,
          timeoutMs: 5000,
          prefixRewrite: external === service.health.healthz ? undefined : service.health.healthz,
        });
      }
    }
  });
  return { routes: [...healthRoutes, ...userRoutes], upstreams: [...upstreams.values()], externalHealthPaths };
}

/**
 * Envoy's health path must not be an application health path, nor a path
 * that routes to one: the health check filter runs before the router, so
 * Envoy would answer in the application's place.
 */
function checkHealthPath(checker: PropChecker, healthPath: string, routes: FrontEnvoyRoute[], externalHealthPaths: Record<string, string>): void {
  if (!checker.check(healthPath.startsWith('/') && !/[\s?#]/.test(healthPath), 'healthCheck.path', `("${healthPath}") must be an absolute path without spaces, query or fragment`, `use '${DEFAULT_ENVOY_HEALTH_PATH}'`)) return;
  // The first reason found for a path is the one reported.
  const reserved = new Map<string, string>();
  const reserve = (path: string, why: string) => {
    if (!reserved.has(path)) reserved.set(path, why);
  };
  for (const [dns, path] of Object.entries(externalHealthPaths)) reserve(path, `the external health path of ${dns}`);
  for (const r of routes) {
    const s = r.service;
    if (s.protocol !== Protocol.HTTP) continue;
    for (const endpoint of [s.health.live, s.health.ready, s.health.healthz]) {
      reserve(endpoint, `a health endpoint of ${s.dnsName}`);
      if (r.path === undefined) reserve(joinPath(r.prefix ?? '/', endpoint), `the path routed to ${s.dnsName}'s ${endpoint}`);
    }
  }
  for (const path of Object.values(DEFAULT_HTTP_HEALTH)) reserve(path, 'a standard application health path');
  const clash = reserved.get(healthPath);
  checker.check(clash === undefined, 'healthCheck.path', `("${healthPath}") is ${clash}; Envoy would answer it and external monitoring would never reach the application (article 002, failure 1)`,
    `use a path of Envoy's own, such as '${DEFAULT_ENVOY_HEALTH_PATH}'`);
}
