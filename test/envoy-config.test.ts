import { DatadogAgent, Tracing } from '../lib';
import { accessLog, activeHealthCheck, admin, healthCheckFilter, probeListener, protoDuration, route, tracingCluster, tracingConfig, upstreamCluster } from '../lib/envoy/bootstrap';
import { DEFAULT_ACTIVE_HEALTH_CHECK, DEFAULT_CIRCUIT_BREAKERS, DEFAULT_OUTLIER_DETECTION } from '../lib/envoy/defaults';
import { routeOf } from './support/envoy-routes';
import { Manifest } from './support/synth';

const httpUpstream = {
  cluster: 'web.shop', host: 'web.shop.svc.cluster.local', port: 8080, http2: false, headless: false, healthCheck: { httpPath: '/ready' }, minHealthyPercent: 25,
};
const grpcUpstream = {
  cluster: 'ledger.shop', host: 'ledger.shop.svc.cluster.local', port: 9090, http2: true, headless: true, healthCheck: { grpcService: 'readiness' }, minHealthyPercent: 50,
};
const clusterSpec = { activeHealthCheck: DEFAULT_ACTIVE_HEALTH_CHECK, outlierDetection: DEFAULT_OUTLIER_DETECTION, circuitBreakers: DEFAULT_CIRCUIT_BREAKERS };

test('durations use the proto3 JSON form', () => {
  expect(protoDuration(1000)).toBe('1s');
  expect(protoDuration(250)).toBe('0.25s');
  expect(protoDuration(60000)).toBe('60s');
});

test('admin listens on loopback only', () => {
  expect(admin(9901)).toEqual({ address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } });
});

describe('health check filter', () => {
  const filter = healthCheckFilter('/_envoy/health', { 'b.ns': 50, 'a.ns': 25 }) as Manifest;

  test('is not in pass-through mode and matches :path exactly with string_match', () => {
    expect(filter.typed_config.pass_through_mode).toBe(false);
    expect(filter.typed_config.headers).toEqual([{ name: ':path', string_match: { exact: '/_envoy/health' } }]);
    expect(JSON.stringify(filter)).not.toContain('exact_match');
  });

  test('lists every cluster with its minimum healthy percentage, sorted', () => {
    expect(filter.typed_config.cluster_min_healthy_percentages).toEqual({ 'a.ns': { value: 25 }, 'b.ns': { value: 50 } });
    expect(Object.keys(filter.typed_config.cluster_min_healthy_percentages)).toEqual(['a.ns', 'b.ns']);
  });

  test('sets no cache_time, which Envoy rejects outside pass-through mode', () => {
    expect(filter.typed_config.cache_time).toBeUndefined();
  });
});

describe('tracing', () => {
  test('Datadog: the tracer names the agent cluster and the service', () => {
    const config = tracingConfig(Tracing.datadog({ samplingPercentage: 10 }), 'front') as Manifest;
    expect(config.provider).toEqual({
      name: 'envoy.tracers.datadog',
      typed_config: { '@type': 'type.googleapis.com/envoy.config.trace.v3.DatadogConfig', collector_cluster: 'datadog_agent', service_name: 'front' },
    });
    expect(config.random_sampling).toEqual({ value: 10 });
    expect(config.spawn_upstream_span).toBe(true);
  });

  test('Datadog: the agent cluster is its ClusterIP Service on 8126, STRICT_DNS, 1 s connect timeout', () => {
    const cluster = tracingCluster(Tracing.datadog()) as Manifest;
    expect(cluster).toMatchObject({ name: 'datadog_agent', type: 'STRICT_DNS', connect_timeout: '1s', lb_policy: 'ROUND_ROBIN' });
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'datadog.datadog.svc.cluster.local', port_value: 8126 });
  });

  test('Datadog: the agent Service name and namespace are configurable', () => {
    const cluster = tracingCluster(Tracing.datadog({ agent: DatadogAgent.clusterService({ service: 'dd-agent', namespace: 'monitoring' }) })) as Manifest;
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address).toBe('dd-agent.monitoring.svc.cluster.local');
  });

  test('OpenTelemetry: a gRPC service on an HTTP/2 collector cluster', () => {
    const tracing = Tracing.openTelemetry({ host: 'otel.obs.svc.cluster.local' });
    const config = tracingConfig(tracing, 'front') as Manifest;
    expect(config.provider.name).toBe('envoy.tracers.opentelemetry');
    expect(config.provider.typed_config.grpc_service.envoy_grpc).toEqual({ cluster_name: 'opentelemetry_collector' });
    const cluster = tracingCluster(tracing) as Manifest;
    expect(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config).toEqual({ http2_protocol_options: {} });
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'otel.obs.svc.cluster.local', port_value: 4317 });
  });
});

