/**
 * The Envoy bootstrap (v3 API) as data: small pure functions, one per piece
 * of config, composed by {@link bootstrap}. Field names follow the protobuf
 * definitions in `@grpc/grpc-js-xds/deps/envoy-api` (snake_case, proto3 JSON
 * mapping: durations as "1.5s" strings, wrappers as plain values).
 */
import { Tracing, TracingProvider } from '../telemetry/tracing';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** Cluster name of the Datadog agent. */
export const DATADOG_AGENT_CLUSTER = 'datadog_agent';
/** Cluster name of the OpenTelemetry collector. */
export const OTEL_COLLECTOR_CLUSTER = 'opentelemetry_collector';
/** Cluster name of Envoy's own admin interface, reached only by the probe listener. */
export const ADMIN_CLUSTER = 'envoy_admin';
/** Name of the main listener. */
export const INGRESS_LISTENER = 'ingress_http';
/** Name of the kubelet probe listener. */
export const PROBE_LISTENER = 'probes';

/** `@type` URL of a message. */
export function typeUrl(fullName: string): string {
  return `type.googleapis.com/${fullName}`;
}

/** A protobuf Duration in its JSON form: "1s", "0.25s". */
export function protoDuration(millis: number): string {
  return `${millis / 1000}s`;
}

/** An `envoy.config.core.v3.Address`. */
export function socketAddress(address: string, port: number): JsonObject {
  return { socket_address: { address, port_value: port } };
}

/** The admin interface, on loopback only: it has mutating endpoints (`/quitquitquit`, `/runtime_modify`). */
export function admin(port: number): JsonObject {
  return { address: socketAddress('127.0.0.1', port) };
}

/** Timing of the active health checks Envoy sends to its upstreams. */
export interface ActiveHealthCheckTiming {
  /** Time between checks of one host, in milliseconds. */
  readonly intervalMs: number;
  /** How long one check may take, in milliseconds. */
  readonly timeoutMs: number;
  /** Random extra wait added to every interval, against synchronized checks from many proxies. */
  readonly intervalJitterMs: number;
  /** Random wait before the first check after a host appears or Envoy starts. */
  readonly initialJitterMs: number;
  /** Failed checks in a row that mark a host unhealthy. */
  readonly unhealthyThreshold: number;
  /** Passed checks in a row that mark a host healthy again. */
  readonly healthyThreshold: number;
  /** Interval while a cluster has had no traffic (Envoy's default 60 s). */
  readonly noTrafficIntervalMs: number;
}

/** Outlier detection (passive health checking) of a cluster. */
export interface OutlierDetectionSpec {
  /** Consecutive 5xx answers that eject a host. */
  readonly consecutive5xx: number;
  /** How often hosts are assessed, in milliseconds. */
  readonly intervalMs: number;
  /** How long an ejected host stays out, in milliseconds (longer for each ejection). */
  readonly baseEjectionTimeMs: number;
  /** The largest share of hosts that may be ejected at once. */
  readonly maxEjectionPercent: number;
}

/** Circuit breaker thresholds of a cluster (Envoy's defaults: 1024, 1024, 1024, 3). */
export interface CircuitBreakerSpec {
  /** Most connections to the cluster. */
  readonly maxConnections: number;
  /** Most requests waiting for a connection. */
  readonly maxPendingRequests: number;
  /** Most concurrent requests. */
  readonly maxRequests: number;
  /** Most concurrent retries. */
  readonly maxRetries: number;
}

/** One upstream service as a cluster. */
export interface UpstreamSpec {
  /** Cluster name. */
  readonly cluster: string;
  /** In-cluster DNS name. */
  readonly host: string;
  /** The Service port. */
  readonly port: number;
  /** Whether the upstream speaks HTTP/2 (gRPC). */
  readonly http2: boolean;
  /** Whether the DNS name resolves to every pod (headless Service). */
  readonly headless: boolean;
  /** What the active health check asks: an HTTP path or a gRPC health service name. */
  readonly healthCheck: UpstreamHealthCheck;
  /** Minimum share of healthy hosts for the front proxy's health check to pass. */
  readonly minHealthyPercent: number;
}

