import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as kplus from 'cdk8s-plus-27';
import {
  ConfigurationError, EgressRule, FqdnPolicy, FrontEnvoy, LoadTest, MeshSidecarScope, MeshTelemetry, MockBackend, NetworkIsolation, NetworkPeer, ObservableService,
  OtelCollector, OtelExporter, Protocol, ProxyBenchmark, Tracing,
} from '../lib';
import { serviceDnsName } from '../lib/common/addresses';
import { buildFrontEnvoy, declarationChart, frontEnvoyDecl } from './support/declarations';
import { constructError } from './support/errors';
import { apiServerErrors } from './support/api-validation';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Connection, NetworkPolicyEvaluator, PodModel, World } from './support/netpol-evaluator';
import { workloadPods } from './support/netpol-matrix';
import { Manifest, synth } from './support/synth';

/** Pods around the chart under test: cluster DNS, istiod, the Datadog agent, Prometheus, a stranger. */
const AROUND: PodModel[] = [
  { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] },
  { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod', istio: 'pilot' }, ip: '10.96.1.1', ports: [{ containerPort: 15012 }, { containerPort: 15017 }] },
  { name: 'datadog-agent', namespace: 'datadog', labels: { app: 'datadog' }, ip: '10.96.2.1', ports: [{ containerPort: 8126 }] },
  { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: '10.96.3.1' },
  { name: 'stranger', namespace: 'other', labels: { app: 'stranger' }, ip: '10.96.4.1', ports: [{ containerPort: 8080 }] },
];

function evaluatorOf(manifests: Manifest[], extra: PodModel[] = []): NetworkPolicyEvaluator {
  const pods = [...workloadPods(manifests), ...AROUND, ...extra];
  const world: World = { namespaces: Object.fromEntries(pods.map((p) => [p.namespace, { 'kubernetes.io/metadata.name': p.namespace }])), pods };
  return new NetworkPolicyEvaluator(world, manifests);
}

const tcp = (from: string, to: string, port: number): Connection => ({ from: from.includes('.') ? { ip: from } : { pod: from }, to: to.includes('.') ? { ip: to } : { pod: to }, port, protocol: 'TCP' });

function shop() {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const tracing = Tracing.datadog({ env: 'production' });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, tracing });
  return { chart, tracing, ledger };
}