describe('upstream clusters', () => {
  test('an HTTP/1.1 service: one VIP, HTTP health check on /ready, no outlier ejection, no HTTP/2', () => {
    const cluster = upstreamCluster(httpUpstream, clusterSpec) as Manifest;
    expect(cluster).toMatchObject({ type: 'STRICT_DNS', lb_policy: 'ROUND_ROBIN', ignore_health_on_host_removal: true });
    expect(cluster.health_checks[0].http_health_check).toEqual({ path: '/ready', host: 'web.shop.svc.cluster.local' });
    expect(cluster.outlier_detection).toBeUndefined();
    expect(cluster.typed_extension_protocol_options).toBeUndefined();
    expect(cluster.http2_protocol_options).toBeUndefined();
  });

  test('a gRPC service: every pod a host, gRPC health check, HTTP/2 through typed_extension_protocol_options, outlier detection', () => {
    const cluster = upstreamCluster(grpcUpstream, clusterSpec) as Manifest;
    expect(cluster.lb_policy).toBe('LEAST_REQUEST');
    expect(cluster.health_checks[0].grpc_health_check).toEqual({ service_name: 'readiness' });
    expect(cluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']['@type'])
      .toBe('type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions');
    expect(cluster.outlier_detection).toEqual({ consecutive_5xx: 5, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 50 });
  });

  test('active health checks carry jitter and the no-traffic interval', () => {
    expect(activeHealthCheck(httpUpstream, DEFAULT_ACTIVE_HEALTH_CHECK)).toMatchObject({
      timeout: '1s', interval: '5s', interval_jitter: '1s', initial_jitter: '5s', unhealthy_threshold: 3, healthy_threshold: 2, no_traffic_interval: '60s',
    });
  });
});

test('a route with retries and a prefix rewrite', () => {
  expect(route({ match: { path: '/a/healthz' }, cluster: 'a', timeoutMs: 5000, prefixRewrite: '/healthz', retry: { retryOn: '5xx', numRetries: 1, perTryTimeoutMs: 2000 } })).toEqual({
    match: { path: '/a/healthz' },
    route: { cluster: 'a', timeout: '5s', prefix_rewrite: '/healthz', retry_policy: { retry_on: '5xx', num_retries: 1, per_try_timeout: '2s' } },
  });
});

test('the access log is JSON to stdout with request and trace ids, and leaves health checks out', () => {
  const log = accessLog(Tracing.datadog()) as Manifest;
  expect(log.filter).toEqual({ not_health_check_filter: {} });
  expect(log.typed_config.log_format.json_format).toMatchObject({
    request_id: '%REQ(X-REQUEST-ID)%', trace_id: '%REQ(X-DATADOG-TRACE-ID)%', upstream_cluster: '%UPSTREAM_CLUSTER%', response_code: '%RESPONSE_CODE%', duration_ms: '%DURATION%',
  });
  expect(log.typed_config.format).toBeUndefined();
});

test("the probe listener exposes only /live, the admin /ready and a GET of the admin's Prometheus statistics", () => {
  const routes = (probeListener(9902) as Manifest).filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
  expect(routes.map((r: Manifest) => [r.match, r.route?.cluster ?? r.direct_response.status])).toEqual([
    [{ path: '/live' }, 200], [{ path: '/ready' }, 'envoy_admin'],
    [{ path: '/stats/prometheus', headers: [{ name: ':method', string_match: { exact: 'GET' } }] }, 'envoy_admin'], [{ prefix: '/' }, 404],
  ]);
  // No other admin path is reachable: a POST to the statistics path, or any mutation, is the 404.
  expect(routeOf(routes, '/stats/prometheus', { ':method': 'POST' })).toBe('direct 404');
  expect(routeOf(routes, '/healthcheck/fail', { ':method': 'POST' })).toBe('direct 404');
  expect(routeOf(routes, '/stats/prometheus', { ':method': 'GET' })).toBe('cluster envoy_admin');
});