/** What an upstream's active health check asks: one of the two. */
export interface UpstreamHealthCheck {
  /** The HTTP path of an HTTP/1.1 upstream's check. */
  readonly httpPath?: string;
  /** The gRPC health service name of an HTTP/2 (gRPC) upstream's check. */
  readonly grpcService?: string;
}

/** One route of the virtual host: to a cluster, or answered by Envoy itself. */
export type RouteSpec = ClusterRouteSpec | DirectRouteSpec;

/** How a route matches the request path (Envoy RouteMatch). */
export type RouteMatchSpec = { readonly prefix: string } | { readonly path: string } | { readonly path_separated_prefix: string };

/** A route to an upstream cluster. */
export interface ClusterRouteSpec {
  readonly match: RouteMatchSpec;
  readonly cluster: string;
  readonly timeoutMs: number;
  /** Replaces the matched part of the path. */
  readonly prefixRewrite?: string;
  readonly retry?: { readonly retryOn: string; readonly numRetries: number; readonly perTryTimeoutMs?: number };
}

/** A route Envoy answers itself with a status (a probe path kept private). */
export interface DirectRouteSpec {
  readonly match: RouteMatchSpec;
  readonly directStatus: number;
  /** Match the path in any case (`/LIVE` reaches `/live` in frameworks that ignore case). */
  readonly anyCase?: boolean;
}

/** The address families of the listeners. */
export type ListenerFamily = 'IPv4' | 'IPv6' | 'DualStack';

/** How the proxy drains before it exits, on the probe listener's pre-stop path. */
export interface DrainSpec {
  /** The path the kubelet's pre-stop hook asks on the probe listener. */
  readonly path: string;
  /** Time between failing the health checks and draining the listeners: the load balancer deregisters the pod. */
  readonly deregistrationDelayMs: number;
  /** Time the listeners drain (`--drain-time-s`), and the hook waits for it. */
  readonly drainTimeMs: number;
  /**
   * The value the hook's request carries in {@link DRAIN_TOKEN_HEADER}: the drain
   * route answers only it, so another pod cannot take the proxy out of service.
   */
  readonly token: string;
}

/** The probe listener's path of Envoy's Prometheus statistics (the admin interface's own path, forwarded as is). */
export const METRICS_PATH = '/stats/prometheus';

/** The header the kubelet's pre-stop request carries the drain token in. */
export const DRAIN_TOKEN_HEADER = 'x-envoy-drain-token';

/** Everything the bootstrap is built from. */
export interface BootstrapSpec {
  /** Service name in traces and the HCM stat prefix. */
  readonly serviceName: string;
  readonly listenerPort: number;
  readonly adminPort: number;
  readonly probePort: number;
  /** The path the health check filter answers. */
  readonly healthPath: string;
  readonly routes: readonly RouteSpec[];
  readonly upstreams: readonly UpstreamSpec[];
  readonly tracing?: Tracing;
  readonly activeHealthCheck: ActiveHealthCheckTiming;
  readonly outlierDetection: OutlierDetectionSpec;
  readonly circuitBreakers: CircuitBreakerSpec;
  /** Proxies in front of Envoy whose X-Forwarded-For entries are trusted (the layer-7 load balancers). */
  readonly xffNumTrustedHops: number;
  /**
   * Share of requests carrying `x-client-trace-id` that are traced whatever the sampling
   * (`tracing.client_sampling`, Envoy's default 100: any client could force tracing).
   */
  readonly clientSamplingPercent: number;
  /** The listeners' address families. */
  readonly ipFamily: ListenerFamily;
  /** The graceful drain, when the probe listener offers it. */
  readonly drain?: DrainSpec;
}