describe('flows between services', () => {
  test("a service's dependsOn is the one flow between two services; removing it denies the flow", () => {
    const build = (declared: boolean) => {
      const { chart, tracing, ledger } = shop();
      new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing, dependsOn: declared ? [ledger] : undefined });
      new NetworkIsolation(chart, 'isolation');
      return evaluatorOf(synth(chart));
    };
    const withDependency = build(true);
    expect(withDependency.allowed(tcp('web', 'ledger', 9090))).toBe(true);
    expect(withDependency.allowed(tcp('ledger', 'web', 8080))).toBe(false);
    expect(withDependency.allowed(tcp('web', 'ledger', 8080))).toBe(false);
    expect(withDependency.allowed(tcp('stranger', 'ledger', 9090))).toBe(false);
    expect(build(false).allowed(tcp('web', 'ledger', 9090))).toBe(false);
  });

  test('every workload reaches cluster DNS on 53/UDP and 53/TCP and its tracing backend; nothing else', () => {
    const { chart, ledger } = shop();
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart));
    expect(e.allowed({ from: { pod: 'ledger' }, to: { pod: 'kube-dns' }, port: 53, protocol: 'UDP' })).toBe(true);
    expect(e.allowed(tcp('ledger', 'kube-dns', 53))).toBe(true);
    expect(e.allowed(tcp('ledger', 'stranger', 53))).toBe(false);
    expect(e.allowed(tcp('ledger', 'datadog-agent', 8126))).toBe(true);
    expect(e.allowed(tcp('ledger', 'datadog-agent', 8125))).toBe(false);
    expect(e.allowed(tcp('ledger', '203.0.113.10', 443))).toBe(false);
    expect(e.allowed(tcp('ledger', 'istiod', 15012))).toBe(false);
    expect(ledger.egress).toEqual([{ host: 'datadog.datadog.svc.cluster.local', port: 8126, purpose: 'traces' }]);
  });

  test('a pod of the namespace that no declaration knows is denied both ways by the default deny', () => {
    const { chart } = shop();
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart), [{ name: 'cron', namespace: 'shop', labels: { app: 'cron' }, ip: '10.244.9.9', ports: [{ containerPort: 8080 }] }]);
    expect(e.allowed(tcp('cron', 'kube-dns', 53))).toBe(false);
    expect(e.allowed(tcp('stranger', 'cron', 8080))).toBe(false);
  });

  test('the front proxy: from the load balancer (anywhere, or the declared blocks) to its listener; to each routed service, ClusterIP and headless, on the pod port; its spans', () => {
    const build = (clientCidrs?: string[]) => {
      const { chart, tracing, ledger } = shop();
      const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing });
      new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/ledger.v1.Ledger/', service: ledger }, { prefix: '/', service: web }], tracing, listenerPort: 8443, clientCidrs });
      new NetworkIsolation(chart, 'isolation');
      return evaluatorOf(synth(chart));
    };
    const open = build();
    expect(open.allowed(tcp('198.51.100.7', 'front', 8443))).toBe(true);
    expect(open.allowed(tcp('198.51.100.7', 'front', 9902))).toBe(false);
    expect(open.allowed(tcp('198.51.100.7', 'web', 8080))).toBe(false);
    expect(open.allowed(tcp('front', 'web', 8080))).toBe(true);
    expect(open.allowed(tcp('front', 'ledger', 9090))).toBe(true);
    expect(open.allowed(tcp('front', 'datadog-agent', 8126))).toBe(true);
    expect(open.allowed(tcp('web', 'front', 8443))).toBe(false);
    const restricted = build(['10.0.0.0/22']);
    expect(restricted.allowed(tcp('10.0.1.9', 'front', 8443))).toBe(true);
    expect(restricted.allowed(tcp('198.51.100.7', 'front', 8443))).toBe(false);
  });

  test('a LoadBalancer Service is reached from anywhere on its port', () => {
    const { chart } = shop();
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, serviceType: kplus.ServiceType.LOAD_BALANCER });
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart));
    expect(e.allowed(tcp('198.51.100.7', 'web', 8080))).toBe(true);
    expect(e.allowed(tcp('198.51.100.7', 'ledger', 9090))).toBe(false);
  });

  test('the mesh: sidecars reach istiod on 15012, never on 15017 (the API server\'s webhook port); pods without a sidecar do not; a MeshTelemetry\'s backend is reached', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const meshed = new ObservableService(chart, 'meshed', { image: 'a/meshed:1', port: 8080, mesh: {} });
    new ObservableService(chart, 'plain', { image: 'a/plain:1', port: 8080, dependsOn: [meshed] });
    new MeshTelemetry(chart, 'tracing', { tracing: Tracing.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local' }) });
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart), [{ name: 'collector', namespace: 'observability', labels: { app: 'collector' }, ip: '10.96.5.1', ports: [{ containerPort: 4317 }] }]);
    expect(e.allowed(tcp('meshed', 'istiod', 15012))).toBe(true);
    expect(e.allowed(tcp('meshed', 'istiod', 15017))).toBe(false);
    expect(e.allowed(tcp('plain', 'istiod', 15012))).toBe(false);
    expect(e.allowed(tcp('plain', 'meshed', 8080))).toBe(true);
    expect(e.allowed(tcp('meshed', 'collector', 4317))).toBe(true);
    expect(e.allowed(tcp('plain', 'collector', 4317))).toBe(false);
  });

  test('Prometheus scrapes every isolated Deployment on the declared port, only when declared', () => {
    const build = (declared: boolean) => {
      const { chart } = shop();
      new NetworkIsolation(chart, 'isolation', declared ? { prometheus: { namespace: 'monitoring', port: 9090 } } : {});
      return evaluatorOf(synth(chart));
    };
    expect(build(true).allowed(tcp('prometheus', 'ledger', 9090))).toBe(true);
    expect(build(true).allowed(tcp('stranger', 'ledger', 9090))).toBe(false);
    expect(build(false).allowed(tcp('prometheus', 'ledger', 9090))).toBe(false);
  });

  test("a front proxy's statistics on its probe port are scraped too, besides the declared port", () => {
    const { chart, ledger } = shop();
    new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: ledger }] });
    new NetworkIsolation(chart, 'isolation', { prometheus: { namespace: 'monitoring', port: 15020 } });
    const e = evaluatorOf(synth(chart));
    expect(e.allowed(tcp('prometheus', 'front', 9902))).toBe(true);
    expect(e.allowed(tcp('prometheus', 'front', 15020))).toBe(true);
    expect(e.allowed(tcp('prometheus', 'ledger', 9902))).toBe(false);
    expect(e.allowed(tcp('stranger', 'front', 9902))).toBe(false);
  });
});

