import { Testing } from 'cdk8s';
import { buildExamples } from '../examples/main';
import { apiServerErrors } from './support/api-validation';
import { NetworkPolicyEvaluator, PodModel, World } from './support/netpol-evaluator';
import { MatrixEnd, flowMatrix, podEnd, workloadPods } from './support/netpol-matrix';
import { Manifest, charts } from './support/synth';

/**
 * The flow matrix of each example that isolates its namespaces (`judged`:
 * how many connections were tried, `allowed`: those let through): every ordered
 * pair of its workloads, the cluster services and the internet around them,
 * on every port the destination listens on, judged by the NetworkPolicy
 * evaluator over the policies of the whole app. Exactly the declared flows
 * are allowed; every other one is denied.
 */
const app = Testing.app();
buildExamples(app);
const manifests = charts(app).flatMap((c) => Testing.synth(c) as Manifest[]);

/** Around the examples: the cluster's DNS, istiod and the mesh gateway, the Datadog agent, Elastic APM (ECK's, in its namespace), a stranger. */
const AROUND: PodModel[] = [
  { name: 'kube-system/kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] },
  { name: 'istio-system/istiod', namespace: 'istio-system', labels: { app: 'istiod', istio: 'pilot' }, ip: '10.96.1.1', ports: [{ containerPort: 15010 }, { containerPort: 15012 }, { containerPort: 15017 }] },
  { name: 'istio-system/ingressgateway', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' }, ip: '10.96.1.2', ports: [{ containerPort: 8080 }] },
  { name: 'datadog/agent', namespace: 'datadog', labels: { app: 'datadog' }, ip: '10.96.2.1', ports: [{ containerPort: 8126 }, { containerPort: 8125, protocol: 'UDP' }] },
  { name: 'observability/apm-server', namespace: 'observability', labels: { 'apm.k8s.elastic.co/name': 'apm-server' }, ip: '10.96.3.1', ports: [{ containerPort: 8200 }] },
  { name: 'other/stranger', namespace: 'other', labels: { app: 'stranger' }, ip: '10.96.4.1', ports: [{ containerPort: 8080 }] },
];
const pods = [...workloadPods(manifests).map((p) => ({ ...p, name: `${p.namespace}/${p.name}` })), ...AROUND];
const world: World = { namespaces: Object.fromEntries(pods.map((p) => [p.namespace, { 'kubernetes.io/metadata.name': p.namespace }])), pods };
const evaluator = new NetworkPolicyEvaluator(world, manifests);

/** Addresses outside the cluster: clients, the load balancer's subnet, the internet, the journal's database, the Kubernetes API. */
const ADDRESSES: MatrixEnd[] = [
  { name: 'client 198.51.100.7', endpoint: { ip: '198.51.100.7' }, listens: [], isolated: false },
  { name: 'load balancer 10.0.1.10', endpoint: { ip: '10.0.1.10' }, listens: [], isolated: false },
  { name: 'internet 203.0.113.10', endpoint: { ip: '203.0.113.10' }, listens: ['TCP/443', 'TCP/80'], isolated: false },
  { name: 'database 10.30.16.5', endpoint: { ip: '10.30.16.5' }, listens: ['TCP/5432'], isolated: false },
  { name: 'kubernetes API 10.0.32.1', endpoint: { ip: '10.0.32.1' }, listens: ['TCP/443'], isolated: false },
];

/** The matrix of one example: its isolated workloads against every pod of the app and the addresses. */
function matrixOf(chartId: string) {
  const chart = charts(app).find((c) => c.node.id === chartId)!;
  // Each workload's policy is named as the workload: the policies of the chart name its isolated workloads.
  const isolated = (Testing.synth(chart) as Manifest[]).filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name !== 'default-deny')
    .map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort();
  const ours = new Set(isolated);
  const ends = [...pods.map((p) => podEnd(p, ours.has(p.name))), ...ADDRESSES];
  return { ...flowMatrix(evaluator, ends), isolated };
}

/** How many connections each example's matrix tries. */
const JUDGED: Record<string, number> = {
  'envoy-datadog': 144, 'envoy-health': 199, 'istio-benchmark': 180, 'istio-mesh': 118, 'loadtest-invoice': 204, 'observability-elastic': 118,
};

const dns = (workload: string) => [`${workload} -> kube-system/kube-dns TCP/53`, `${workload} -> kube-system/kube-dns UDP/53`];

test('envoy-health: load balancer → Envoy → the journal and the ledger; Envoy → its collector; the journal → its database; DNS', () => {
  const matrix = matrixOf('envoy-health');
  expect(matrix.isolated).toEqual(['accounting/accounting-front-envoy', 'accounting/journal-api', 'accounting/ledger']);
  expect(matrix.allowed).toEqual([
    'accounting/accounting-front-envoy -> accounting/journal-api TCP/8080',
    'accounting/accounting-front-envoy -> accounting/ledger TCP/9090',
    ...dns('accounting/accounting-front-envoy'),
    // Its spans: the collector the observability-elastic example runs (OTLP/gRPC only).
    'accounting/accounting-front-envoy -> observability/otel-collector TCP/4317',
    'accounting/journal-api -> database 10.30.16.5 TCP/5432',
    ...dns('accounting/journal-api'),
    ...dns('accounting/ledger'),
    'load balancer 10.0.1.10 -> accounting/accounting-front-envoy TCP/8080',
  ].sort());
  expect(matrix.judged).toBe(JUDGED['envoy-health']);
});

test('istio-mesh: gateway → checkout → ledger; sidecars → istiod 15012 and the Datadog agent; DNS', () => {
  const matrix = matrixOf('istio-mesh');
  expect(matrix.isolated).toEqual(['payments/checkout-api', 'payments/ledger']);
  expect(matrix.allowed).toEqual([
    'istio-system/ingressgateway -> payments/checkout-api TCP/8080',
    'payments/checkout-api -> payments/ledger TCP/9090',
    'payments/checkout-api -> istio-system/istiod TCP/15012',
    'payments/checkout-api -> datadog/agent TCP/8126',
    ...dns('payments/checkout-api'),
    'payments/ledger -> istio-system/istiod TCP/15012',
    'payments/ledger -> datadog/agent TCP/8126',
    ...dns('payments/ledger'),
  ].sort());
  expect(matrix.judged).toBe(JUDGED['istio-mesh']);
});

test('loadtest-invoice: Fortio → the invoice API → its two mocks; DNS', () => {
  const matrix = matrixOf('loadtest-invoice');
  expect(matrix.isolated).toEqual(['loadtest/customer-api', 'loadtest/invoice-api', 'loadtest/invoice-load', 'loadtest/tax-rates']);
  expect(matrix.allowed).toEqual([
    'loadtest/invoice-load -> loadtest/invoice-api TCP/8080',
    'loadtest/invoice-api -> loadtest/customer-api TCP/8080',
    'loadtest/invoice-api -> loadtest/tax-rates TCP/8080',
    ...['customer-api', 'invoice-api', 'invoice-load', 'tax-rates'].flatMap((w) => dns(`loadtest/${w}`)),
  ].sort());
  expect(matrix.judged).toBe(JUDGED['loadtest-invoice']);
});

test("observability-elastic: the apps → the collector on OTLP/gRPC, istiod and DNS; the collector, in ECK's namespace, is left to the platform's policies", () => {
  const matrix = matrixOf('observability-elastic');
  expect(matrix.isolated).toEqual(['accounting/invoice-api', 'accounting/tax-calculator']);
  expect(matrix.allowed).toEqual([
    'accounting/invoice-api -> observability/otel-collector TCP/4317',
    'accounting/tax-calculator -> observability/otel-collector TCP/4317',
    // In the mesh (their sidecars count the requests the alerts and objectives read): istiod's xDS.
    'accounting/invoice-api -> istio-system/istiod TCP/15012',
    'accounting/tax-calculator -> istio-system/istiod TCP/15012',
    ...dns('accounting/invoice-api'),
    ...dns('accounting/tax-calculator'),
  ].sort());
  // No default deny in ECK's namespace: the APM Server keeps its own traffic.
  expect(manifests.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'observability')).toEqual([]);
  expect(matrix.judged).toBe(JUDGED['observability-elastic']);
});