/**
 * `envoy.filters.http.health_check` in non-pass-through mode: Envoy answers
 * the load balancer itself, 200 only while every upstream cluster has at
 * least its minimum share of healthy hosts. Matches `:path` exactly with
 * `string_match` (`exact_match` is deprecated; empty headers would make every
 * request a health check). No `cache_time`: Envoy rejects it outside
 * pass-through mode.
 */
export function healthCheckFilter(path: string, minHealthy: Readonly<Record<string, number>>): JsonObject {
  const percentages: JsonObject = {};
  for (const cluster of Object.keys(minHealthy).sort()) percentages[cluster] = { value: minHealthy[cluster] };
  return {
    name: 'envoy.filters.http.health_check',
    typed_config: {
      '@type': typeUrl('envoy.extensions.filters.http.health_check.v3.HealthCheck'),
      pass_through_mode: false,
      headers: [{ name: ':path', string_match: { exact: path } }],
      cluster_min_healthy_percentages: percentages,
    },
  };
}

/** The router filter, which must come last. */
export function routerFilter(): JsonObject {
  return { name: 'envoy.filters.http.router', typed_config: { '@type': typeUrl('envoy.extensions.filters.http.router.v3.Router') } };
}

/**
 * UUID request ids. The request id is not used for the sampling decision
 * (`use_request_id_for_trace_sampling: false`), so the tracer's own sampling applies.
 */
export function requestIdExtension(): JsonObject {
  return {
    typed_config: {
      '@type': typeUrl('envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig'),
      use_request_id_for_trace_sampling: false,
    },
  };
}

/** The HCM `tracing` block for a provider. */
export function tracingConfig(tracing: Tracing, serviceName: string, clientSamplingPercent: number = 0): JsonObject {
  const provider = tracing.provider === TracingProvider.DATADOG
    ? {
      name: 'envoy.tracers.datadog',
      typed_config: { '@type': typeUrl('envoy.config.trace.v3.DatadogConfig'), collector_cluster: DATADOG_AGENT_CLUSTER, service_name: serviceName },
    }
    : {
      name: 'envoy.tracers.opentelemetry',
      typed_config: {
        '@type': typeUrl('envoy.config.trace.v3.OpenTelemetryConfig'),
        grpc_service: { envoy_grpc: { cluster_name: OTEL_COLLECTOR_CLUSTER }, timeout: '0.25s' },
        service_name: serviceName,
        // deployment.environment.name and service.version from OTEL_RESOURCE_ATTRIBUTES, as the services' SDKs read them.
        resource_detectors: [{
          name: 'envoy.tracers.opentelemetry.resource_detectors.environment',
          typed_config: { '@type': typeUrl('envoy.extensions.tracers.opentelemetry.resource_detectors.v3.EnvironmentResourceDetectorConfig') },
        }],
      },
    };
  return {
    // Envoy samples 100% by default; the three knobs are stated so the cost is a decision.
    random_sampling: { value: tracing.samplingPercentage },
    // x-client-trace-id forces tracing at this share (Envoy's default 100): from the internet, 0.
    client_sampling: { value: clientSamplingPercent },
    overall_sampling: { value: 100 },
    // The front proxy's upstream call gets its own span, so the proxy's time is visible.
    spawn_upstream_span: true,
    provider,
  };
}

/** JSON access log to stdout with request id, trace id, upstream cluster, status and duration; health checks left out. */
export function accessLog(tracing: Tracing | undefined): JsonObject {
  const format: JsonObject = {
    start_time: '%START_TIME%',
    method: '%REQ(:METHOD)%',
    path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
    protocol: '%PROTOCOL%',
    response_code: '%RESPONSE_CODE%',
    response_flags: '%RESPONSE_FLAGS%',
    duration_ms: '%DURATION%',
    upstream_service_time_ms: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
    upstream_cluster: '%UPSTREAM_CLUSTER%',
    upstream_host: '%UPSTREAM_HOST%',
    bytes_received: '%BYTES_RECEIVED%',
    bytes_sent: '%BYTES_SENT%',
    request_id: '%REQ(X-REQUEST-ID)%',
    user_agent: '%REQ(USER-AGENT)%',
    x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  };
  if (tracing) format.trace_id = `%REQ(${tracing.traceIdHeader})%`;
  return {
    name: 'envoy.access_loggers.stdout',
    filter: { not_health_check_filter: {} },
    typed_config: {
      '@type': typeUrl('envoy.extensions.access_loggers.stream.v3.StdoutAccessLog'),
      log_format: { json_format: format },
    },
  };
}