describe('egress outside the cluster', () => {
  test('an IP block with its ports and exceptions; nothing else outside', () => {
    const { chart } = shop();
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, egress: [EgressRule.cidr('10.20.0.0/16', { ports: [5432], except: ['10.20.99.0/24'] })] });
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart));
    expect(e.allowed(tcp('web', '10.20.1.5', 5432))).toBe(true);
    expect(e.allowed(tcp('web', '10.20.1.5', 5433))).toBe(false);
    expect(e.allowed(tcp('web', '10.20.99.5', 5432))).toBe(false);
    expect(e.allowed(tcp('web', '10.21.0.1', 5432))).toBe(false);
  });

  test('a DNS name is an error naming the workload, the rule and the fix, unless the CNI is Cilium', () => {
    const { chart } = shop();
    new ObservableService(chart, 'payments', { image: 'a/payments:1', port: 8080, egress: [EgressRule.fqdn('api.stripe.com', { ports: [443] })] });
    const error = constructError(() => new NetworkIsolation(chart, 'isolation'));
    expect(error.constructPath).toBe('shop/payments');
    expect(error.problems[0]).toMatchObject({ prop: 'egress[0]' });
    expect(error.message).toMatch(/\(api\.stripe\.com\) is a DNS name, which a networking\.k8s\.io\/v1 NetworkPolicy cannot express: shop\/isolation would deny it\. Fix: set fqdnPolicy: FqdnPolicy\.CILIUM/);
    expect(synth(chart).filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('with FqdnPolicy.CILIUM: a CiliumNetworkPolicy with toFQDNs on the declared ports, and the DNS rule its proxy needs', () => {
    const { chart } = shop();
    new ObservableService(chart, 'payments', { image: 'a/payments:1', port: 8080, egress: [EgressRule.fqdn('API.stripe.com', { ports: [443] }), EgressRule.fqdn('*.s3.amazonaws.com', { ports: [443, 80] })] });
    new NetworkIsolation(chart, 'isolation', { fqdnPolicy: FqdnPolicy.CILIUM });
    const manifests = synth(chart);
    const cilium = manifests.filter((m) => m.kind === 'CiliumNetworkPolicy');
    expect(cilium.map((m) => [m.apiVersion, m.metadata.name, m.metadata.namespace])).toEqual([['cilium.io/v2', 'payments', 'shop']]);
    expect(cilium[0].spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'payments' } },
      egress: [
        {
          toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
          toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
        },
        { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchPattern: '*.s3.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '80', protocol: 'TCP' }] }] },
      ],
    });
    // The Kubernetes policy opens nothing outside for the names: only the Cilium policy does.
    const e = evaluatorOf(manifests);
    expect(e.allowed(tcp('payments', '203.0.113.10', 443))).toBe(false);
    expect(e.allowed(tcp('payments', 'kube-dns', 53))).toBe(true);
  });

  test('declarations that would be rejected, or would open too much, are construct-time errors naming the prop', () => {
    const { chart, ledger } = shop();
    const props = (egress: EgressRule[]) => ({ image: 'a/web:1', port: 8080, egress });
    const problem = (id: string, egress: EgressRule[]) => constructError(() => new ObservableService(chart, id, props(egress))).problems.map((p) => `${p.prop} ${p.problem}`);
    expect(problem('a', [EgressRule.cidr('10.0.0.1/8', { ports: [443] })])).toEqual(["egress[0].cidr (\"10.0.0.1/8\") has host bits set: the block's network address is 10.0.0.0/8"]);
    expect(problem('b', [EgressRule.cidr('10.0.0.0/8', { ports: [443], except: ['192.168.0.0/24', '10.0.0.0/8'] })]))
      .toEqual(['egress[0].except[0] ("192.168.0.0/24") is not strictly inside the block', 'egress[0].except[1] ("10.0.0.0/8") is not strictly inside the block']);
    expect(problem('c', [EgressRule.cidr('2001:db8::/32', { ports: [0, 65536] })])).toEqual(['egress[0].ports[0] (0) must be a whole number from 1 to 65535', 'egress[0].ports[1] (65536) must be a whole number from 1 to 65535']);
    expect(problem('d', [EgressRule.cidr('2001:db8::/32', { ports: [] })])).toEqual(['egress[0].ports is empty: the rule would open every port']);
    expect(problem('e', [EgressRule.fqdn('stripe', { ports: [443] })])[0]).toMatch(/^egress\[0\]\.fqdn \("stripe"\) is not a DNS name of two or more labels/);
    expect(problem('f', [EgressRule.fqdn('api.*.com', { ports: [443] })])[0]).toMatch(/^egress\[0\]\.fqdn/);
    expect(constructError(() => new ObservableService(chart, 'g', { image: 'a/g:1', port: 8080, dependsOn: [ledger, ledger] })).problems.map((p) => p.prop)).toEqual(['dependsOn[1]']);
    const self = { ...ledger, dnsName: 'h.shop.svc.cluster.local' } as unknown as ObservableService;
    expect(constructError(() => new ObservableService(chart, 'h', { image: 'a/h:1', port: 8080, dependsOn: [self] })).message).toMatch(/shop\/h: 'dependsOn\[0\]' \(h\.shop\.svc\.cluster\.local\) is the service itself/);
    expect(constructError(() => new FrontEnvoy(chart, 'front', { routes: [{ service: ledger }], clientCidrs: ['10.0.0.0/33'] })).problems.map((p) => p.prop)).toEqual(['clientCidrs[0]']);
  });
});

