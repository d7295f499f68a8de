import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ConfigurationError, FrontEnvoy, FrontEnvoyProps, FrontLoadBalancer, IpFamily, ObservableService, ProductionReadiness, Protocol, Tracing, validateEnvoyConfig } from '../lib';
import { MAX_UPSTREAMS_COMPACT, MAX_UPSTREAMS_INDENTED } from '../lib/envoy/defaults';
import { envoyConcurrency } from '../lib/envoy/routes';
import { routeOf } from './support/envoy-routes';
import { constructError } from './support/errors';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, synth } from './support/synth';

function product(namespace = 'shop') {
  const chart = new Chart(Testing.app(), 'test', { namespace });
  const web = new ObservableService(chart, 'web', { image: 'registry.example.com/shop/web:1.0.0', port: 8080 });
  const ledger = new ObservableService(chart, 'ledger', { image: 'registry.example.com/shop/ledger:1.0.0', port: 9090, protocol: Protocol.GRPC });
  return { chart, web, ledger };
}

function build(props: (p: ReturnType<typeof product>) => Partial<FrontEnvoyProps> = () => ({})) {
  const p = product();
  const front = new FrontEnvoy(p.chart, 'front', { routes: [{ prefix: '/ledger.v1.Ledger/', service: p.ledger }, { prefix: '/', service: p.web }], ...props(p) });
  const manifests = synth(p.chart);
  const configMap = manifests.find((m) => m.kind === 'ConfigMap')!;
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'front')!;
  const config = parse(configMap.data['envoy.json']) as Manifest;
  const hcm = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  return { ...p, front, manifests, configMap, deployment, config, hcm };
}

function frontError(props: (p: ReturnType<typeof product>) => Partial<FrontEnvoyProps>): ConfigurationError {
  const p = product();
  return constructError(() => new FrontEnvoy(p.chart, 'front', { routes: [{ prefix: '/', service: p.web }], ...props(p) }));
}