/** One route of the virtual host. */
export function route(spec: RouteSpec): JsonObject {
  if ('directStatus' in spec) {
    // RouteMatch.case_sensitive (default true) applies to prefix and path matching.
    return { match: { ...spec.match, ...(spec.anyCase ? { case_sensitive: false } : {}) }, direct_response: { status: spec.directStatus } };
  }
  const action: JsonObject = { cluster: spec.cluster, timeout: protoDuration(spec.timeoutMs) };
  if (spec.prefixRewrite !== undefined) action.prefix_rewrite = spec.prefixRewrite;
  if (spec.retry) {
    const policy: JsonObject = { retry_on: spec.retry.retryOn, num_retries: spec.retry.numRetries };
    if (spec.retry.perTryTimeoutMs !== undefined) policy.per_try_timeout = protoDuration(spec.retry.perTryTimeoutMs);
    action.retry_policy = policy;
  }
  return { match: { ...spec.match }, route: action };
}

/** The main `http_connection_manager`. */
export function httpConnectionManager(spec: BootstrapSpec): JsonObject {
  const minHealthy: Record<string, number> = {};
  for (const upstream of spec.upstreams) minHealthy[upstream.cluster] = upstream.minHealthyPercent;
  const hcm: JsonObject = {
    '@type': typeUrl('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager'),
    stat_prefix: 'ingress_http',
    codec_type: 'AUTO',
    use_remote_address: true,
    xff_num_trusted_hops: spec.xffNumTrustedHops,
    // Routes match the normalized path (RFC 3986 dot segments, repeated slashes merged), so
    // '/a/../live' or '//live' cannot reach a probe path that a route keeps private.
    normalize_path: true,
    merge_slashes: true,
    generate_request_id: true,
    request_id_extension: requestIdExtension(),
    access_log: [accessLog(spec.tracing)],
    route_config: {
      name: 'ingress',
      virtual_hosts: [{ name: spec.serviceName, domains: ['*'], routes: spec.routes.map(route) }],
    },
    http_filters: [healthCheckFilter(spec.healthPath, minHealthy), routerFilter()],
  };
  if (spec.tracing) hcm.tracing = tracingConfig(spec.tracing, spec.serviceName, spec.clientSamplingPercent);
  return hcm;
}

/**
 * A listener on all addresses of the family with one HCM: `0.0.0.0`, `::`,
 * or both, `::` as an additional address so IPv4 peers keep unmapped
 * addresses (Listener.additional_addresses; `ipv4_compat` would map them).
 * The ingress listener is INBOUND, so a drain of inbound listeners leaves the
 * probe listener serving the pre-stop hook.
 */
export function listener(name: string, port: number, hcm: JsonObject, family: ListenerFamily = 'IPv4', inbound = false): JsonObject {
  const result: JsonObject = {
    name,
    address: socketAddress(family === 'IPv6' ? '::' : '0.0.0.0', port),
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }],
  };
  if (family === 'DualStack') result.additional_addresses = [{ address: socketAddress('::', port) }];
  if (inbound) result.traffic_direction = 'INBOUND';
  return result;
}

