import { App, Chart, Duration, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { FrontEnvoy, FrontLoadBalancer, KubernetesVersion, ObservableService, ObservableServiceProps, PreStopAction, validateEnvoyConfig } from '../lib';
import { buildExamples } from '../examples/main';
import { constructError } from './support/errors';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, synth } from './support/synth';

function chartAt(version?: KubernetesVersion): Chart {
  const app = Testing.app();
  if (version) KubernetesVersion.setTarget(app, version);
  return new Chart(app, 'shop', { namespace: 'shop' });
}

function web(props: Partial<ObservableServiceProps> = {}, version?: KubernetesVersion) {
  const chart = chartAt(version);
  const service = new ObservableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080, ...props });
  const manifests = synth(chart);
  const deployment = manifests.find((m) => m.kind === 'Deployment')!;
  return { service, manifests, deployment, pod: deployment.spec.template.spec, container: appContainer(deployment) };
}

describe('application pods', () => {
  test('by default a 10 s pre-stop sleep run by the kubelet (no shell needed) and a grace period of delay + 20 s', () => {
    const { service, pod, container } = web();
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(service.shutdown).toEqual({ delaySeconds: 10, gracePeriodSeconds: 30, action: 'sleep' });
  });

  test('the delay and the drain time are props; the grace period is their sum', () => {
    const { pod, container } = web({ shutdown: { delay: Duration.seconds(15), drainTime: Duration.seconds(45) } });
    expect(container.lifecycle.preStop.sleep.seconds).toBe(15);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('an exec sleep for images that have one, an HTTP hook for applications that wait themselves, or none', () => {
    expect(web({ shutdown: { action: PreStopAction.execSleep() } }).container.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sleep', '10'] } } });
    expect(web({ shutdown: { action: PreStopAction.httpGet('/prestop') } }).container.lifecycle.preStop.httpGet).toMatchObject({ path: '/prestop' });
    const none = web({ shutdown: { action: PreStopAction.none() } });
    expect(none.container.lifecycle).toBeUndefined();
    expect(none.pod.terminationGracePeriodSeconds).toBe(20);
  });

  test('bad input names the prop: fractions of seconds, a relative binary, no grace at all', () => {
    expect(constructError(() => web({ shutdown: { delay: Duration.millis(1500) } })).problems.map((p) => p.prop)).toEqual(['shutdown.delay']);
    expect(constructError(() => web({ shutdown: { action: PreStopAction.execSleep('sleep') } })).problems.map((p) => p.prop)).toEqual(['shutdown.action']);
    expect(constructError(() => web({ shutdown: { action: PreStopAction.none(), drainTime: Duration.seconds(0) } })).problems.map((p) => p.prop)).toEqual(['shutdown']);
  });
});

describe('the Kubernetes version the output targets', () => {
  test('the default is 1.33, set per app through construct context', () => {
    expect(KubernetesVersion.targetOf(Testing.app())).toBe(KubernetesVersion.DEFAULT);
    expect(KubernetesVersion.DEFAULT.name).toBe('1.33');
    expect(KubernetesVersion.targetOf(chartAt(KubernetesVersion.V1_29)).name).toBe('1.29');
    expect(() => KubernetesVersion.of(26)).toThrow(/\(26\) is not a Kubernetes version this library targets/);
  });

  test('the sleep action needs 1.30: asked for on 1.27 it is an error naming both versions and the ways out', () => {
    const error = constructError(() => web({ shutdown: { action: PreStopAction.sleep() } }, KubernetesVersion.V1_27));
    expect(error.problems.map((p) => p.prop)).toEqual(['shutdown.action']);
    expect(error.message).toMatch(/needs Kubernetes 1.30 or newer \(the pre-stop sleep action\); the target is 1.27.*Fix: set KubernetesVersion.setTarget\(app, KubernetesVersion.V1_30\) or newer, or use PreStopAction.execSleep\(\)/s);
  });

  test('on 1.27 the default is no pre-stop action (the readiness rule OBS-SHD1 then says so); on 1.30 it is the sleep', () => {
    expect(web({}, KubernetesVersion.V1_27).container.lifecycle).toBeUndefined();
    expect(web({}, KubernetesVersion.V1_30).container.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
  });

  test('the schema tests validate against the targeted version: a 1.33 Deployment with the sleep action fails the 1.27 schema', () => {
    const { deployment } = web();
    expect(kubernetesSchemaErrors(deployment, KubernetesVersion.V1_33)).toEqual([]);
    expect(kubernetesSchemaErrors(deployment, KubernetesVersion.V1_27).join('\n')).toMatch(/sleep/);
  });

  test('every example, built for 1.27, passes the Kubernetes 1.27 schema', () => {
    const app = Testing.app();
    KubernetesVersion.setTarget(app, KubernetesVersion.V1_27);
    buildExamples(app);
    // The Kubernetes API's own kinds (the CRDs' objects have their own schema tests).
    const manifests = app.charts.flatMap((c) => synth(c)).filter((m) => !/\.(io|com)\//.test(m.apiVersion) || /\.k8s\.io\//.test(m.apiVersion));
    expect(manifests.length).toBeGreaterThan(20);
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m, KubernetesVersion.V1_27))).toEqual([]);
  });
});

describe('the front Envoy', () => {
  function front(props: Partial<ConstructorParameters<typeof FrontEnvoy>[2]> = {}) {
    const chart = chartAt();
    const upstream = new ObservableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080 });
    const proxy = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: upstream }], ...props });
    const manifests = synth(chart);
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'front')!;
    const config = parse(manifests.find((m) => m.kind === 'ConfigMap')!.data['envoy.json']) as Manifest;
    const probes = config.static_resources.listeners.find((l: Manifest) => l.name === 'probes');
    return { proxy, manifests, deployment, config, probes, container: appContainer(deployment), service: manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'front')! };
  }

  test("the pre-stop hook asks the probe listener's drain route, which fails health checks, waits out deregistration, drains, waits out the drain", () => {
    const { container, probes, config } = front();
    expect(container.lifecycle.preStop).toEqual({ httpGet: { path: '/_envoy/drain', port: 9902, scheme: 'HTTP' } });
    const hcm = probes.filter_chains[0].filters[0].typed_config;
    const filters = hcm.http_filters as Manifest[];
    // In order: fail health checks, delay, drain listeners, delay, router.
    expect(filters.map((f) => f.name)).toEqual(['drain.fail_health_checks', 'drain.deregistration_delay', 'drain.drain_listeners', 'drain.drain_time', 'envoy.filters.http.router']);
    const adminPath = (f: Manifest) => /\[":path"\] = "([^"]+)"/.exec(f.typed_config.default_source_code.inline_string)?.[1];
    expect([adminPath(filters[0]), adminPath(filters[2])]).toEqual(['/healthcheck/fail', '/drain_listeners?graceful&inboundonly']);
    // The Lua calls go to the admin interface through a cluster on loopback.
    const admin = config.static_resources.clusters.find((c: Manifest) => c.name === 'envoy_admin');
    expect(admin.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 9901 });
    const drainRoute = hcm.route_config.virtual_hosts[0].routes.find((r: Manifest) => r.match.path === '/_envoy/drain');
    expect(drainRoute.typed_per_filter_config['drain.deregistration_delay'].delay.fixed_delay).toBe('20s');
    expect(drainRoute.typed_per_filter_config['drain.drain_time'].delay.fixed_delay).toBe('10s');
    // Other probe routes never trigger the drain.
    const live = hcm.route_config.virtual_hosts[0].routes.find((r: Manifest) => r.match.path === '/live');
    expect(live.typed_per_filter_config['drain.fail_health_checks'].disabled).toBe(true);
    expect(live.typed_per_filter_config['drain.drain_listeners'].disabled).toBe(true);
    // The ingress listener is the inbound one the drain stops; the probe listener keeps serving the hook.
    expect(config.static_resources.listeners.map((l: Manifest) => [l.name, l.traffic_direction])).toEqual([['ingress_http', 'INBOUND'], ['probes', undefined]]);
    expect(hcm.stream_idle_timeout).toBe('90s');
    expect(validateEnvoyConfig(config)).toEqual([]);
  });

  test('Envoy drains for the drain time, and the grace period covers deregistration + drain + 5 s', () => {
    const { container, deployment } = front({ shutdown: { deregistrationDelay: Duration.seconds(40), drainTime: Duration.seconds(15) } });
    expect(container.args).toEqual(expect.arrayContaining(['--drain-time-s', '15', '--drain-strategy', 'immediate']));
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  test("an AWS NLB's target group keeps a deregistering pod as long as Envoy serves it: deregistration + drain", () => {
    const { service } = front({ loadBalancer: FrontLoadBalancer.awsNlb(), shutdown: { deregistrationDelay: Duration.seconds(30), drainTime: Duration.seconds(10) } });
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'HTTP',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/_envoy/health',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes':
        'deregistration_delay.timeout_seconds=40,deregistration_delay.connection_termination.enabled=true,preserve_client_ip.enabled=true',
    });
  });

  test('the drain times must be whole seconds, at least 1', () => {
    const p = { deregistrationDelay: Duration.millis(500), drainTime: Duration.seconds(0) };
    const chart = chartAt();
    const upstream = new ObservableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080 });
    const error = constructError(() => new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: upstream }], shutdown: p }));
    expect(error.problems.map((x) => x.prop)).toEqual(['shutdown.deregistrationDelay', 'shutdown.drainTime']);
  });

  test('the drain needs nothing newer than 1.27 (an httpGet hook)', () => {
    const app = new App({ outdir: '/tmp/cdk8s-observable-test-out' });
    KubernetesVersion.setTarget(app, KubernetesVersion.V1_27);
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const upstream = new ObservableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080, shutdown: { action: PreStopAction.execSleep() } });
    new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: upstream }] });
    expect(synth(chart).flatMap((m) => kubernetesSchemaErrors(m, KubernetesVersion.V1_27))).toEqual([]);
  });
});