describe('the bootstrap in the ConfigMap', () => {
  test('is the construct config, validates against Envoy API, and every manifest passes the Kubernetes schema', () => {
    const { front, config, manifests } = build(() => ({ tracing: Tracing.datadog({ env: 'production' }) }));
    expect(config).toEqual(front.config);
    expect(validateEnvoyConfig(config)).toEqual([]);
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });

  test('the HCM generates request ids with the UUID extension, not used for sampling', () => {
    const { hcm } = build();
    expect(hcm.generate_request_id).toBe(true);
    expect(hcm.request_id_extension.typed_config).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig', use_request_id_for_trace_sampling: false,
    });
  });

  test('the health check filter comes first with every upstream cluster, the router last', () => {
    const { hcm } = build();
    expect(hcm.http_filters.map((f: Manifest) => f.name)).toEqual(['envoy.filters.http.health_check', 'envoy.filters.http.router']);
    expect(hcm.http_filters[0].typed_config.cluster_min_healthy_percentages).toEqual({ 'ledger_shop': { value: 25 }, 'web_shop': { value: 25 } });
    expect(hcm.http_filters[0].typed_config.headers[0].string_match).toEqual({ exact: '/_envoy/health' });
  });

  test('a per-route minimum healthy percentage reaches the filter', () => {
    const { hcm } = build((p) => ({ routes: [{ prefix: '/', service: p.web, minHealthyPercent: 60 }] }));
    expect(hcm.http_filters[0].typed_config.cluster_min_healthy_percentages).toEqual({ 'web_shop': { value: 60 } });
  });

  test('one cluster per upstream: HTTP/1.1 to the ClusterIP name, gRPC to the headless name over HTTP/2', () => {
    const { config } = build();
    const clusters = Object.fromEntries(config.static_resources.clusters.map((c: Manifest) => [c.name, c]));
    expect(clusters['web_shop'].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'web.shop.svc.cluster.local', port_value: 8080 });
    expect(clusters['web_shop'].health_checks[0].http_health_check.path).toBe('/ready');
    expect(clusters['ledger_shop'].health_checks[0].grpc_health_check.service_name).toBe('readiness');
    expect(clusters['ledger_shop'].typed_extension_protocol_options).toBeDefined();
    expect(clusters['web_shop'].typed_extension_protocol_options).toBeUndefined();
  });

  test("the application's /healthz is routed through to it, ahead of the other routes", () => {
    const { hcm, front } = build((p) => ({ routes: [{ prefix: '/shop/', service: p.web }] }));
    const routes = hcm.route_config.virtual_hosts[0].routes;
    expect(routes[0]).toEqual({ match: { path: '/shop/healthz' }, route: { cluster: 'web_shop', timeout: '5s', prefix_rewrite: '/healthz' } });
    expect(front.externalHealthPaths).toEqual({ 'web.shop.svc.cluster.local': '/shop/healthz' });
  });

  test('at the root prefix the external health path is the application path itself, without rewrite; the probe paths answer 404', () => {
    const { hcm } = build((p) => ({ routes: [{ prefix: '/', service: p.web }] }));
    expect(hcm.route_config.virtual_hosts[0].routes.slice(0, 3)).toEqual([
      { match: { path_separated_prefix: '/live', case_sensitive: false }, direct_response: { status: 404 } },
      { match: { path_separated_prefix: '/ready', case_sensitive: false }, direct_response: { status: 404 } },
      { match: { path: '/healthz' }, route: { cluster: 'web_shop', timeout: '5s' } },
    ]);
  });

  test('routes carry the timeout and bounded retries; gRPC also retries on unavailable', () => {
    const { hcm } = build((p) => ({
      routes: [
        { prefix: '/ledger.v1.Ledger/', service: p.ledger, timeout: Duration.seconds(3) },
        { prefix: '/', service: p.web, retries: { numRetries: 1, perTryTimeout: Duration.seconds(2) } },
      ],
    }));
    const [grpc, http] = hcm.route_config.virtual_hosts[0].routes.filter((r: Manifest) => r.route && !r.match.path);
    expect(grpc.route).toMatchObject({ timeout: '3s', retry_policy: { retry_on: '5xx,reset,connect-failure,unavailable', num_retries: 2 } });
    expect(http.route).toMatchObject({ timeout: '15s', retry_policy: { retry_on: '5xx,reset,connect-failure', num_retries: 1, per_try_timeout: '2s' } });
  });

  test('numRetries 0 writes no retry policy', () => {
    const { hcm } = build((p) => ({ routes: [{ path: '/api', service: p.web, retries: { numRetries: 0 } }] }));
    expect(hcm.route_config.virtual_hosts[0].routes[0].route.retry_policy).toBeUndefined();
  });

  test('Datadog tracing: tracer, sampling and the agent cluster through its ClusterIP Service', () => {
    const { hcm, config } = build(() => ({ tracing: Tracing.datadog({ env: 'production', samplingPercentage: 5 }) }));
    expect(hcm.tracing.provider.typed_config).toMatchObject({ collector_cluster: 'datadog_agent', service_name: 'front' });
    expect(hcm.tracing.random_sampling).toEqual({ value: 5 });
    const agent = config.static_resources.clusters.find((c: Manifest) => c.name === 'datadog_agent');
    expect(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'datadog.datadog.svc.cluster.local', port_value: 8126 });
  });

  test('admin is on 127.0.0.1', () => {
    expect(build().config.admin.address.socket_address.address).toBe('127.0.0.1');
  });
});

