import { App, Testing } from 'cdk8s';
import { buildExamples } from '../examples/main';
import { checkCollectorPipelines, FrontEnvoy, MockBackend, OtelCollector, TopologyDiagram, validateEnvoyConfig } from '../lib';
import { fortioLoadArgsError } from './support/fortio-flags';
import { crdSchemaErrors, hasCrdSchema } from './support/crd-schema';
import { datadogCrdErrors } from './support/datadog-crd';
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

  test('every document passes its schema (Kubernetes, Istio, Prometheus Operator, Datadog Operator), with no unknown fields', () => {
    const crds = manifests.filter(hasCrdSchema);
    const datadog = manifests.filter((m) => m.apiVersion.startsWith('datadoghq.com/'));
    const kubernetes = manifests.filter((m) => !crds.includes(m) && !datadog.includes(m));
    expect(kubernetes.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
    expect(datadog.flatMap(datadogCrdErrors)).toEqual([]);
    if (crds.length > 0) expect(crdSchemaErrors(crds)).toEqual([]);
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

test('Envoy traces to the Datadog agent through its ClusterIP Service', () => {
  const front = exampleCharts.find((c) => c.node.id === 'envoy-datadog')!.node.findAll().find((n): n is FrontEnvoy => n instanceof FrontEnvoy)!;
  const clusters = (front.config.static_resources as Manifest).clusters as Manifest[];
  const agent = clusters.find((c) => c.name === 'datadog_agent')!;
  expect(agent).toMatchObject({ type: 'STRICT_DNS', connect_timeout: '1s', lb_policy: 'ROUND_ROBIN' });
  expect(agent.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'datadog.datadog.svc.cluster.local', port_value: 8126 });
});

test('one front Envoy over a ClusterIP HTTP/1.1 upstream and a headless gRPC upstream', () => {
  const front = exampleCharts.find((c) => c.node.id === 'envoy-health')!.node.findAll().find((n): n is FrontEnvoy => n instanceof FrontEnvoy)!;
  expect(front.upstreams.map((u) => [u.cluster, u.headless, u.http2])).toEqual([['ledger_accounting', true, true], ['journal-api_accounting', false, false]]);
  expect(front.healthPath).toBe('/_envoy/health');
  expect(front.externalHealthPaths).toEqual({ 'journal-api.accounting.svc.cluster.local': '/journal/healthz' });
});

test('apps send OTLP to the collector, which exports to Elastic APM with the token from its Secret', () => {
  const c = exampleCharts.find((ch) => ch.node.id === 'observability-elastic')!;
  const collector = c.node.findAll().find((n): n is OtelCollector => n instanceof OtelCollector)!;
  expect(checkCollectorPipelines(collector.config)).toEqual([]);
  expect(Object.keys(collector.config.exporters!)).toEqual(['otlp_grpc/elastic']);
  const manifests = Testing.synth(c) as Manifest[];
  const apps = manifests.filter((m) => m.kind === 'Deployment' && m.metadata.name !== 'otel-collector');
  for (const app of apps) {
    const endpoint = (appContainer(app).env as Manifest[]).find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(endpoint?.value).toBe('http://otel-collector.observability.svc.cluster.local:4317');
  }
  const token = (appContainer(manifests.find((m) => m.metadata.name === 'otel-collector' && m.kind === 'Deployment')!).env as Manifest[])[0];
  expect(token.valueFrom.secretKeyRef).toEqual({ name: 'apm-server-apm-token', key: 'secret-token' });
});

test('the service behind the front Envoy carries the Datadog wiring', () => {
  const manifests = Testing.synth(exampleCharts.find((ch) => ch.node.id === 'envoy-datadog')!) as Manifest[];
  const api = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'expenses-api')!;
  expect(api.spec.template.metadata.labels['tags.datadoghq.com/service']).toBe('expenses-api');
  expect((appContainer(api).env as Manifest[]).map((e) => e.name)).toEqual(expect.arrayContaining(['DD_ENV', 'DD_SERVICE', 'DD_VERSION', 'DD_AGENT_HOST', 'DD_LOGS_INJECTION']));
});

test('no ConfigMap of any example holds a credential', () => {
  for (const c of exampleCharts) {
    for (const configMap of (Testing.synth(c) as Manifest[]).filter((m) => m.kind === 'ConfigMap')) {
      const data = JSON.stringify(configMap.data);
      expect(data).not.toMatch(/Bearer (?!\$\{env:)/);
      expect(data).not.toMatch(/(api[_-]?key|secret[_-]?token|password)["']?\s*[:=]\s*["']?(?!\$\{env:)[A-Za-z0-9]{8,}/i);
    }
  }
});

test('the injected workloads carry the label and the four sizing annotations; the four mesh resources are emitted', () => {
  const manifests = Testing.synth(exampleCharts.find((ch) => ch.node.id === 'istio-mesh')!) as Manifest[];
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['checkout-api', 'ledger']);
  for (const d of deployments) {
    expect(d.spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(Object.keys(d.spec.template.metadata.annotations)).toEqual(expect.arrayContaining([
      'sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyCPULimit', 'sidecar.istio.io/proxyMemory', 'sidecar.istio.io/proxyMemoryLimit',
    ]));
    expect(d.spec.template.metadata.annotations['sidecar.istio.io/inject']).toBeUndefined();
  }
  expect(manifests.filter((m) => m.apiVersion.includes('istio.io/')).map((m) => m.kind).sort())
    .toEqual(['DestinationRule', 'DestinationRule', 'PeerAuthentication', 'Sidecar', 'Sidecar', 'Telemetry']);
});

test('the examples emit the monitors, the dashboard, the Prometheus rules, a Fortio Job and nginx mocks', () => {
  const all = exampleCharts.flatMap((c) => Testing.synth(c) as Manifest[]);
  const kinds = (kind: string) => all.filter((m) => m.kind === kind);
  expect(kinds('DatadogMonitor').map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['checkout-api-error-rate', 'ledger-latency-p99', 'mesh-error-rate', 'istio-xds-rejects']));
  expect(kinds('DatadogDashboard')).toHaveLength(1);
  // The alerts, and one rule per service with objectives for Prometheus.
  expect(kinds('PrometheusRule').map((m) => m.metadata.name).sort()).toEqual(['accounting-alerts', 'expenses-api-slo', 'invoice-api-slo', 'journal-api-slo', 'tax-calculator-slo']);
  expect(kinds('DatadogSLO').map((m) => m.metadata.name)).toEqual(['checkout-api-availability', 'checkout-api-latency', 'ledger-availability']);
  const fortioJobs = kinds('Job');
  expect(fortioJobs.map((j) => j.metadata.name).sort()).toEqual(['benchmark-baseline', 'benchmark-mesh', 'invoice-load']);
  for (const j of fortioJobs) expect(fortioLoadArgsError(j.spec.template.spec.containers[0].args)).toBeUndefined();
  const mocks = exampleCharts.flatMap((c) => c.node.findAll().filter((n): n is MockBackend => n instanceof MockBackend));
  expect(mocks.map((m) => m.dnsName)).toEqual(['customer-api.loadtest.svc.cluster.local', 'tax-rates.loadtest.svc.cluster.local']);
});

test('every example chart gets a topology diagram', () => {
  const app = exampleApp();
  const diagrams = app.node.findAll().filter((n): n is TopologyDiagram => n instanceof TopologyDiagram);
  expect(diagrams.map((d) => d.fileName).sort()).toEqual(charts(app).map((c) => `${c.node.id}.topology.md`).sort());
  const health = diagrams.find((d) => d.fileName === 'envoy-health.topology.md')!.render();
  expect(health).toContain('GET /_envoy/health');
  expect(health).toContain('journal-api<br/>HTTP/1.1 · ClusterIP Service :8080');
});
