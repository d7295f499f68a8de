import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ConfigurationError, DatadogMonitors, FrontEnvoy, LoadTest, MockBackend, ObservableService, OtelCollector, OtelExporter, PrometheusAlerts, renderTopology,
} from '../lib';
import { constructError } from './support/errors';
import { Manifest, synth } from './support/synth';
import * as kplus from 'cdk8s-plus-27';

/** The synthesis error of an app, or '' when it synthesizes. */
function synthError(app: App): string {
  try {
    app.synthYaml();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

// ---------------------------------------------------------------------------
// Two objects of one identity

describe('collisions are a synth-time error naming both construct paths', () => {
  test('two services named api', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new ObservableService(chart, 'api', { image: 'a/api:1.0.0', port: 8080 });
    new ObservableService(chart, 'api-v2', { name: 'api', image: 'a/api:2.0.0', port: 8080 });
    const error = synthError(app);
    expect(error).toContain('shop/api/Deployment/Resource and shop/api-v2/Deployment/Resource both write Deployment "api" in namespace "shop" (apps/v1): applied together, the second replaces the first. '
      + "Fix: give one of them another name (its 'name' prop, or the construct id it defaults to) or another namespace");
    expect(error).toContain('shop/api/Service/Resource and shop/api-v2/Service/Resource both write Service "api" in namespace "shop" (v1)');
  });

  test('a FrontEnvoy and a MockBackend both named api, across two charts of one namespace', () => {
    const app = Testing.app();
    const web = new ObservableService(new Chart(app, 'web', { namespace: 'shop' }), 'web', { image: 'a/web:1.0.0', port: 8080 });
    new FrontEnvoy(new Chart(app, 'edge', { namespace: 'shop' }), 'api', { routes: [{ prefix: '/', service: web }] });
    new MockBackend(new Chart(app, 'mocks', { namespace: 'shop' }), 'api', { routes: [{ path: '/v1', body: '{}' }] });
    const error = synthError(app);
    expect(error).toMatch(/edge\/api\/Proxy\/Deployment\/Resource and mocks\/api\/Deployment\/Resource both write Deployment "api" in namespace "shop"/);
    expect(error).toMatch(/edge\/api\/Proxy\/Service\/Resource and mocks\/api\/Service\/Resource both write Service "api" in namespace "shop"/);
  });

  test('the same names in two namespaces are two objects; another API version of one group is the same object', () => {
    const app = Testing.app();
    new ObservableService(new Chart(app, 'a', { namespace: 'team-a' }), 'api', { image: 'a/api:1.0.0', port: 8080 });
    new ObservableService(new Chart(app, 'b', { namespace: 'team-b' }), 'api', { image: 'a/api:1.0.0', port: 8080 });
    expect(synthError(app)).toBe('');
    const chart = new Chart(app, 'c', { namespace: 'team-a' });
    new ApiObject(chart, 'old', { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'api' } });
    expect(synthError(app)).toContain('a/api/Deployment/Resource and c/old both write Deployment "api" in namespace "team-a" (apps/v1beta2)');
  });

  test('cluster-scoped objects collide across namespaces', () => {
    const app = Testing.app();
    new ObservableService(new Chart(app, 'a', { namespace: 'team-a' }), 'api', { image: 'a/api:1.0.0', port: 8080 });
    new ApiObject(new Chart(app, 'x', { namespace: 'one' }), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } });
    new ApiObject(new Chart(app, 'y', { namespace: 'two' }), 'role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } });
    expect(synthError(app)).toContain('x/role and y/role both write ClusterRole "reader" (cluster-scoped) (rbac.authorization.k8s.io/v1)');
  });

  test('the check runs once per synthesis, however many charts cdk8s validates', () => {
    const app = Testing.app();
    for (const ns of ['a', 'b', 'c']) new ObservableService(new Chart(app, ns, { namespace: ns }), 'api', { image: 'a/api:1.0.0', port: 8080 });
    new ApiObject(app.node.findChild('a') as Chart, 'dup', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' } });
    expect(synthError(app).match(/both write Service "api"/g)).toHaveLength(1);
  });
});