describe('the collector, load tests and mocks', () => {
  function observability(props: { egress?: EgressRule[]; endpoint?: string; kubernetesApi?: boolean } = {}) {
    const chart = new Chart(Testing.app(), 'obs', { namespace: 'observability' });
    const collector = new OtelCollector(chart, 'otel-collector', {
      exporters: [
        OtelExporter.elasticApm({ host: 'apm-server-apm-http.elastic-system.svc', secretToken: { secret: kplus.Secret.fromSecretName(chart, 'Token', 'apm-token'), key: 'secret-token' } }),
        ...(props.endpoint ? [OtelExporter.otlp({ name: 'vendor', endpoint: props.endpoint })] : []),
      ],
      egress: props.egress,
    });
    new ObservableService(chart, 'app', { image: 'a/app:1', port: 8080, tracing: Tracing.openTelemetry({ collector }) });
    const isolate = () => new NetworkIsolation(chart, 'isolation', props.kubernetesApi === false ? {} : { kubernetesApi: { cidrs: ['172.20.0.1/32'], port: 443 } });
    return { chart, collector, isolate };
  }
  const apm: PodModel = { name: 'apm-server', namespace: 'elastic-system', labels: { app: 'apm' }, ip: '10.96.6.1', ports: [{ containerPort: 8200 }] };

  test('apps → collector on 4317; collector → its in-cluster exporter and the Kubernetes API; nothing else', () => {
    const { chart, isolate } = observability();
    isolate();
    const e = evaluatorOf(synth(chart), [apm]);
    expect(e.allowed(tcp('app', 'otel-collector', 4317))).toBe(true);
    expect(e.allowed(tcp('app', 'otel-collector', 4318))).toBe(false);
    expect(e.allowed(tcp('stranger', 'otel-collector', 4317))).toBe(false);
    expect(e.allowed(tcp('otel-collector', 'apm-server', 8200))).toBe(true);
    expect(e.allowed(tcp('otel-collector', '172.20.0.1', 443))).toBe(true);
    expect(e.allowed(tcp('app', '172.20.0.1', 443))).toBe(false);
    expect(e.allowed(tcp('otel-collector', 'app', 8080))).toBe(false);
  });

  test('the collector calls the Kubernetes API: its addresses are required', () => {
    const { isolate } = observability({ kubernetesApi: false });
    const error = constructError(isolate);
    expect(error.constructPath).toBe('obs/isolation');
    expect(error.message).toMatch(/'kubernetesApi' is not given, but obs\/otel-collector calls the Kubernetes API\. Fix: give the API server's addresses and port/);
  });

  test('an exporter outside the cluster needs an egress rule on the collector', () => {
    const error = constructError(observability({ endpoint: 'otlp.vendor.example.com:4317' }).isolate);
    expect(error.constructPath).toBe('obs/otel-collector');
    expect(error.message).toMatch(/'exporters\[1\]' sends to otlp\.vendor\.example\.com:4317, outside the cluster, which no egress rule covers: obs\/isolation would deny it\. Fix: declare the destination in the workload's 'egress'/);
    const { chart, isolate } = observability({ endpoint: 'otlp.vendor.example.com:4317', egress: [EgressRule.cidr('203.0.113.0/24', { ports: [4317] })] });
    isolate();
    const e = evaluatorOf(synth(chart), [apm]);
    expect(e.allowed(tcp('otel-collector', '203.0.113.10', 4317))).toBe(true);
    expect(e.allowed(tcp('otel-collector', '203.0.113.10', 443))).toBe(false);
  });

  test('a load test reaches its target only; mocks answer the service that depends on them only', () => {
    const chart = new Chart(Testing.app(), 'lt', { namespace: 'loadtest' });
    const customers = new MockBackend(chart, 'customer-api', { routes: [{ path: '/v1/customers/42', body: '{}' }] });
    const invoice = new ObservableService(chart, 'invoice-api', { image: 'a/invoice:1', port: 8080, dependsOn: [customers] });
    new LoadTest(chart, 'invoice-load', { target: { service: invoice, path: '/' }, qps: 10 });
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart));
    expect(e.allowed(tcp('invoice-load', 'invoice-api', 8080))).toBe(true);
    expect(e.allowed(tcp('invoice-load', 'customer-api', 8080))).toBe(false);
    expect(e.allowed(tcp('invoice-api', 'customer-api', 8080))).toBe(true);
    expect(e.allowed(tcp('customer-api', 'invoice-api', 8080))).toBe(false);
    expect(e.allowed(tcp('invoice-load', 'kube-dns', 53))).toBe(true);
  });

  test('the proxy benchmark: each client its server; the mesh client and server reach istiod, the baseline pair does not', () => {
    const chart = new Chart(Testing.app(), 'bench', { namespace: 'bench' });
    new ProxyBenchmark(chart, 'cost');
    new NetworkIsolation(chart, 'isolation');
    const e = evaluatorOf(synth(chart));
    expect(e.allowed(tcp('benchmark-mesh', 'fortio-mesh', 8080))).toBe(true);
    expect(e.allowed(tcp('benchmark-mesh', 'fortio-baseline', 8080))).toBe(false);
    expect(e.allowed(tcp('benchmark-baseline', 'fortio-baseline', 8080))).toBe(true);
    expect(e.allowed(tcp('benchmark-mesh', 'istiod', 15012))).toBe(true);
    expect(e.allowed(tcp('fortio-mesh', 'istiod', 15012))).toBe(true);
    expect(e.allowed(tcp('benchmark-baseline', 'istiod', 15012))).toBe(false);
  });
});

