import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { constructError } from './support/errors';
import { EgressRule, FrontEnvoy, FrontLoadBalancer, LoadTest, NetworkIsolation, ObservableService, OtelCollector, OtelExporter, ProductionReadiness, Protocol, renderTopology, TopologyDiagram, Tracing } from '../lib';

function product(app = Testing.app()) {
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const collector = new OtelCollector(chart, 'otel-collector', { exporters: [OtelExporter.otlp({ name: 'backend', endpoint: 'backend.example.com:4317' })] });
  const tracing = Tracing.openTelemetry({ collector });
  const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, tracing });
  new FrontEnvoy(chart, 'front', {
    routes: [{ prefix: '/ledger.v1.Ledger/', service: ledger }, { prefix: '/shop/', service: web }],
    tracing, loadBalancer: FrontLoadBalancer.awsNlb(),
  });
  return { app, chart };
}

/** Node ids declared (`id[...]`, `id([...])`, `id[(...)]`) and node ids used by edges. */
function graph(mermaid: string) {
  const declared = new Set([...mermaid.matchAll(/^\s+(\w+)[[(]/gm)].map((m) => m[1]));
  const used = [...mermaid.matchAll(/^\s+(\w+) -\.?->\|.*?\| (\w+)$/gm)].flatMap((m) => [m[1], m[2]]);
  return { declared, used };
}

test('load balancer → front Envoy → services, with protocol and Service kind', () => {
  const diagram = renderTopology(product().chart);
  expect(diagram.split('\n')[0]).toBe('flowchart LR');
  expect(diagram).toContain('(["load balancer"])');
  expect(diagram).toContain('"ledger<br/>gRPC (HTTP/2) · headless Service :9090"');
  expect(diagram).toContain('"web<br/>HTTP/1.1 · ClusterIP Service :8080"');
  expect(diagram).toMatch(/lb_front_shop\S* -->\|"requests :8080"\| envoy_front_shop/);
});

test('the health checks between them, with their paths', () => {
  const diagram = renderTopology(product().chart);
  expect(diagram).toContain('-.->|"health check GET /_envoy/health (answered by Envoy)"|');
  expect(diagram).toContain('-.->|"active check GET /ready every 5s"| svc_web_shop_svc_cluster_local');
  expect(diagram).toContain('-.->|"active check gRPC readiness every 5s"| svc_ledger_shop_svc_cluster_local');
  expect(diagram).toContain('-.->|"GET /shop/healthz"|');
  expect(diagram).toContain('-.->|"GET /live, /ready"| svc_web_shop_svc_cluster_local');
});

test('where traces go: the collector and its backend', () => {
  const diagram = renderTopology(product().chart);
  expect(diagram).toContain('collector_otel_collector_shop_svc_cluster_local[("OpenTelemetry Collector<br/>otel-collector.shop.svc.cluster.local:4317")]');
  expect(diagram).toMatch(/svc_web_shop_svc_cluster_local -->\|"spans"\| collector_otel_collector_shop_svc_cluster_local/);
  expect(diagram).toMatch(/collector_otel_collector_shop_svc_cluster_local -->\|"OTLP"\| backend_\w+otlp_grpc_backend/);
});

test('every node an edge names is declared', () => {
  const { declared, used } = graph(renderTopology(product().chart));
  expect(used.length).toBeGreaterThan(5);
  for (const node of used) expect(declared).toContain(node);
});

test('with a NetworkIsolation: the flows its policies allow as thick arrows, on the nodes already drawn; a denied flow is not drawn', () => {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const tracing = Tracing.datadog({ env: 'prod' });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, tracing });
  const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing, dependsOn: [ledger], egress: [EgressRule.cidr('10.20.0.0/16', { ports: [5432], purpose: 'database' })] });
  new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }], tracing, clientCidrs: ['10.0.0.0/22'] });
  new LoadTest(chart, 'web-load', { target: { service: web }, qps: 10 });
  new NetworkIsolation(chart, 'isolation');
  const diagram = renderTopology(chart);
  expect(diagram).toContain('  %% shop/isolation: default deny in shop; the flows allowed are the thick arrows');
  expect(diagram).toContain('cidr_10_0_0_0_22 ==>|"allow TCP 8080 (load balancer)"| envoy_front_shop_svc_cluster_local');
  expect(diagram).toContain('envoy_front_shop_svc_cluster_local ==>|"allow TCP 8080 (dependsOn)"| svc_web_shop_svc_cluster_local');
  expect(diagram).toContain('svc_web_shop_svc_cluster_local ==>|"allow TCP 9090 (dependsOn)"| svc_ledger_shop_svc_cluster_local');
  expect(diagram).toContain('svc_web_shop_svc_cluster_local ==>|"allow TCP 5432 (database)"| cidr_10_20_0_0_16');
  expect(diagram).toContain('svc_web_shop_svc_cluster_local ==>|"allow TCP 8126 (traces)"| datadog_datadog_datadog_svc_cluster_local_8126');
  expect(diagram).toContain('pods_shop_web_load ==>|"allow TCP 8080 (load test)"| svc_web_shop_svc_cluster_local');
  expect(diagram).toContain('svc_ledger_shop_svc_cluster_local ==>|"allow UDP 53 (dns)"| pods_kube_system_kube_dns');
  expect(diagram).toContain('  pods_kube_system_kube_dns(["kube-dns (kube-system)"])');
  // Declared nowhere, so denied, so not drawn: ledger → web, the load test → ledger.
  expect(diagram).not.toMatch(/svc_ledger_shop_svc_cluster_local ==>[^\n]*svc_web/);
  expect(diagram).not.toMatch(/pods_shop_web_load ==>[^\n]*svc_ledger/);
  const declared = new Set([...diagram.matchAll(/^\s+(\w+)[[(]/gm)].map((m) => m[1]));
  const thick = [...diagram.matchAll(/^\s+(\w+) ==>\|.*?\| (\w+)$/gm)].flatMap((m) => [m[1], m[2]]);
  expect(thick.length).toBeGreaterThan(20);
  for (const node of thick) expect(declared).toContain(node);
});