test('envoy-datadog: any address → Envoy (a LoadBalancer Service); Envoy → the API; both → the Datadog agent; DNS', () => {
  const matrix = matrixOf('envoy-datadog');
  expect(matrix.isolated).toEqual(['expenses/expenses-api', 'expenses/expenses-front-envoy']);
  const front = 'expenses/expenses-front-envoy';
  // Any address: every end whose own egress is open (the pods around the examples, the addresses);
  // the examples' other workloads are isolated, and none of them declares a call to Envoy.
  const open = [...AROUND.map((p) => p.name), 'observability/otel-collector', ...ADDRESSES.map((a) => a.name)];
  expect(matrix.allowed).toEqual([
    ...open.map((name) => `${name} -> ${front} TCP/8080`),
    `${front} -> expenses/expenses-api TCP/8080`,
    `${front} -> datadog/agent TCP/8126`,
    ...dns(front),
    'expenses/expenses-api -> datadog/agent TCP/8126',
    ...dns('expenses/expenses-api'),
  ].sort());
  expect(matrix.judged).toBe(JUDGED['envoy-datadog']);
});

test('istio-benchmark: each Fortio client → its server only; the mesh pair → istiod; DNS', () => {
  const matrix = matrixOf('istio-benchmark');
  expect(matrix.isolated).toEqual(['istio-benchmark/benchmark-baseline', 'istio-benchmark/benchmark-mesh', 'istio-benchmark/fortio-baseline', 'istio-benchmark/fortio-mesh']);
  expect(matrix.allowed).toEqual([
    'istio-benchmark/benchmark-baseline -> istio-benchmark/fortio-baseline TCP/8080',
    'istio-benchmark/benchmark-mesh -> istio-benchmark/fortio-mesh TCP/8080',
    'istio-benchmark/benchmark-mesh -> istio-system/istiod TCP/15012',
    'istio-benchmark/fortio-mesh -> istio-system/istiod TCP/15012',
    ...['benchmark-baseline', 'benchmark-mesh', 'fortio-baseline', 'fortio-mesh'].flatMap((w) => dns(`istio-benchmark/${w}`)),
  ].sort());
  expect(matrix.judged).toBe(JUDGED['istio-benchmark']);
});