describe('in front of Envoy: trusted client addresses, client-forced tracing, address families', () => {
  test('with nothing declared Envoy trusts no X-Forwarded-For entry and sits behind a ClusterIP Service', () => {
    const { hcm, manifests } = build();
    expect(hcm.use_remote_address).toBe(true);
    expect(hcm.xff_num_trusted_hops).toBe(0);
    expect(manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'front')!.spec.type).toBe('ClusterIP');
  });

  test('behind an NLB (layer 4, no X-Forwarded-For entry added) still none; behind layer-7 proxies one per hop', () => {
    expect(build(() => ({ loadBalancer: FrontLoadBalancer.awsNlb() })).hcm.xff_num_trusted_hops).toBe(0);
    expect(build(() => ({ loadBalancer: FrontLoadBalancer.layer4() })).hcm.xff_num_trusted_hops).toBe(0);
    expect(build(() => ({ loadBalancer: FrontLoadBalancer.layer7() })).hcm.xff_num_trusted_hops).toBe(1);
    const twoHops = build(() => ({ loadBalancer: FrontLoadBalancer.layer7({ hops: 2 }) }));
    expect(twoHops.hcm.xff_num_trusted_hops).toBe(2);
    // A layer-7 load balancer reaches Envoy through an Ingress: the Service stays ClusterIP.
    expect(twoHops.manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'front')!.spec.type).toBe('ClusterIP');
    expect(build(() => ({ loadBalancer: FrontLoadBalancer.awsNlb({ internetFacing: false }) })).manifests
      .find((m) => m.kind === 'Service' && m.metadata.name === 'front')!.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
  });

  test('a client cannot force tracing with x-client-trace-id unless a share is opted in', () => {
    const tracing = Tracing.datadog({ env: 'production' });
    expect(build(() => ({ tracing })).hcm.tracing.client_sampling).toEqual({ value: 0 });
    expect(build(() => ({ tracing, clientSamplingPercentage: 10 })).hcm.tracing.client_sampling).toEqual({ value: 10 });
    expect(frontError(() => ({ tracing, clientSamplingPercentage: 101 })).problems.map((p) => p.prop)).toEqual(['clientSamplingPercentage']);
  });

  test('IPv4 listens on 0.0.0.0; IPv6 on :: with AAAA-first lookups and an IPv6 Service; dual stack on both, with a Service and an NLB that require both', () => {
    const addresses = (config: Manifest) => config.static_resources.listeners.map((l: Manifest) => [
      l.address.socket_address.address, ...(l.additional_addresses ?? []).map((a: Manifest) => a.address.socket_address.address),
    ]);
    const service = (ms: Manifest[]) => ms.find((m) => m.kind === 'Service' && m.metadata.name === 'front')!;
    const v4 = build();
    expect(addresses(v4.config)).toEqual([['0.0.0.0'], ['0.0.0.0']]);
    expect(service(v4.manifests).spec.ipFamilies).toBeUndefined();
    expect(new Set(v4.config.static_resources.clusters.filter((c: Manifest) => c.type === 'STRICT_DNS').map((c: Manifest) => c.dns_lookup_family))).toEqual(new Set(['V4_PREFERRED']));

    const v6 = build(() => ({ ipFamily: IpFamily.IPV6 }));
    expect(addresses(v6.config)).toEqual([['::'], ['::']]);
    expect(new Set(v6.config.static_resources.clusters.filter((c: Manifest) => c.type === 'STRICT_DNS').map((c: Manifest) => c.dns_lookup_family))).toEqual(new Set(['AUTO']));
    expect(service(v6.manifests).spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] });

    const dual = build(() => ({ ipFamily: IpFamily.DUAL_STACK, loadBalancer: FrontLoadBalancer.awsNlb() }));
    expect(addresses(dual.config)).toEqual([['0.0.0.0', '::'], ['0.0.0.0', '::']]);
    expect(service(dual.manifests).spec).toMatchObject({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
    expect(service(dual.manifests).metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-ip-address-type']).toBe('dualstack');
    for (const b of [v6, dual]) {
      expect(validateEnvoyConfig(b.config)).toEqual([]);
      expect(b.manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
    }
  });
});

describe('probe endpoints stay private', () => {
  test("Envoy's route table answers 404 for every upstream's liveness and readiness paths, through any prefix reaching them; /healthz keeps its route", () => {
    const { hcm } = build((p) => ({ routes: [{ prefix: '/ledger.v1.Ledger/', service: p.ledger }, { prefix: '/', service: p.web }] }));
    const routes = hcm.route_config.virtual_hosts[0].routes as Manifest[];
    const table = Object.fromEntries(['/live', '/ready', '/live/', '/ready/deep', '/live?verbose=1', '/LIVE', '/Ready', '/healthz', '/livestock', '/api/orders', '/ledger.v1.Ledger/Get']
      .map((path) => [path, routeOf(routes, path)]));
    expect(table).toEqual({
      '/live': 'direct 404', '/ready': 'direct 404', '/live/': 'direct 404', '/ready/deep': 'direct 404', '/live?verbose=1': 'direct 404',
      // Frameworks that ignore case would serve these as /live and /ready.
      '/LIVE': 'direct 404', '/Ready': 'direct 404',
      '/healthz': 'cluster web_shop', '/livestock': 'cluster web_shop', '/api/orders': 'cluster web_shop', '/ledger.v1.Ledger/Get': 'cluster ledger_shop',
    });
    // Requests are matched on the normalized path: '/x/../live' and '//live' are '/live'.
    expect([hcm.normalize_path, hcm.merge_slashes]).toEqual([true, true]);
  });

  test("a prefix that reaches the probe paths only in part still blocks them; a service's own prefix does not reach them (no rewrite)", () => {
    const partial = build((p) => ({ routes: [{ prefix: '/l', service: p.web }] })).hcm.route_config.virtual_hosts[0].routes as Manifest[];
    expect(routeOf(partial, '/live')).toBe('direct 404');
    expect(routeOf(partial, '/lobby')).toBe('cluster web_shop');
    const own = build((p) => ({ routes: [{ prefix: '/shop/', service: p.web }] })).hcm.route_config.virtual_hosts[0].routes as Manifest[];
    expect(own.filter((r) => r.direct_response)).toEqual([]);
  });

  test('custom probe paths are blocked too, and an exact route to one is an error naming the way out', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, health: { endpoints: { live: '/-/alive', ready: '/-/ready', healthz: '/-/healthz' } } });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    const routes = (front.config.static_resources as Manifest).listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
    expect(['/-/alive', '/-/ready', '/-/healthz'].map((p) => routeOf(routes, p))).toEqual(['direct 404', 'direct 404', 'cluster web_shop']);
    const error = frontError((p) => ({ routes: [{ path: '/ready', service: p.web }] }));
    expect(error.problems.map((p) => p.prop)).toEqual(['routes[0].path']);
    expect(error.message).toMatch(/\("\/ready"\) is a probe endpoint of web.shop.svc.cluster.local, which stays private.*route its external health path '\/healthz' instead/s);
  });
});

