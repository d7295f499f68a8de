/**
 * The front proxy's defaults, each stated with its reason: Envoy's own
 * defaults are written down so that the cost of each is a decision.
 */
import { Duration } from 'cdk8s';
import { ActiveHealthCheckTiming, CircuitBreakerSpec, OutlierDetectionSpec } from './bootstrap';

/**
 * The Envoy image: the distroless variant of a current release, which runs
 * as the non-root user 65532 and carries no shell.
 * Release v1.40.0, the newest that could be confirmed: envoyproxy/envoy
 * changelogs/1.40.0.yaml ("date: October 1, 2026") and the v1.40.0 docs site.
 * Tag form `distroless-v<version>`: envoyproxy/envoy docs/root/start/install.rst.
 */
export const DEFAULT_ENVOY_IMAGE = 'envoyproxy/envoy:distroless-v1.40.0';

/**
 * The path Envoy answers for the load balancer. It can never be an
 * application's `/healthz`, `/ready` or `/live`: when Envoy answered the
 * application's own path, external monitoring stopped at Envoy.
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
export const MAX_UPSTREAMS_INDENTED = 372;
/** Upstreams that fit in one ConfigMap with `compactConfig: true`, as for {@link MAX_UPSTREAMS_INDENTED}. */
export const MAX_UPSTREAMS_COMPACT = 843;

/** Kubernetes rejects objects over 1 MiB (etcd's request limit); room is left for metadata. */
export const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;
/** Room left in a ConfigMap for its metadata. */
export const CONFIG_MAP_METADATA_ROOM = 16 * 1024;

/**
 * How long the proxy keeps serving after it fails its health checks, while
 * the load balancer deregisters it: an NLB health check every 10 s takes 2
 * to 3 failures, and the load balancer controller deregisters the target
 * when the pod leaves the endpoints.
 */
export const DEFAULT_DEREGISTRATION_DELAY = Duration.seconds(20);
/** How long the listeners drain (`--drain-time-s`) before the proxy exits. */
export const DEFAULT_DRAIN_TIME = Duration.seconds(10);
/** Grace period beyond the drain, for Envoy's exit. */
export const SHUTDOWN_MARGIN_SECONDS = 5;
/** The probe listener's path the kubelet's pre-stop hook asks: it answers once the proxy has drained. */
export const DRAIN_PATH = '/_envoy/drain';
/** Share of `x-client-trace-id` requests force-traced: none from the internet (Envoy's default is 100). */
export const DEFAULT_CLIENT_SAMPLING_PERCENT = 0;
