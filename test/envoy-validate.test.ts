import { Tracing, validateEnvoyConfig } from '../lib';
import { bootstrap } from '../lib/envoy/bootstrap';
import { bootstrapSpec } from './support/envoy-spec';
import { Manifest } from './support/synth';

const spec = bootstrapSpec(
  [{ match: { prefix: '/' }, cluster: 'web.shop', timeoutMs: 15000, retry: { retryOn: '5xx,reset,connect-failure', numRetries: 2 } }],
  [
    { cluster: 'web.shop', host: 'web.shop.svc.cluster.local', port: 8080, http2: false, headless: false, healthCheck: { httpPath: '/ready' }, minHealthyPercent: 25 },
    { cluster: 'ledger.shop', host: 'ledger.shop.svc.cluster.local', port: 9090, http2: true, headless: true, healthCheck: { grpcService: 'readiness' }, minHealthyPercent: 50 },
  ],
);

/** A fresh valid bootstrap, and shortcuts into it. */
function config() {
  const c = bootstrap(spec) as Manifest;
  const hcm = c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  return { c, hcm, healthFilter: hcm.http_filters[0].typed_config, cluster: c.static_resources.clusters[0], route: hcm.route_config.virtual_hosts[0].routes[0] };
}

const HCM = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';

test('the generated bootstraps validate with no issue (Datadog and OpenTelemetry)', () => {
  expect(validateEnvoyConfig(bootstrap(spec))).toEqual([]);
  expect(validateEnvoyConfig(bootstrap({ ...spec, tracing: Tracing.openTelemetry({ host: 'otel.obs.svc.cluster.local' }) }))).toEqual([]);
  expect(validateEnvoyConfig(bootstrap({ ...spec, tracing: undefined }))).toEqual([]);
});

test('a misspelt field is reported with its path and a suggestion', () => {
  const { c, healthFilter } = config();
  healthFilter.pass_through_mod = false;
  delete healthFilter.pass_through_mode;
  const issues = validateEnvoyConfig(c);
  expect(issues).toContainEqual({
    path: `${HCM}.http_filters[0].typed_config.pass_through_mod`,
    kind: 'unknown-field',
    message: 'unknown field "pass_through_mod" in envoy.extensions.filters.http.health_check.v3.HealthCheck; did you mean "pass_through_mode"?',
  });
  // pass_through_mode is required by the filter's protoc-gen-validate rule
  expect(issues).toContainEqual(expect.objectContaining({ path: `${HCM}.http_filters[0].typed_config.pass_through_mode`, kind: 'required' }));
});

test('an unknown enum value is reported with the nearest value', () => {
  const { c, cluster } = config();
  cluster.lb_policy = 'ROUND_ROBBIN';
  const [issue] = validateEnvoyConfig(c);
  expect(issue).toMatchObject({ path: 'static_resources.clusters[0].lb_policy', kind: 'unknown-enum' });
  expect(issue.message).toMatch(/did you mean "ROUND_ROBIN"/);
});

test('a cluster referenced by a route but not defined is reported', () => {
  const { c, route } = config();
  route.route.cluster = 'webb.shop';
  expect(validateEnvoyConfig(c)).toEqual([{
    path: `${HCM}.route_config.virtual_hosts[0].routes[0].route.cluster`,
    kind: 'undefined-cluster',
    message: 'cluster "webb.shop" is not defined in static_resources.clusters; did you mean "web.shop"?',
  }]);
});

test('clusters named by the tracer and the health filter must be defined too', () => {
  const { c, healthFilter } = config();
  c.static_resources.clusters = c.static_resources.clusters.filter((cl: Manifest) => cl.name !== 'datadog_agent');
  healthFilter.cluster_min_healthy_percentages.ghost = { value: 10 };
  const paths = validateEnvoyConfig(c).filter((i) => i.kind === 'undefined-cluster').map((i) => i.path);
  expect(paths).toEqual([`${HCM}.http_filters[0].typed_config.cluster_min_healthy_percentages.ghost`, `${HCM}.tracing.provider.typed_config.collector_cluster`]);
});

