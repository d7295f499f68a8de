import { App, Testing } from 'cdk8s';
import { buildExamples } from '../examples/main';
import { FrontEnvoy, validateEnvoyConfig } from '../lib';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, charts, only } from './support/synth';

function exampleApp(): App {
  const app = Testing.app();
  buildExamples(app);
  return app;
}

const exampleCharts = charts(exampleApp());

test('there are example charts', () => {
  expect(exampleCharts.map((c) => c.node.id)).toEqual(expect.arrayContaining(['accounting-http', 'accounting-grpc']));
});

describe.each(exampleCharts.map((c) => [c.node.id, c] as const))('example %s', (_id, chart) => {
  const manifests = Testing.synth(chart) as Manifest[];

  test('every document passes the Kubernetes API schema with no unknown fields', () => {
    expect(manifests.flatMap(kubernetesSchemaErrors)).toEqual([]);
  });

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});

test('the HTTP example sits behind a ClusterIP Service with /live and /ready probes', () => {
  const manifests = Testing.synth(exampleCharts.find((c) => c.node.id === 'accounting-http')!) as Manifest[];
  expect(only(manifests, 'Service').spec.clusterIP).toBeUndefined();
  const container = appContainer(only(manifests, 'Deployment'));
  expect(container.livenessProbe.httpGet.path).toBe('/live');
  expect(container.readinessProbe.httpGet.path).toBe('/ready');
});

test('the gRPC example sits behind a headless Service with native gRPC probes', () => {
  const manifests = Testing.synth(exampleCharts.find((c) => c.node.id === 'accounting-grpc')!) as Manifest[];
  expect(only(manifests, 'Service').spec.clusterIP).toBe('None');
  const container = appContainer(only(manifests, 'Deployment'));
  expect(container.livenessProbe.grpc).toEqual({ port: 9090, service: 'liveness' });
  expect(container.readinessProbe.grpc).toEqual({ port: 9090, service: 'readiness' });
});

test('two synths of the examples give byte-identical YAML', () => {
  expect(exampleApp().synthYaml()).toBe(exampleApp().synthYaml());
});

test('every example Envoy bootstrap validates against Envoy API with zero issues', () => {
  const fronts = exampleCharts.flatMap((c) => c.node.findAll().filter((n): n is FrontEnvoy => n instanceof FrontEnvoy));
  expect(fronts.map((f) => f.node.path)).toEqual(['envoy-datadog/expenses-front-envoy', 'envoy-health/accounting-front-envoy']);
  for (const front of fronts) expect(validateEnvoyConfig(front.config)).toEqual([]);
});

test('article 000: Envoy traces to the Datadog agent through its ClusterIP Service', () => {
  const front = exampleCharts.find((c) => c.node.id === 'envoy-datadog')!.node.findAll().find((n): n is FrontEnvoy => n instanceof FrontEnvoy)!;
  const clusters = (front.config.static_resources as Manifest).clusters as Manifest[];
  const agent = clusters.find((c) => c.name === 'datadog_agent')!;
  expect(agent).toMatchObject({ type: 'STRICT_DNS', connect_timeout: '1s', lb_policy: 'ROUND_ROBIN' });
  expect(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'datadog.datadog.svc.cluster.local', port_value: 8126 });
});

test('article 002: one front Envoy over a ClusterIP HTTP/1.1 upstream and a headless gRPC upstream', () => {
  const front = exampleCharts.find((c) => c.node.id === 'envoy-health')!.node.findAll().find((n): n is FrontEnvoy => n instanceof FrontEnvoy)!;
  expect(front.upstreams.map((u) => [u.cluster, u.headless, u.http2])).toEqual([['ledger.accounting', true, true], ['journal-api.accounting', false, false]]);
  expect(front.healthPath).toBe('/_envoy/health');
  expect(front.externalHealthPaths).toEqual({ 'journal-api.accounting.svc.cluster.local': '/journal/healthz' });
});