describe("Envoy's own spans carry env, service and version", () => {
  test('Datadog: the unified service tags as labels, DD_ENV, DD_SERVICE, DD_VERSION read from them', () => {
    const { deployment, hcm } = build(() => ({ tracing: Tracing.datadog({ env: 'production' }), version: '2026.12.1' }));
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject({ 'tags.datadoghq.com/env': 'production', 'tags.datadoghq.com/service': 'front', 'tags.datadoghq.com/version': '2026.12.1' });
    const env = Object.fromEntries((appContainer(deployment).env as Manifest[]).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    expect(env).toEqual({
      DD_ENV: "metadata.labels['tags.datadoghq.com/env']", DD_SERVICE: "metadata.labels['tags.datadoghq.com/service']", DD_VERSION: "metadata.labels['tags.datadoghq.com/version']",
    });
    // The service the tracer reports agrees with the config's.
    expect(hcm.tracing.provider.typed_config.service_name).toBe(labels['tags.datadoghq.com/service']);
  });

  test('Datadog tracing without env is an error: the spans would carry no env', () => {
    expect(frontError(() => ({ tracing: Tracing.datadog() })).problems.map((p) => p.prop)).toEqual(['tracing.env']);
  });

  test("OpenTelemetry: the version and the pod's Kubernetes attributes as resource attributes, read by Envoy's environment resource detector", () => {
    const { deployment, hcm } = build(() => ({ tracing: Tracing.openTelemetry({ host: 'otel.observability.svc.cluster.local', env: 'production' }) }));
    const env = Object.fromEntries((appContainer(deployment).env as Manifest[]).map((e) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/service\.version=distroless-v\d+\.\d+\.\d+/);
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/deployment\.environment\.name=production/);
    expect(env.K8S_POD_NAME).toBe('metadata.name');
    expect(hcm.tracing.provider.typed_config.resource_detectors).toEqual([{
      name: 'envoy.tracers.opentelemetry.resource_detectors.environment',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.tracers.opentelemetry.resource_detectors.v3.EnvironmentResourceDetectorConfig' },
    }]);
  });
});

describe('the Envoy workload', () => {
  test('mounts the ConfigMap read-only and starts Envoy on it with workers pinned to the CPU limit', () => {
    const { deployment, configMap } = build(() => ({ resources: { cpu: { limit: kplus.Cpu.millis(2000) } } }));
    const container = appContainer(deployment);
    expect(container.volumeMounts).toContainEqual({ mountPath: '/etc/envoy', name: 'envoy-config', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'envoy-config', configMap: { name: configMap.metadata.name } });
    expect(container.command).toEqual(['/usr/local/bin/envoy']);
    expect(container.args).toEqual(['--config-path', '/etc/envoy/envoy.json', '--concurrency', '2', '--log-level', 'info', '--drain-time-s', '10', '--drain-strategy', 'immediate']);
  });

  test('concurrency follows the CPU limit in whole cores, at least one', () => {
    expect(envoyConcurrency(undefined)).toBe(1);
    expect(envoyConcurrency({ cpu: { limit: kplus.Cpu.millis(1500) } })).toBe(2);
    expect(envoyConcurrency({ cpu: { limit: kplus.Cpu.millis(100) } })).toBe(1);
  });

  test('kubelet probes go to the probe listener, not to the admin port', () => {
    const container = appContainer(build().deployment);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/live', port: 9902, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 9902, scheme: 'HTTP' });
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 9902, name: 'health' }]);
    expect(JSON.stringify(container)).not.toContain('9901');
  });

  test('the Service exposes only the listener', () => {
    const svc = build().manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'front')!;
    expect(svc.spec.ports.map((p: Manifest) => p.port)).toEqual([8080]);
    expect(svc.spec.type).toBe('ClusterIP');
  });

  test("a layer-4 load balancer's Service is a LoadBalancer with the cloud's annotations and the user's", () => {
    const svc = build(() => ({ loadBalancer: FrontLoadBalancer.layer4({ serviceAnnotations: { 'example.com/lb-class': 'external' } }), serviceAnnotations: { 'example.com/lb': 'internal' } }))
      .manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'front')!;
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({ 'example.com/lb-class': 'external', 'example.com/lb': 'internal' });
  });

  test('two replicas and a disruption budget by default; the image is a pinned Envoy release', () => {
    const { manifests, deployment } = build();
    expect(deployment.spec.replicas).toBe(2);
    expect(manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name)).toContain('front');
    expect(appContainer(deployment).image).toMatch(/^envoyproxy\/envoy:distroless-v\d+\.\d+\.\d+$/);
  });

  test('a change of the config changes the pod template hash, so the pods roll', () => {
    const hash = (d: Manifest) => d.spec.template.metadata.annotations['observable.cdk8s.io/config-hash'];
    const a = build();
    const b = build((p) => ({ routes: [{ prefix: '/', service: p.web, timeout: Duration.seconds(30) }] }));
    const c = build();
    expect(hash(a.deployment)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(a.deployment)).not.toBe(hash(b.deployment));
    expect(hash(a.deployment)).toBe(hash(c.deployment));
  });
});