describe('flows by hand, scope and timing', () => {
  test('allowIngress and allowEgress add a flow no declaration implies, to an isolated workload only', () => {
    const { chart, ledger } = shop();
    new NetworkIsolation(chart, 'isolation', {
      allowIngress: [{ to: ledger, from: NetworkPeer.pods('istio-system', { istio: 'ingressgateway' }), purpose: 'the mesh ingress gateway' }],
      allowEgress: [{ from: ledger, to: NetworkPeer.cidr('10.30.0.0/16'), port: 6379, purpose: 'the cache' }],
    });
    const e = evaluatorOf(synth(chart), [{ name: 'gateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' }, ip: '10.96.7.1' }]);
    expect(e.allowed(tcp('gateway', 'ledger', 9090))).toBe(true);
    expect(e.allowed(tcp('istiod', 'ledger', 9090))).toBe(false);
    expect(e.allowed(tcp('ledger', '10.30.2.2', 6379))).toBe(true);
    const other = new Chart(Testing.app(), 'other', { namespace: 'other' });
    const service = new ObservableService(other, 'svc', { image: 'a/svc:1', port: 8080 });
    const fresh = shop();
    const error = constructError(() => new NetworkIsolation(fresh.chart, 'isolation', {
      allowIngress: [{ to: service, from: NetworkPeer.anywhere(), purpose: 'x' }],
      allowEgress: [{ from: fresh.ledger, to: NetworkPeer.anywhere(), port: 443, purpose: 'everything' }],
    }));
    expect(error.problems.map((p) => `${p.prop} ${p.problem}`)).toEqual([
      'allowIngress[0].to (other/svc) is not one workload this NetworkIsolation isolates',
      'allowEgress[0].to is anywhere, which would open all egress',
    ]);
  });

  test('a call into an isolated namespace to pods the isolation does not know is an error; include brings them in', () => {
    const app = Testing.app();
    const services = new Chart(app, 'services', { namespace: 'shop' });
    const ledger = new ObservableService(services, 'ledger', { image: 'a/ledger:1', port: 9090 });
    const edge = new Chart(app, 'edge', { namespace: 'shop' });
    new FrontEnvoy(edge, 'front', { routes: [{ service: ledger }] });
    const error = constructError(() => new NetworkIsolation(edge, 'isolation'));
    expect(error.constructPath).toBe('edge/front/Proxy');
    expect(error.message).toMatch(/'dependsOn\[0\]' calls ledger\.shop\.svc\.cluster\.local in namespace shop, which edge\/isolation isolates without knowing those pods: their ingress would be denied\. Fix: bring the construct of ledger under the NetworkIsolation \(its scope, or 'include'\)/);
    new NetworkIsolation(edge, 'isolation-with-ledger', { include: [ledger] });
    const e = evaluatorOf([...synth(services), ...synth(edge)]);
    expect(e.allowed(tcp('front', 'ledger', 9090))).toBe(true);
  });

  test('two isolations of one namespace (a product split across charts): one default deny, each workload isolated once, calls between them allowed at both ends', () => {
    const app = Testing.app();
    const first = new Chart(app, 'first', { namespace: 'shop' });
    const ledger = new ObservableService(first, 'ledger', { image: 'a/ledger:1', port: 9090 });
    const second = new Chart(app, 'second', { namespace: 'shop' });
    new ObservableService(second, 'web', { image: 'a/web:1', port: 8080, dependsOn: [ledger] });
    new NetworkIsolation(first, 'isolation');
    new NetworkIsolation(second, 'isolation');
    const names = (chart: Chart) => synth(chart).filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name);
    expect(names(first)).toEqual(['default-deny', 'ledger']);
    expect(names(second)).toEqual(['web']);
    const e = evaluatorOf([...synth(first), ...synth(second)]);
    expect(e.allowed(tcp('web', 'ledger', 9090))).toBe(true);
    expect(e.allowed(tcp('ledger', 'web', 8080))).toBe(false);
    expect(constructError(() => new NetworkIsolation(second, 'again', { include: [ledger] })).message)
      .toMatch(/'include' holds first\/ledger, which first\/isolation isolates already/);
  });

  test('a call declared after the isolation of its target fails synth, naming the flow', () => {
    const app = Testing.app();
    const first = new Chart(app, 'first', { namespace: 'shop' });
    const ledger = new ObservableService(first, 'ledger', { image: 'a/ledger:1', port: 9090 });
    new NetworkIsolation(first, 'isolation');
    const second = new Chart(app, 'second', { namespace: 'edge' });
    new FrontEnvoy(second, 'front', { routes: [{ service: ledger }] });
    expect(() => app.synth()).toThrow(/first\/isolation: the flow front -> ledger TCP\/9090 \(dependsOn\) was declared after the policies were derived, so it would be denied/);
  });

  test('a workload made after the isolation fails synth, naming it', () => {
    const { chart } = shop();
    new NetworkIsolation(chart, 'isolation');
    new ObservableService(chart, 'late', { image: 'a/late:1', port: 8080 });
    expect(() => Testing.synth(chart)).toThrow(/shop\/late: was made after shop\/isolation, so its pods would be denied every connection in an isolated namespace/);
  });

  test('a scope without workloads, and bad props, are errors naming the prop', () => {
    const empty = new Chart(Testing.app(), 'empty');
    expect(constructError(() => new NetworkIsolation(empty, 'isolation')).problems.map((p) => p.prop)).toEqual(['include']);
    const { chart } = shop();
    const error = constructError(() => new NetworkIsolation(chart, 'isolation', {
      dns: { cidrs: ['169.254.20.10'] }, prometheus: { namespace: 'Monitoring', port: 0 }, kubernetesApi: { cidrs: [], port: 443 },
    }));
    expect(error.problems.map((p) => p.prop)).toEqual(['dns.cidrs[0]', 'prometheus.namespace', 'prometheus.port', 'kubernetesApi.cidrs']);
    expect(error).toBeInstanceOf(ConfigurationError);
  });
});