/** The Lua filter (`envoy.filters.http.lua`, a core extension in every Envoy build) that sends one admin request. */
function adminCallFilter(name: string, adminPath: string): JsonObject {
  // Lua's handle:httpCall(cluster, headers, body, timeout_ms) may POST to any static cluster
  // (envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/lua_filter); the admin
  // interface takes mutations by POST only.
  // httpCall returns the response headers and body; a failed admin call is logged (the hook still waits out its delays).
  const code = [
    'function envoy_on_request(handle)',
    `  local headers = handle:httpCall("${ADMIN_CLUSTER}", {[":method"] = "POST", [":path"] = "${adminPath}", [":authority"] = "envoy-admin"}, "", 2000)`,
    '  if headers == nil or headers[":status"] ~= "200" then',
    `    handle:logErr("drain: POST ${adminPath} to the admin interface failed")`,
    '  end',
    'end',
    '',
  ].join('\n');
  return { name, typed_config: { '@type': typeUrl('envoy.extensions.filters.http.lua.v3.Lua'), default_source_code: { inline_string: code } } };
}

/** The fault filter (`envoy.filters.http.fault`) with no fault: a route turns its delay on. */
function delayFilter(name: string): JsonObject {
  return { name, typed_config: { '@type': typeUrl('envoy.extensions.filters.http.fault.v3.HTTPFault') } };
}

/** A fixed delay for every request of a route (HTTPFault per route; FaultDelay.fixed_delay must be above 0). */
function routeDelay(ms: number): JsonObject {
  return { '@type': typeUrl('envoy.extensions.filters.http.fault.v3.HTTPFault'), delay: { fixed_delay: protoDuration(ms), percentage: { numerator: 100, denominator: 'HUNDRED' } } };
}

const DRAIN_FILTERS = {
  failHealthChecks: 'drain.fail_health_checks',
  deregistration: 'drain.deregistration_delay',
  drainListeners: 'drain.drain_listeners',
  drainTime: 'drain.drain_time',
};

/** `typed_per_filter_config` turning the drain's Lua filters off on a route. */
function withoutDrain(route: JsonObject): JsonObject {
  const off = { '@type': typeUrl('envoy.extensions.filters.http.lua.v3.LuaPerRoute'), disabled: true };
  return { ...route, typed_per_filter_config: { [DRAIN_FILTERS.failHealthChecks]: off, [DRAIN_FILTERS.drainListeners]: off } };
}

/**
 * The kubelet's probe listener: `/live` answers 200 while the process serves
 * HTTP, `/ready` is forwarded to the admin interface's `/ready` (200 once
 * Envoy is initialized), a GET of `/stats/prometheus` to the admin
 * interface's statistics (for Prometheus scraping the pod), everything else
 * is 404. The admin interface itself stays on loopback.
 *
 * With a drain, the kubelet's pre-stop hook asks `drain.path`, which answers
 * only when the proxy has drained (Envoy exits at once on SIGTERM; this hook
 * keeps SIGTERM back until then): the first Lua filter POSTs
 * `/healthcheck/fail` (the health-check filter answers 503, so the load
 * balancer takes the pod out, and keep-alive connections close after their
 * next response), a fault delay holds the request while the load balancer
 * deregisters the pod, the second Lua filter POSTs
 * `/drain_listeners?graceful&inboundonly` (the ingress listener drains for
 * `--drain-time-s`; this listener, not inbound, keeps serving the hook), and
 * a second delay waits out the drain (envoyproxy.io/docs/envoy/latest/operations/admin,
 * intro/arch_overview/operations/draining).
 */