describe('Envoy answering in the application\'s place cannot be written', () => {
  test.each([
    ['the application /healthz', '/healthz'],
    ['the application /ready', '/ready'],
    ['the application /live', '/live'],
  ])('a health path equal to %s is an error', (_title, path) => {
    const error = frontError(() => ({ healthCheck: { path } }));
    expect(error.message).toMatch(/'healthCheck.path'/);
    expect(error.message).toMatch(/external monitoring would never reach the application/);
  });

  test('a health path that shadows a routed application health path is an error', () => {
    const error = frontError((p) => ({ routes: [{ prefix: '/shop', service: p.web }], healthCheck: { path: '/shop/healthz' } }));
    expect(error.message).toContain("'healthCheck.path' (\"/shop/healthz\") is the external health path of web.shop.svc.cluster.local");
  });

  test("a health path equal to a custom application health path is an error", () => {
    const chart = new Chart(Testing.app(), 'test');
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, health: { endpoints: { healthz: '/status' } } });
    expect(() => new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }], healthCheck: { path: '/status' } })).toThrow(/'healthCheck.path' \("\/status"\)/);
  });
});

describe('bad input is a construct-time error naming the prop', () => {
  test.each<[string, (p: ReturnType<typeof product>) => Partial<FrontEnvoyProps>, string]>([
    ['no routes', () => ({ routes: [] }), 'routes'],
    ['prefix and path together', (p) => ({ routes: [{ prefix: '/', path: '/a', service: p.web }] }), 'routes[0]'],
    ['a relative prefix', (p) => ({ routes: [{ prefix: 'api', service: p.web }] }), 'routes[0].prefix'],
    ['a route shadowed by an earlier prefix', (p) => ({ routes: [{ prefix: '/', service: p.web }, { prefix: '/ledger', service: p.ledger }] }), 'routes[1]'],
    ['a repeated route', (p) => ({ routes: [{ path: '/a', service: p.web }, { path: '/a', service: p.web }] }), 'routes[1]'],
    ['too many retries', (p) => ({ routes: [{ prefix: '/', service: p.web, retries: { numRetries: 10 } }] }), 'routes[0].retries.numRetries'],
    ['per-try timeout above the route timeout', (p) => ({ routes: [{ prefix: '/', service: p.web, timeout: Duration.seconds(1), retries: { perTryTimeout: Duration.seconds(5) } }] }), 'routes[0].retries.perTryTimeout'],
    ['minimum healthy above 100', () => ({ healthCheck: { minHealthyPercent: 120 } }), 'healthCheck.minHealthyPercent'],
    ['sampling above 100', () => ({ tracing: Tracing.datadog({ samplingPercentage: 101 }) }), 'tracing.samplingPercentage'],
    ['health check timeout above interval', () => ({ upstreamHealthCheck: { interval: Duration.seconds(2), timeout: Duration.seconds(3) } }), 'upstreamHealthCheck.timeout'],
    ['jitter not below interval', () => ({ upstreamHealthCheck: { interval: Duration.seconds(2), intervalJitter: Duration.seconds(2) } }), 'upstreamHealthCheck.intervalJitter'],
    ['zero healthy threshold', () => ({ upstreamHealthCheck: { healthyThreshold: 0 } }), 'upstreamHealthCheck.healthyThreshold'],
    ['same admin and listener port', () => ({ adminPort: 8080 }), 'listenerPort'],
    ['a relative health path', () => ({ healthCheck: { path: 'health' } }), 'healthCheck.path'],
  ])('%s', (_title, props, prop) => {
    const error = frontError(props);
    expect(error.problems.map((p) => p.prop)).toContain(prop);
    expect(error.message).toContain("test/front: '");
  });
});