test('the deprecated exact_match is reported', () => {
  const { c, healthFilter } = config();
  healthFilter.headers = [{ name: ':path', exact_match: '/_envoy/health' }];
  expect(validateEnvoyConfig(c)).toEqual([{
    path: `${HCM}.http_filters[0].typed_config.headers[0].exact_match`,
    kind: 'deprecated',
    message: '"exact_match" is deprecated in envoy.config.route.v3.HeaderMatcher',
  }]);
});

test('wrong types are reported', () => {
  const { c, cluster } = config();
  cluster.connect_timeout = 5;
  cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = '8080';
  expect(validateEnvoyConfig(c).map((i) => [i.path, i.kind])).toEqual([
    ['static_resources.clusters[0].connect_timeout', 'wrong-type'],
    ['static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value', 'wrong-type'],
  ]);
});

test('an @type that does not resolve is reported', () => {
  const { c, hcm } = config();
  hcm.http_filters[1].typed_config['@type'] = 'type.googleapis.com/envoy.extensions.filters.http.routr.v3.Router';
  expect(validateEnvoyConfig(c)).toEqual([expect.objectContaining({ path: `${HCM}.http_filters[1].typed_config.@type`, kind: 'unresolved-type' })]);
});

test('the message inside an Any is validated', () => {
  const { c, hcm } = config();
  hcm.request_id_extension.typed_config.use_request_id_for_trace_samplin = false;
  expect(validateEnvoyConfig(c).map((i) => i.kind)).toEqual(['unknown-field']);
});

test('two members of one oneof are reported', () => {
  const { c, route } = config();
  route.route.cluster_header = 'x-cluster';
  expect(validateEnvoyConfig(c)).toEqual([expect.objectContaining({ path: `${HCM}.route_config.virtual_hosts[0].routes[0].route`, kind: 'oneof' })]);
});

test('a required oneof with no member set is reported', () => {
  const { c, route } = config();
  delete route.route.cluster;
  expect(validateEnvoyConfig(c)).toEqual([expect.objectContaining({ kind: 'required', message: expect.stringMatching(/one of cluster, cluster_header/) })]);
});

test('protoc-gen-validate constraints are checked: an empty cluster name, a percentage above 100', () => {
  const { c, healthFilter } = config();
  c.static_resources.clusters[0].name = '';
  c.static_resources.clusters[0].load_assignment.cluster_name = '';
  healthFilter.cluster_min_healthy_percentages['web.shop'] = { value: 150 };
  const constraints = validateEnvoyConfig(c).filter((i) => i.kind === 'constraint').map((i) => i.path);
  expect(constraints).toEqual(expect.arrayContaining([
    'static_resources.clusters[0].name',
    `${HCM}.http_filters[0].typed_config.cluster_min_healthy_percentages.web.shop.value`,
  ]));
});

test('rules Envoy enforces in code: cache_time outside pass-through mode, empty health headers, router not last, gRPC check without HTTP/2', () => {
  const { c, hcm, healthFilter } = config();
  healthFilter.cache_time = '5s';
  healthFilter.headers = [];
  hcm.http_filters.reverse();
  delete c.static_resources.clusters[1].typed_extension_protocol_options;
  const semantic = validateEnvoyConfig(c).filter((i) => i.kind === 'semantic').map((i) => i.message);
  expect(semantic).toEqual(expect.arrayContaining([
    expect.stringMatching(/rejects cache_time when pass_through_mode is false/),
    expect.stringMatching(/every request is treated as a health check/),
    'the router filter must be the last HTTP filter',
    expect.stringMatching(/gRPC health checks need an HTTP\/2 cluster/),
  ]));
});

test('camelCase JSON names are accepted as the proto3 JSON mapping allows', () => {
  const { c, cluster } = config();
  cluster.connectTimeout = cluster.connect_timeout;
  delete cluster.connect_timeout;
  expect(validateEnvoyConfig(c)).toEqual([]);
});
