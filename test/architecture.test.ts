import * as fs from 'fs';
import * as path from 'path';
import * as api from '../lib';

const LIB = path.join(__dirname, '..', 'lib');

/** Every .ts file under lib/, relative to it. */
function sources(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [path.relative(LIB, full)] : [];
  });
}

/** The folder of lib/ a file belongs to ('' for lib/index.ts). */
function folderOf(file: string): string {
  const parts = file.split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

/** Folder → the folders its files import from (relative imports and re-exports only). */
export function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources()) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    const text = fs.readFileSync(path.join(LIB, file), 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']*)';/gms)) {
      const target = folderOf(path.relative(LIB, path.resolve(path.dirname(path.join(LIB, file)), m[1])));
      if (target !== from) edges.add(target);
    }
  }
  return graph;
}

/** A cycle in the graph, as the folders along it, or undefined. */
export function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the folders of lib/ import each other without a cycle', () => {
  const graph = folderGraph();
  expect(graph.size).toBeGreaterThan(8);
  const cycle = findCycle(graph);
  // Printed as "service → istio → service" when there is one.
  expect(cycle?.map((f) => f || 'index').join(' → ')).toBeUndefined();
});

test('the cycle finder finds a cycle and names it', () => {
  const graph = new Map([['service', new Set(['istio'])], ['istio', new Set(['workload', 'service'])], ['workload', new Set<string>()]]);
  expect(findCycle(graph)).toEqual(['istio', 'service', 'istio']);
  expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toBeUndefined();
});

test('the kernel and the common helpers import no construct folder', () => {
  const graph = folderGraph();
  expect([...graph.get('common')!]).toEqual([]);
  expect([...graph.get('workload')!]).toEqual(['common']);
  expect([...graph.get('protojson')!]).toEqual([]);
  // The service builds on the kernel and takes pod features; no folder below it imports it back.
  for (const folder of ['workload', 'telemetry', 'istio', 'readiness', 'protojson', 'common']) expect(graph.get(folder)!.has('service')).toBe(false);
});

// The public API is a decision: a new runtime export changes this list.
const ROOT_EXPORTS = [
  'ConfigurationError', 'DEFAULT_ENVOY_IMAGE', 'DEFAULT_OTEL_COLLECTOR_IMAGE', 'DatadogAgent', 'DatadogMonitors', 'DatadogServiceDashboard', 'DisruptionBudget',
  'EgressRule', 'EnvoyConfigError', 'FORTIO_IMAGE', 'FqdnPolicy', 'FrontEnvoy', 'FrontLoadBalancer', 'ISTIO_1_10_MODEL', 'ISTIO_1_24_MODEL',
  'IpFamily', 'KubernetesVersion', 'Level', 'LoadTest', 'MAX_UPSTREAMS_COMPACT', 'MAX_UPSTREAMS_INDENTED', 'MeshDestinationRule',
  'MeshPeerAuthentication', 'MeshSidecarScope', 'MeshTelemetry', 'MockBackend', 'MonitorType', 'NGINX_UNPRIVILEGED_IMAGE', 'NetworkIsolation', 'NetworkPeer',
  'NodeGroup', 'Objective', 'ObservableService', 'OtlpProtocol', 'PeerKind', 'PodSecurityLevel', 'PreStopAction', 'PreStopActionKind',
  'OtelCollector', 'OtelExporter', 'PRODUCTION_READINESS_RULES', 'ProductionReadiness', 'ProductionReadinessValidation', 'PrometheusAlerts', 'PropagationStyle',
  'Protocol', 'ProxyBenchmark', 'ServiceLevelObjectives', 'Severity', 'SidecarSizing', 'Signal', 'SpreadMode', 'Startup', 'TopologyDiagram', 'TopologySpread', 'Tracing', 'TracingProvider',
  'TransportProtocol',
  'checkCollectorPipelines', 'istiodAutoscaling', 'meshTracingProvider', 'renderTopology', 'validateEnvoyConfig',
];

test('the package root exports the curated API: at most 80 runtime names, these', () => {
  const names = Object.keys(api).sort((a, b) => a.localeCompare(b, 'en'));
  expect(names.length).toBeLessThanOrEqual(80);
  expect(names).toEqual([...ROOT_EXPORTS].sort((a, b) => a.localeCompare(b, 'en')));
});