describe('route conflicts name the earlier route', () => {
  test('a shadowed route names the earliest prefix that matches it first, in either order', () => {
    const problems = (prefixes: string[]) => frontError((p) => ({ routes: prefixes.map((prefix) => ({ prefix, service: p.web })) })).problems.map((x) => `${x.prop} ${x.problem}`);
    // "/api/v1/" starts with "/api/" (route 0) and "/" (route 1): the earlier of the two is named.
    expect(problems(['/api/', '/', '/api/v1/'])).toEqual(['routes[2] ("/api/v1/") is never reached: the earlier prefix "/api/" matches it first']);
    expect(problems(['/', '/api/', '/api/v1/'])).toEqual([
      'routes[1] ("/api/") is never reached: the earlier prefix "/" matches it first',
      'routes[2] ("/api/v1/") is never reached: the earlier prefix "/" matches it first',
    ]);
  });

  test('two services given the same external health path through the proxy', () => {
    const error = constructError(() => {
      const p = product();
      const admin = new ObservableService(p.chart, 'admin', { image: 'a/admin:1', port: 8080, health: { endpoints: { healthz: '/b/healthz' } } });
      return new FrontEnvoy(p.chart, 'front', { routes: [{ path: '/a/b/', service: p.web }, { prefix: '/a/b/', service: p.web }, { prefix: '/a/', service: admin }] });
    });
    expect(error.problems.map((x) => `${x.prop} ${x.problem}`)).toContain(
      'routes[2] makes "/a/b/healthz" the external health path of both web.shop.svc.cluster.local and admin.shop.svc.cluster.local');
  });
});

