import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { FrontEnvoy, FrontLoadBalancer, ObservableService, OtelCollector, OtelExporter, Protocol, renderTopology, TopologyDiagram, Tracing } from '../lib';

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

test('the diagram is written once per synthesis, after the manifests, as <chart>.topology.md, deterministically', async () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'topology-'));
  const { app, chart } = product(new App({ outdir }));
  new TopologyDiagram(chart);
  const file = path.join(outdir, 'shop.topology.md');
  app.synth();
  // cdk8s validated the app twice (once before writing, once for the one chart): nothing was written from a validation.
  expect(fs.existsSync(path.join(outdir, 'shop.k8s.yaml'))).toBe(true);
  expect(fs.existsSync(file)).toBe(false);
  await Promise.resolve();
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
  await Promise.resolve();
  expect(fs.readFileSync(path.join(again, 'shop.topology.md'), 'utf8')).toBe(first);
});