export function probeListener(port: number, family: ListenerFamily = 'IPv4', drain?: DrainSpec): JsonObject {
  const routes: JsonObject[] = [
    { match: { path: '/live' }, direct_response: { status: 200 } },
    { match: { path: '/ready' }, route: { cluster: ADMIN_CLUSTER, timeout: '1s' } },
    // Envoy's statistics in Prometheus' text format, for a scraper on the pod (GET only: the admin
    // interface takes mutations by POST, and this route forwards no other path).
    { match: { path: METRICS_PATH, headers: [{ name: ':method', string_match: { exact: 'GET' } }] }, route: { cluster: ADMIN_CLUSTER, timeout: '5s' } },
  ];
  if (drain) {
    routes.push({
      // Only the pre-stop hook's request (with the token) drains; anything else falls through to the 404.
      match: { path: drain.path, headers: [{ name: DRAIN_TOKEN_HEADER, string_match: { exact: drain.token } }] },
      direct_response: { status: 200 },
      typed_per_filter_config: {
        [DRAIN_FILTERS.deregistration]: routeDelay(drain.deregistrationDelayMs),
        [DRAIN_FILTERS.drainTime]: routeDelay(drain.drainTimeMs),
      },
    });
  }
  routes.push({ match: { prefix: '/' }, direct_response: { status: 404 } });
  const hcm: JsonObject = {
    '@type': typeUrl('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager'),
    stat_prefix: 'probes',
    route_config: {
      name: 'probes',
      virtual_hosts: [{ name: 'probes', domains: ['*'], routes: drain ? routes.map((r) => (r.match as JsonObject).path === drain.path ? r : withoutDrain(r)) : routes }],
    },
    http_filters: drain
      ? [
        adminCallFilter(DRAIN_FILTERS.failHealthChecks, '/healthcheck/fail'),
        delayFilter(DRAIN_FILTERS.deregistration),
        adminCallFilter(DRAIN_FILTERS.drainListeners, '/drain_listeners?graceful&inboundonly'),
        delayFilter(DRAIN_FILTERS.drainTime),
        routerFilter(),
      ]
      : [routerFilter()],
  };
  // The hook's request waits the whole drain; Envoy's stream idle timeout (default 5 min) must not end it first.
  if (drain) hcm.stream_idle_timeout = protoDuration(drain.deregistrationDelayMs + drain.drainTimeMs + 60000);
  return listener(PROBE_LISTENER, port, hcm, family);
}

/** The HTTP/2 upstream protocol option (the cluster-level `http2_protocol_options` is deprecated). */
export function http2ProtocolOptions(): JsonObject {
  return {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': typeUrl('envoy.extensions.upstreams.http.v3.HttpProtocolOptions'),
      explicit_http_config: { http2_protocol_options: {} },
    },
  };
}

function loadAssignment(cluster: string, host: string, port: number): JsonObject {
  return { cluster_name: cluster, endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(host, port) } }] }] };
}

/**
 * How DNS clusters resolve names. V4_PREFERRED asks for A records and falls
 * back to AAAA; AUTO, for IPv6-only clusters, the other way round
 * (envoy/config/cluster/v3/cluster.proto, DnsLookupFamily).
 */
const DNS_LOOKUP = 'V4_PREFERRED';
const IPV6_DNS_LOOKUP = 'AUTO';

/** A STRICT_DNS cluster to one host name. */
function dnsCluster(name: string, host: string, port: number, connectTimeoutMs: number): JsonObject {
  return {
    name,
    type: 'STRICT_DNS',
    connect_timeout: protoDuration(connectTimeoutMs),
    dns_lookup_family: DNS_LOOKUP,
    lb_policy: 'ROUND_ROBIN',
    load_assignment: loadAssignment(name, host, port),
  };
}

/** The active health check of an upstream. */
export function activeHealthCheck(upstream: UpstreamSpec, timing: ActiveHealthCheckTiming): JsonObject {
  const check: JsonObject = {
    timeout: protoDuration(timing.timeoutMs),
    interval: protoDuration(timing.intervalMs),
    interval_jitter: protoDuration(timing.intervalJitterMs),
    initial_jitter: protoDuration(timing.initialJitterMs),
    unhealthy_threshold: timing.unhealthyThreshold,
    healthy_threshold: timing.healthyThreshold,
    no_traffic_interval: protoDuration(timing.noTrafficIntervalMs),
  };
  if (upstream.healthCheck.grpcService !== undefined) {
    check.grpc_health_check = { service_name: upstream.healthCheck.grpcService };
  } else {
    check.http_health_check = { path: upstream.healthCheck.httpPath, host: upstream.host };
  }
  return check;
}