describe('synth-time validation', () => {
  test('an invalid config (edited through the escape hatch) fails synth with the field path', () => {
    const app = new App({ outdir: '/tmp/cdk8s-observable-test-out' });
    const chart = new Chart(app, 'shop');
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    (front.config.static_resources as Manifest).clusters[0].lb_policy = 'ROUND_ROBBIN';
    expect(() => app.synth()).toThrow(/shop\/front: the Envoy config is invalid:\n\s+static_resources.clusters\[0\].lb_policy: "ROUND_ROBBIN" is not one of/);
  });

  test('the stated capacity is exact: MAX_UPSTREAMS_INDENTED mixed upstreams fit, one more fails at construct time with the remedy', () => {
    const chart = new Chart(Testing.app(), 'big', { namespace: 'mesh' });
    // The mix npm run bench:envoy-capacity measures: alternating HTTP/1.1 and gRPC, prefix routes, Datadog tracing.
    const services = Array.from({ length: MAX_UPSTREAMS_INDENTED + 1 }, (_v, i) => new ObservableService(chart, `svc-${i}`, {
      image: 'a/svc:1', port: i % 2 ? 9090 : 8080, protocol: i % 2 ? Protocol.GRPC : Protocol.HTTP,
    }));
    const routes = services.map((s) => ({ prefix: `/${s.name}/`, service: s }));
    expect(() => new FrontEnvoy(chart, 'fits', { routes: routes.slice(0, MAX_UPSTREAMS_INDENTED), tracing: Tracing.datadog({ env: 'production' }) })).not.toThrow();
    const error = constructError(() => new FrontEnvoy(chart, 'front', { routes, tracing: Tracing.datadog({ env: 'production' }) }));
    expect(error.problems.map((p) => p.prop)).toEqual(['routes']);
    expect(error.message).toMatch(new RegExp(String.raw`big/front.*over what one ConfigMap holds \(1 MiB.*split the routes across several FrontEnvoy constructs.*or set compactConfig: true \(about ${MAX_UPSTREAMS_COMPACT} fit\)`, "s"));
    // Nothing was emitted for the rejected proxy: it is not in the tree at all.
    expect(chart.node.tryFindChild('front')).toBeUndefined();
    expect(chart.node.findAll().filter((c) => ApiObject.isApiObject(c) && c.node.path.startsWith('big/front/'))).toEqual([]);
    // The same routes fit with the compact encoding.
    expect(() => new FrontEnvoy(chart, 'compact', { routes, tracing: Tracing.datadog({ env: 'production' }), compactConfig: true })).not.toThrow();
  });

  test('a config grown over the ConfigMap limit through the escape hatch fails synth with the remedy', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-size-')) });
    const chart = new Chart(app, 'big');
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    // Bootstrap.node.metadata is a Struct: any JSON is valid there, so only the size is wrong.
    front.config.node = { id: 'front', metadata: { padding: 'x'.repeat(1024 * 1024) } };
    expect(front.validateConfig().join('\n')).toMatch(/over what one ConfigMap holds \(1 MiB.*Fix: split the routes across several FrontEnvoy constructs/);
    expect(() => app.synth()).toThrow(/big\/front: make an Envoy config of \d+ bytes/);
  });
});