describe('the objects written', () => {
  function product() {
    const { chart, tracing, ledger } = shop();
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing, dependsOn: [ledger], egress: [EgressRule.cidr('10.20.0.0/16', { ports: [5432] })] });
    new FrontEnvoy(chart, 'front', { routes: [{ service: ledger }], clientCidrs: ['10.0.0.0/22'] });
    return { chart, isolation: new NetworkIsolation(chart, 'isolation', { dns: { cidrs: ['169.254.20.10/32'] } }) };
  }

  test('a default deny per namespace, then one policy per workload named as it, in name order, labelled as managed by the library', () => {
    const policies = synth(product().chart).filter((m) => m.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'front', 'ledger', 'web']);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const p of policies) {
      expect(p.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk8s-observable', 'app.kubernetes.io/component': 'network-policy', 'app.kubernetes.io/part-of': 'shop' });
    }
    expect(policies[3].spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } });
  });

  test("every policy passes the Kubernetes schema and the API server's object rules; two synths are identical", () => {
    const manifests = synth(product().chart).filter((m) => m.kind === 'NetworkPolicy');
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
    expect(manifests.flatMap(apiServerErrors)).toEqual([]);
    // The object rules catch what the API server would reject.
    const [web] = manifests.filter((m) => m.metadata.name === 'web');
    const broken = JSON.parse(JSON.stringify(web));
    broken.spec.egress[0].to[0].ipBlock = { cidr: '10.20.0.0/16', except: ['10.21.0.0/24'] };
    broken.spec.egress[1].ports[0].port = 70000;
    expect(apiServerErrors(broken)).toEqual([
      'NetworkPolicy/web.spec.egress[0].to: a peer is either an ipBlock or pod/namespace selectors',
      'NetworkPolicy/web.spec.egress[0].to.ipBlock.except "10.21.0.0/24" is not a strict subset of 10.20.0.0/16',
      'NetworkPolicy/web.spec.egress[1].ports: port 70000 out of range',
    ]);
    expect(JSON.stringify(synth(product().chart))).toBe(JSON.stringify(synth(product().chart)));
  });

  test('the flows, as data: what the policies allow', () => {
    const { isolation } = product();
    expect(isolation.namespaces).toEqual(['shop']);
    expect(isolation.flows.map((f) => `${f.from.name} -> ${f.to.name} ${f.protocol}/${f.port} ${f.purpose}`)).toEqual([
      'ledger -> kube-dns UDP/53 dns', 'ledger -> kube-dns TCP/53 dns', 'ledger -> 169.254.20.10/32 UDP/53 dns', 'ledger -> 169.254.20.10/32 TCP/53 dns',
      'ledger -> datadog.datadog.svc.cluster.local TCP/8126 traces',
      'web -> kube-dns UDP/53 dns', 'web -> kube-dns TCP/53 dns', 'web -> 169.254.20.10/32 UDP/53 dns', 'web -> 169.254.20.10/32 TCP/53 dns',
      'web -> datadog.datadog.svc.cluster.local TCP/8126 traces', 'web -> ledger TCP/9090 dependsOn', 'web -> 10.20.0.0/16 TCP/5432 external',
      'front -> kube-dns UDP/53 dns', 'front -> kube-dns TCP/53 dns', 'front -> 169.254.20.10/32 UDP/53 dns', 'front -> 169.254.20.10/32 TCP/53 dns',
      'front -> ledger TCP/9090 dependsOn', '10.0.0.0/22 -> front TCP/8080 load balancer',
    ]);
  });
});

