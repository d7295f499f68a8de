import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ObservableService } from '../service/observable-service';
import { Tracing } from '../telemetry/tracing';
import { AutoscalingProps, ThroughputProps } from '../workload/capacity';
import { NodeGroup, TopologySpread } from '../workload/placement';
import { FrontLoadBalancer, IpFamily } from './load-balancer';

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
   * The hosts are what Envoy resolves: every pod behind a headless Service
   * (gRPC services), but one host, the virtual IP, behind a ClusterIP Service,
   * so there any percentage means only "the virtual IP answers" (the readiness
   * rule OBS-ENV4 warns when one other than the default is set).
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
   * Default minimum share (0 to 100) of healthy hosts per upstream (see
   * {@link FrontEnvoyRoute.minHealthyPercent}: one host behind a ClusterIP Service).
   * @default 25
   */
  readonly minHealthyPercent?: number;
}

/** Outlier detection of headless (gRPC) upstreams: any figure left out keeps its default. */
export interface UpstreamOutlierDetectionProps {
  /**
   * Consecutive 5xx answers that eject a host.
   * @default 5
   */
  readonly consecutive5xx?: number;
  /**
   * How often hosts are assessed, in milliseconds.
   * @default 10000
   */
  readonly intervalMs?: number;
  /**
   * How long an ejected host stays out, in milliseconds (longer for each ejection).
   * @default 30000
   */
  readonly baseEjectionTimeMs?: number;
  /**
   * The largest share of hosts that may be ejected at once, in percent.
   * @default 50
   */
  readonly maxEjectionPercent?: number;
}

/** Circuit breaker thresholds of every upstream cluster: any figure left out keeps Envoy's default. */
export interface UpstreamCircuitBreakerProps {
  /**
   * Most connections to the cluster.
   * @default 1024
   */
  readonly maxConnections?: number;
  /**
   * Most requests waiting for a connection.
   * @default 1024
   */
  readonly maxPendingRequests?: number;
  /**
   * Most concurrent requests.
   * @default 1024
   */
  readonly maxRequests?: number;
  /**
   * Most concurrent retries.
   * @default 3
   */
  readonly maxRetries?: number;
}

/** Active health checks from Envoy to its upstreams (on their readiness endpoint). */
export interface UpstreamHealthCheckProps {
  /**
   * Time between checks of one host.
   * @default 5 s
   */
  readonly interval?: Duration;
  /**
   * How long one check may take.
   * @default 1 s
   */
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
  /**
   * Failed checks in a row that take a host out.
   * @default 3
   */
  readonly unhealthyThreshold?: number;
  /**
   * Passed checks in a row that bring it back.
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Interval while a cluster has had no traffic.
   * @default 60 s
   */
  readonly noTrafficInterval?: Duration;
}

/** How a {@link FrontEnvoy} stops. */
export interface FrontEnvoyShutdownProps {
  /**
   * How long the proxy keeps serving after failing its health checks, while
   * the load balancer takes it out. Whole seconds.
   * @default 20 s
   */
  readonly deregistrationDelay?: Duration;
  /**
   * How long the listeners drain before the proxy exits (`--drain-time-s`). Whole seconds.
   * @default 10 s
   */
  readonly drainTime?: Duration;
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
  readonly outlierDetection?: UpstreamOutlierDetectionProps;
  /**
   * Circuit breakers of every upstream.
   * @default - Envoy's: 1024 connections, pending requests and requests, 3 retries
   */
  readonly circuitBreakers?: UpstreamCircuitBreakerProps;
  /**
   * The port of the main listener, which the Service exposes.
   * @default 8080
   */
  readonly listenerPort?: number;
  /**
   * The admin interface's port, on 127.0.0.1 only.
   * @default 9901
   */
  readonly adminPort?: number;
  /**
   * The port of the kubelet probe listener (not on the Service).
   * @default 9902
   */
  readonly probePort?: number;
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
   * What stands in front of Envoy: it decides Envoy's Service type, the
   * X-Forwarded-For entries Envoy trusts (none behind a layer-4 load balancer,
   * one per layer-7 hop) and the load balancer's deregistration delay.
   * @default FrontLoadBalancer.none() - clients in the cluster, no X-Forwarded-For entry trusted
   */
  readonly loadBalancer?: FrontLoadBalancer;
  /**
   * Share (0 to 100) of requests carrying `x-client-trace-id` that are traced
   * whatever the sampling: a client could otherwise force tracing.
   * @default 0
   */
  readonly clientSamplingPercentage?: number;
  /**
   * The address families Envoy listens on, resolves upstream names in, and
   * its Service has: IPv4; IPv6 (the cluster gives pods and Services IPv6
   * addresses); or both (a dual-stack cluster: the Service requires both
   * families, and an AWS NLB is made dual-stack).
   * @default IpFamily.IPV4
   */
  readonly ipFamily?: IpFamily;
  /**
   * How the proxy stops: it fails its health checks, keeps serving while the
   * load balancer deregisters it, drains its listeners, then exits.
   * @default - 20 s to deregister, 10 s to drain
   */
  readonly shutdown?: FrontEnvoyShutdownProps;
  /**
   * `app.kubernetes.io/version` and the version tag of Envoy's spans.
   * @default - the image tag
   */
  readonly version?: string;
  /**
   * More annotations on Envoy's Service, beside those the load balancer implies.
   * @default - none
   */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /**
   * Where the listener's clients connect from, as CIDR blocks: the load
   * balancer's subnets (a proxying load balancer opens its own connections), or
   * the clients' ranges when the load balancer keeps their addresses.
   * `NetworkIsolation` allows the listener port from these blocks only.
   * @default - from anywhere
   */
  readonly clientCidrs?: string[];
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
  /**
   * The node group the Envoy pods must run on.
   * @default - any node
   */
  readonly nodeGroup?: NodeGroup;
  /**
   * How the Envoy pods spread over nodes and zones.
   * @default TopologySpread.acrossHostsAndZones()
   */
  readonly topologySpread?: TopologySpread;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - the chart's id
   */
  readonly partOf?: string;
}