describe('the config is rendered at synth, so an edit through the escape hatch reaches the output', () => {
  const hash = (d: Manifest) => d.spec.template.metadata.annotations['observable.cdk8s.io/config-hash'];
  const emitted = (manifests: Manifest[]) => JSON.parse(manifests.find((m) => m.kind === 'ConfigMap')!.data['envoy.json']) as Manifest;
  const deploymentOf = (manifests: Manifest[]) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'front')!;

  test('a valid edit after construction appears in the ConfigMap and changes the pod-template hash', () => {
    const p = product();
    const front = new FrontEnvoy(p.chart, 'front', { routes: [{ prefix: '/', service: p.web }] });
    const before = synth(p.chart);
    expect(emitted(before).static_resources.clusters[0].connect_timeout).toBe('1s');
    (front.config.static_resources as Manifest).clusters[0].connect_timeout = '7s';
    const after = synth(p.chart);
    expect(emitted(after).static_resources.clusters[0].connect_timeout).toBe('7s');
    expect(front.configText).toContain('"connect_timeout": "7s"');
    expect(hash(deploymentOf(after))).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(deploymentOf(after))).not.toBe(hash(deploymentOf(before)));
  });

  test('an invalid edit after a valid synthesis fails the next synthesis, naming the field path', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-edit-')) });
    const chart = new Chart(app, 'shop');
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    expect(() => app.synth()).not.toThrow();
    // The same task: the validation's result is kept per synthesis by the text it checked, so the edit is seen.
    (front.config.static_resources as Manifest).clusters[0].connect_timeout = 'soon';
    expect(() => app.synth()).toThrow(/shop\/front: the Envoy config is invalid:\n\s+static_resources.clusters\[0\].connect_timeout: expected a duration/);
  });

  test("an edit made by a later construct's validation is checked, written and hashed as edited", () => {
    const edit = (timeout: string) => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-late-')) });
      const chart = new Chart(app, 'shop');
      const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
      const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
      // Later in the tree, so validated after the proxy: the proxy's check and text come after it.
      new Construct(chart, 'late').node.addValidation({ validate: () => { (front.config.static_resources as Manifest).clusters[0].connect_timeout = timeout; return []; } });
      return () => Testing.synth(chart);
    };
    const manifests = edit('9s')();
    expect(emitted(manifests).static_resources.clusters[0].connect_timeout).toBe('9s');
    expect(hash(deploymentOf(manifests))).toBe(createHash('sha256').update(manifests.find((m) => m.kind === 'ConfigMap')!.data['envoy.json']).digest('hex').slice(0, 16));
    expect(edit('whenever')).toThrow(/shop\/front: the Envoy config is invalid:\n\s+static_resources.clusters\[0\].connect_timeout: expected a duration/);
  });

  test('after a synthesis call the library does not see, the config text, its check and the rules read the current config', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'envoy-unseen-')) });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(shop, 'web', { image: 'a/web:1', port: 8080 });
    const front = new FrontEnvoy(shop, 'front', { routes: [{ prefix: '/', service: web }] });
    const plain = new Chart(app, 'plain', { namespace: 'plain' });
    new ApiObject(plain, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
    ProductionReadiness.enforce(app, { printTable: false });
    Testing.synth(plain);
    // The same task: nothing computed for that call may answer for the config as it is now.
    (front.config.admin as Manifest).address.socket_address.port_value = 9911;
    expect(front.configText).toContain('"port_value": 9911');
    (front.config.static_resources as Manifest).bogus_field = 1;
    expect(front.validateConfig().join('\n')).toMatch(/static_resources.bogus_field: unknown field "bogus_field"/);
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'a/web:latest'));
    expect(ProductionReadiness.check(shop).map((f) => f.ruleId)).toContain('OBS-IMG1');
  });

  test('the facts the construct exposes about its routes are read-only', () => {
    const { front } = build();
    expect(Object.isFrozen(front.upstreams[0])).toBe(true);
    expect(() => { (front.upstreams[0] as { port: number }).port = 1; }).toThrow(TypeError);
    expect(() => { (front.externalHealthPaths as Record<string, string>).x = '/x'; }).toThrow(TypeError);
  });
});