describe('names of cluster-scoped objects cannot collide across namespaces', () => {
  const collector = (namespace: string, name: string) => {
    const chart = new Chart(Testing.app(), 'obs', { namespace });
    const token = kplus.Secret.fromSecretName(chart, 'token', 'apm-token');
    const c = new OtelCollector(chart, 'otel', { name, exporters: [OtelExporter.elasticApm({ host: 'apm.example.com', secretToken: { secret: token, key: 'token' } })] });
    return { c, manifests: synth(chart) };
  };

  test('team-a/otel and team/a-otel get different ClusterRole and ClusterRoleBinding names', () => {
    const one = collector('team-a', 'otel');
    const two = collector('team', 'a-otel');
    const names = (ms: Manifest[]) => ms.filter((m) => m.kind.startsWith('ClusterRole')).map((m) => m.metadata.name);
    expect(names(one.manifests)).toEqual(['team-a.otel', 'team-a.otel']);
    expect(names(two.manifests)).toEqual(['team.a-otel', 'team.a-otel']);
    expect(one.manifests.find((m) => m.kind === 'ClusterRoleBinding')!.roleRef.name).toBe('team-a.otel');
  });

  test('two collectors of one name in one app but two namespaces synthesize', () => {
    const app = Testing.app();
    for (const ns of ['team-a', 'team-b']) {
      const chart = new Chart(app, ns, { namespace: ns });
      new OtelCollector(chart, 'otel', { exporters: [OtelExporter.datadog({ apiKey: { secret: kplus.Secret.fromSecretName(chart, 'dd', 'dd'), key: 'api-key' } })] });
    }
    expect(synthError(app)).toBe('');
  });
});

// ---------------------------------------------------------------------------
// A construct that throws leaves nothing behind

describe('a construct that throws leaves nothing behind', () => {
  const upstream = (scope: Construct) => new ObservableService(scope, 'web', { image: 'a/web:1.0.0', port: 8080 });
  /** A service the Datadog monitors can watch: its sidecar's spans carry its name. */
  const meshed = (scope: Construct) => new ObservableService(scope, 'web', { image: 'a/web:1.0.0', port: 8080, mesh: {} });
  const cases: Array<[string, (scope: Construct, id: string) => unknown]> = [
    ['ObservableService', (scope, id) => new ObservableService(scope, id, { image: 'a/web:1.0.0', port: 0 })],
    ['FrontEnvoy (its own props)', (scope, id) => new FrontEnvoy(scope, id, { routes: [{ prefix: 'no-slash', service: upstream(scope) }] })],
    ['FrontEnvoy (props its proxy workload checks)', (scope, id) => new FrontEnvoy(scope, id, { routes: [{ prefix: '/', service: upstream(scope) }], image: 'Not An Image' })],
    ['OtelCollector', (scope, id) => new OtelCollector(scope, id, { exporters: [] })],
    ['MockBackend', (scope, id) => new MockBackend(scope, id, { routes: [] })],
    ['LoadTest', (scope, id) => new LoadTest(scope, id, { target: { url: 'ftp://nope' }, qps: 1 })],
    ['PrometheusAlerts', (scope, id) => new PrometheusAlerts(scope, id, { services: [], runbookUrl: 'https://r.example.com' })],
  ];

  test.each(cases)('%s: no API object, no child, renderTopology works, and the id can be used again', (_name, build) => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const before = chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).map((c) => c.node.path);
    const error = constructError(() => build(chart, 'broken'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.constructPath).toBe('shop/broken');
    expect(chart.node.tryFindChild('broken')).toBeUndefined();
    expect(chart.node.findAll().filter((c) => ApiObject.isApiObject(c) && c.node.path.startsWith('shop/broken')).map((c) => c.node.path)).toEqual([]);
    expect(chart.node.findAll().filter((c) => ApiObject.isApiObject(c) && !c.node.path.startsWith('shop/web')).map((c) => c.node.path)).toEqual(before);
    expect(() => renderTopology(chart)).not.toThrow();
    expect(() => new ObservableService(chart, 'broken', { image: 'a/ok:1.0.0', port: 8080 })).not.toThrow();
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('DatadogMonitors checks every service before the first monitor: a service listed twice makes none', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = meshed(chart);
    const error = constructError(() => new DatadogMonitors(chart, 'monitors', { services: [web, web], env: 'prod', notify: ['@team'], runbookUrl: 'https://r.example.com/x' }));
    expect(error.message).toBe("shop/monitors: 'services' would give two monitors the same name (\"web-error-rate\", \"web-latency-p99\"): a service is listed twice, or is named like a mesh monitor. "
      + "Fix: list each service once (services of one name in two namespaces need a DatadogMonitors each, in their own chart), and name no service 'mesh'");
    expect(chart.node.tryFindChild('monitors')).toBeUndefined();
    expect(synth(chart).filter((m) => m.kind === 'DatadogMonitor')).toEqual([]);
  });

  test('DatadogMonitors checks the runbook URL template before the first monitor', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = meshed(chart);
    const runbookUrl = 'https://r.example.com/{service}/{sginal}';
    const error = constructError(() => new DatadogMonitors(chart, 'monitors', { services: [web], env: 'prod', notify: ['@team'], runbookUrl }));
    expect(error.problems.map((p) => `${p.prop} ${p.problem}`)).toEqual(['runbookUrl ("https://r.example.com/{service}/{sginal}") has placeholders other than {signal} and {service}: {sginal}']);
    expect(synth(chart).filter((m) => m.kind === 'DatadogMonitor')).toEqual([]);
  });
});
