import { App, Testing } from 'cdk8s';
import { buildExamples } from '../examples/main';
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