/**
 * One upstream service. STRICT_DNS turns every A record into a host: one
 * virtual IP behind a ClusterIP Service, every pod behind a headless one.
 */
export function upstreamCluster(upstream: UpstreamSpec, spec: Pick<BootstrapSpec, 'activeHealthCheck' | 'outlierDetection' | 'circuitBreakers'>): JsonObject {
  const cluster: JsonObject = {
    ...dnsCluster(upstream.cluster, upstream.host, upstream.port, 1000),
    // Least-request balancing pays off when Envoy sees every pod (headless); behind one VIP it is moot.
    lb_policy: upstream.headless ? 'LEAST_REQUEST' : 'ROUND_ROBIN',
    health_checks: [activeHealthCheck(upstream, spec.activeHealthCheck)],
    // A pod that left DNS is dropped at once instead of waiting to fail its checks.
    ignore_health_on_host_removal: true,
    // Envoy's default, stated: below 50% healthy hosts, balance over all hosts.
    common_lb_config: { healthy_panic_threshold: { value: 50 } },
    circuit_breakers: {
      thresholds: [{
        priority: 'DEFAULT',
        max_connections: spec.circuitBreakers.maxConnections,
        max_pending_requests: spec.circuitBreakers.maxPendingRequests,
        max_requests: spec.circuitBreakers.maxRequests,
        max_retries: spec.circuitBreakers.maxRetries,
      }],
    },
  };
  if (upstream.headless) {
    // Ejecting a host only means something when hosts are pods; behind a ClusterIP there is one VIP.
    cluster.outlier_detection = {
      consecutive_5xx: spec.outlierDetection.consecutive5xx,
      interval: protoDuration(spec.outlierDetection.intervalMs),
      base_ejection_time: protoDuration(spec.outlierDetection.baseEjectionTimeMs),
      max_ejection_percent: spec.outlierDetection.maxEjectionPercent,
    };
  }
  if (upstream.http2) cluster.typed_extension_protocol_options = http2ProtocolOptions();
  return cluster;
}

/** The cluster traces are sent to: the Datadog agent's Service, or the OTLP collector over HTTP/2. */
export function tracingCluster(tracing: Tracing): JsonObject {
  const { collectorHost: host, collectorPort: port } = tracing;
  if (host === undefined || port === undefined) {
    // FrontEnvoy rejects such a tracing value with a ConfigurationError first.
    throw new Error('the front proxy sends traces over the network: the tracing value needs a host and port');
  }
  if (tracing.provider === TracingProvider.DATADOG) {
    return dnsCluster(DATADOG_AGENT_CLUSTER, host, port, 1000);
  }
  return {
    ...dnsCluster(OTEL_COLLECTOR_CLUSTER, host, port, 1000),
    typed_extension_protocol_options: http2ProtocolOptions(),
  };
}

/** Envoy's own admin interface as a cluster, for the probe listener's `/ready`. */
export function adminCluster(adminPort: number): JsonObject {
  return {
    name: ADMIN_CLUSTER,
    type: 'STATIC',
    connect_timeout: '0.25s',
    load_assignment: loadAssignment(ADMIN_CLUSTER, '127.0.0.1', adminPort),
  };
}

/** The whole bootstrap. */
export function bootstrap(spec: BootstrapSpec): JsonObject {
  const clusters = spec.upstreams.map((u) => upstreamCluster(u, spec));
  if (spec.tracing) clusters.push(tracingCluster(spec.tracing));
  if (spec.ipFamily === 'IPv6') clusters.forEach((c) => { c.dns_lookup_family = IPV6_DNS_LOOKUP; });
  clusters.push(adminCluster(spec.adminPort));
  return {
    admin: admin(spec.adminPort),
    static_resources: {
      listeners: [listener(INGRESS_LISTENER, spec.listenerPort, httpConnectionManager(spec), spec.ipFamily, true), probeListener(spec.probePort, spec.ipFamily, spec.drain)],
      clusters,
    },
  };
}