test("every policy of the examples passes the API server's object rules", () => {
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
  expect(policies.length).toBeGreaterThan(20);
  expect(policies.flatMap(apiServerErrors)).toEqual([]);
});

test('every example isolates its namespaces, so every workload of the app has its policy', () => {
  const isolatedEverywhere = charts(app).filter((c) => (Testing.synth(c) as Manifest[]).some((m) => m.kind === 'NetworkPolicy')).map((c) => c.node.id);
  const withWorkloads = charts(app).filter((c) => (Testing.synth(c) as Manifest[]).some((m) => m.kind === 'Deployment' || m.kind === 'Job')).map((c) => c.node.id);
  // accounting-http and accounting-grpc are isolated by envoy-health, which includes their services.
  expect(withWorkloads.filter((id) => !isolatedEverywhere.includes(id))).toEqual(['accounting-http', 'accounting-grpc']);
  // The one workload left out on purpose: the collector in ECK's namespace (suppressed OBS-NET1 with its reason).
  const unselected = manifests.filter((m) => m.kind === 'Deployment' && !manifests.some((p) => p.kind === 'NetworkPolicy' && p.metadata.namespace === m.metadata.namespace));
  expect(unselected.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual(['observability/otel-collector']);
  expect(Object.keys(JUDGED).sort()).toEqual(isolatedEverywhere.sort());
});