describe('MeshSidecarScope reads the service\'s own declarations', () => {
  test("the Sidecar's hosts follow dependsOn and the DNS names of egress; the deprecated dependsOn prop still adds", () => {
    const { chart, tracing, ledger } = shop();
    const cache = new MockBackend(chart, 'cache', { routes: [{ path: '/x', body: '{}' }] });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, tracing, dependsOn: [ledger], egress: [EgressRule.fqdn('api.stripe.com', { ports: [443] })] });
    new MeshSidecarScope(chart, 'scope', { service: web, dependsOn: [cache, ledger] });
    const sidecar = synth(chart).find((m) => m.kind === 'Sidecar')!;
    expect(sidecar.spec.egress[0].hosts).toEqual([
      'shop/ledger.shop.svc.cluster.local', 'shop/cache.shop.svc.cluster.local', 'datadog/datadog.datadog.svc.cluster.local', '*/api.stripe.com', 'istio-system/*',
    ]);
  });
});

describe('over random declarations', () => {
  const seed = Number(process.env.PROPERTY_SEED ?? 20261121);

  test('a front proxy and its services: the policies pass the schema and the API rules; every route is allowed, and nothing else reaches the services', () => {
    fc.assert(fc.property(frontEnvoyDecl, (d) => {
      const chart = declarationChart(new App(), 'shop');
      const front = buildFrontEnvoy(chart, d);
      const isolatedNamespaces = new Set([front.proxy.namespace, ...front.services.map((s) => s.namespace)]);
      // A tracing backend in an isolated namespace that no construct here runs is a (tested) error.
      const backends = [front.tracing, ...front.services.map((s) => s.tracing)].map((t) => t?.collectorHost).filter((h): h is string => h !== undefined);
      fc.pre(backends.every((h) => !isolatedNamespaces.has(serviceDnsName(h)?.namespace ?? '')));
      new NetworkIsolation(chart, 'isolation');
      const manifests = synth(chart);
      const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
      expect(policies.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
      expect(policies.flatMap(apiServerErrors)).toEqual([]);
      const e = evaluatorOf(manifests);
      for (const service of front.services) {
        expect(e.allowed(tcp(front.proxy.name, service.name, service.port))).toBe(true);
        // A LoadBalancer Service is reached from anywhere; any other only from the proxy.
        expect(e.allowed(tcp('stranger', service.name, service.port))).toBe(service.service.type === kplus.ServiceType.LOAD_BALANCER);
        expect(e.allowed(tcp(service.name, front.proxy.name, front.proxy.port))).toBe(false);
      }
      expect(e.allowed(tcp('198.51.100.7', front.proxy.name, front.proxy.port))).toBe(true);
    }), { seed, numRuns: 40 });
  });
});