test('the diagram is written once per synthesis, after the manifests, as <chart>.topology.md, deterministically', async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-'));
  const { app, chart } = product(new App({ outdir }));
  new TopologyDiagram(chart);
  const file = path.join(outdir, 'shop.topology.md');
  const seenByValidations: boolean[] = [];
  chart.node.addValidation({ validate: () => { seenByValidations.push(fs.existsSync(file)); return []; } });
  app.synth();
  // cdk8s validated the app twice (once before writing, once for the one chart): nothing was written from
  // a validation, and the diagram was there, after the manifests, when app.synth() returned.
  expect(seenByValidations).toEqual([false, false]);
  expect(fs.existsSync(path.join(outdir, 'shop.k8s.yaml'))).toBe(true);
  expect(fs.existsSync(file)).toBe(true);
  // Written once: nothing writes it again after the synthesis.
  const first = fs.readFileSync(file, 'utf8');
  fs.rmSync(file);
  await new Promise((resolve) => setImmediate(resolve));
  expect(fs.existsSync(file)).toBe(false);
  expect(first).toMatch(/^# Topology of shop\n\n```mermaid\nflowchart LR\n/);
  const again = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-'));
  const second = product(new App({ outdir: again }));
  new TopologyDiagram(second.chart);
  second.app.synth();
  expect(fs.readFileSync(path.join(again, 'shop.topology.md'), 'utf8')).toBe(first);
});

test("synthesized through another chart's toJson(), the app writes the diagram at the next microtask", async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-'));
  const { app, chart } = product(new App({ outdir }));
  new TopologyDiagram(chart);
  // A chart without the library's constructs: its toJson() is a synthesis call the library does not see.
  const plain = new Chart(app, 'plain');
  new ApiObject(plain, 'note', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'note' } });
  Testing.synth(plain);
  expect(fs.existsSync(path.join(outdir, 'shop.topology.md'))).toBe(false);
  await Promise.resolve();
  expect(fs.existsSync(path.join(outdir, 'shop.topology.md'))).toBe(true);
});

describe('labels cannot break out of the diagram', () => {
  test('a route prefix with a newline, a code fence and HTML is refused, and quoted on one line of the error', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const error = constructError(() => new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/x\n```\n<script>alert(1)</script>\n# Owned/', service: web }] }));
    expect(error.problems.map((p) => p.prop)).toEqual(['routes[0].prefix']);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toContain('("/x\\n```\\n<script>alert(1)</script>\\n# Owned/") must hold URL path characters only');
  });

  test('a flow purpose with a code fence, HTML and Mermaid syntax stays inside its label', () => {
    const payload = '``` <script>alert(1)</script> # Owned "|]) --> evil';
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, egress: [EgressRule.cidr('203.0.113.0/24', { ports: [443], purpose: payload })] });
    new NetworkIsolation(chart, 'isolation');
    const doc = new TopologyDiagram(chart).render();
    expect(doc.match(/```/g)).toHaveLength(2);
    expect(doc).toMatch(/^# Topology of shop\n\n```mermaid\nflowchart LR\n[^`]*\n```\n$/);
    expect(doc).not.toContain('<script');
    expect(doc).not.toMatch(/^# Owned/m);
    const mermaid = doc.split('```mermaid\n')[1].split('\n```')[0];
    // Every line of the flowchart is a statement or a comment: a label never spans two lines.
    for (const line of mermaid.split('\n').slice(1)) expect(line).toMatch(/^ {2}(%% |\w+(\[|\(| -\.?->\|| ==>\|))/);
    // The escaped purpose is still there to read, as entity codes.
    expect(mermaid).toContain('(#96;#96;#96; #60;script#62;alert(1)#60;/script#62; #35; Owned #34;#124;#93;) --#62; evil)"|');
  });

  test('a chart id with Markdown in it renders as text in the title', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'a`b<i>', { namespace: 'shop' });
    const doc = new TopologyDiagram(chart).render();
    expect(doc.split('\n')[0]).toBe('# Topology of a&#96;b&#60;i&#62;');
  });
});

test('a synthesis that fails writes no diagram', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-failed-'));
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new ObservableService(chart, 'web', { image: 'a/web:latest', port: 8080 });
  new TopologyDiagram(chart);
  ProductionReadiness.enforce(app, { printTable: false });
  expect(() => app.synth()).toThrow(/OBS-IMG1/);
  expect(fs.existsSync(path.join(outdir, 'shop.topology.md'))).toBe(false);
});
