import { Chart, Duration, Testing } from 'cdk8s';
import { ISTIO_1_10_MODEL, ISTIO_1_24_MODEL, istiodAutoscaling, MeshDestinationRule, MeshPeerAuthentication, MeshSidecarScope, MeshTelemetry, meshTracingProvider, ObservableService, ObservableServiceProps, Protocol, SidecarSizing, Tracing } from '../lib';
import { PropChecker } from '../lib/common/errors';
import { egressHost } from '../lib/istio/mesh-resources';
import { cpuQuantity, memoryQuantity, sizeSidecar } from '../lib/istio/sizing';
import { constructError } from './support/errors';
import { crdSchemaErrors as istioSchemaErrors } from './support/crd-schema';
import { Manifest, synth } from './support/synth';

function sized(sizing: SidecarSizing, rps: number | undefined) {
  const checker = new PropChecker(Testing.chart());
  const result = sizeSidecar(checker, sizing, rps);
  checker.throwIfAny();
  return result;
}

describe('sidecar sizing against the published figures', () => {
  test('Istio 1.10: 0.35 vCPU per 1000 req/s; memory floored at the chart default', () => {
    expect(sized(SidecarSizing.fromModel(ISTIO_1_10_MODEL, { headroom: 1 }), 1000)).toMatchObject({ cpuRequestMillis: 350, memoryRequestMiB: 128 });
    expect(sized(SidecarSizing.fromModel(ISTIO_1_10_MODEL, { headroom: 1 }), 4000)).toMatchObject({ cpuRequestMillis: 1400, memoryRequestMiB: 160 });
  });

  test('Istio 1.24: about 0.20 vCPU and 60 MB per sidecar at 1000 req/s', () => {
    expect(sized(SidecarSizing.fromModel(ISTIO_1_24_MODEL, { headroom: 1 }), 1000)).toMatchObject({ cpuRequestMillis: 200, memoryRequestMiB: 128 });
    expect(sized(SidecarSizing.fromModel(ISTIO_1_24_MODEL, { headroom: 1 }), 5000)).toMatchObject({ cpuRequestMillis: 1000, memoryRequestMiB: 300 });
  });

  test('the default is Istio 1.24 with headroom 1.5 and limits at twice the requests', () => {
    expect(sized(SidecarSizing.fromModel(), 2000)).toEqual(expect.objectContaining({
      cpuRequestMillis: 600, cpuLimitMillis: 1200, memoryRequestMiB: 180, memoryLimitMiB: 360,
    }));
  });

  test('low traffic never goes below the chart defaults (100m, 128Mi)', () => {
    expect(sized(SidecarSizing.fromModel(), 10)).toMatchObject({ cpuRequestMillis: 100, memoryRequestMiB: 128 });
  });

  test('a measured figure replaces the model', () => {
    const result = sized(SidecarSizing.measured({ cpuMillisPer1000Rps: 500, memoryMiBPer1000Rps: 100, source: 'load test' }, { headroom: 1 }), 2000);
    expect(result).toMatchObject({ cpuRequestMillis: 1000, memoryRequestMiB: 200 });
    expect(result.basis).toMatch(/^measured: load test/);
  });

  test('explicit values win as given', () => {
    const explicit = { cpuRequestMillis: 300, cpuLimitMillis: 600, memoryRequestMiB: 200, memoryLimitMiB: 400 };
    expect(sized(SidecarSizing.explicit(explicit), 5000)).toEqual({ ...explicit, basis: 'explicit values' });
  });

  test('without a throughput figure the chart defaults are written, and said so', () => {
    expect(sized(SidecarSizing.fromModel(), undefined)).toEqual({
      cpuRequestMillis: 100, cpuLimitMillis: 2000, memoryRequestMiB: 128, memoryLimitMiB: 1024, basis: expect.stringMatching(/no throughput declared/),
    });
  });

  test('a request is never above its limit: explicit values that say so are an error', () => {
    const checker = new PropChecker(Testing.chart());
    sizeSidecar(checker, SidecarSizing.explicit({ cpuRequestMillis: 800, cpuLimitMillis: 400, memoryRequestMiB: 512, memoryLimitMiB: 256 }), 1000);
    expect(() => checker.throwIfAny()).toThrow(/mesh.sizing.cpuRequestMillis' \(800m\) is above the CPU limit \(400m\)[\s\S]*mesh.sizing.memoryRequestMiB' \(512Mi\) is above the memory limit \(256Mi\)/);
  });

  test('computed limits are never below requests', () => {
    for (const rps of [1, 333, 1000, 7777]) {
      const r = sized(SidecarSizing.fromModel(ISTIO_1_10_MODEL, { headroom: 1.3, limitRatio: 1 }), rps);
      expect(r.cpuLimitMillis).toBeGreaterThanOrEqual(r.cpuRequestMillis);
      expect(r.memoryLimitMiB).toBeGreaterThanOrEqual(r.memoryRequestMiB);
    }
  });

  test('headroom below 1 or a limit ratio below 1 is an error', () => {
    const checker = new PropChecker(Testing.chart());
    sizeSidecar(checker, SidecarSizing.fromModel(ISTIO_1_24_MODEL, { headroom: 0.5, limitRatio: 0.9 }), 1000);
    expect(() => checker.throwIfAny()).toThrow(/mesh.sizing.headroom[\s\S]*mesh.sizing.limitRatio/);
  });

  test('quantities are whole millicores and MiB in Kubernetes form', () => {
    expect(cpuQuantity(147)).toBe('147m');
    expect(memoryQuantity(128)).toBe('128Mi');
  });
});

function meshService(props: Partial<ObservableServiceProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
  const service = new ObservableService(chart, 'web', {
    image: 'a/web:1.0.0', port: 8080, throughput: { normalRps: 500, peakRps: 2000, rpsPerPod: 1000 }, mesh: {}, ...props,
  });
  const deployment = synth(chart).find((m) => m.kind === 'Deployment')!;
  return { service, chart, template: deployment.spec.template as Manifest };
}

describe('the sidecar on ObservableService', () => {
  test('injection by label (not the deprecated annotation) and the four resource annotations from the pod throughput', () => {
    const { template, service } = meshService();
    expect(template.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(template.metadata.annotations['sidecar.istio.io/inject']).toBeUndefined();
    expect(template.metadata.annotations).toMatchObject({
      'sidecar.istio.io/proxyCPU': '300m', 'sidecar.istio.io/proxyCPULimit': '600m', 'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyMemoryLimit': '256Mi',
    });
    expect(service.mesh!.resources.basis).toMatch(/1000 req\/s per pod at peak/);
  });

  test('proxy config: concurrency from the CPU limit, and holdApplicationUntilProxyStarts', () => {
    const big = meshService({ throughput: { normalRps: 5000, peakRps: 20000, rpsPerPod: 5000 }, mesh: { holdApplicationUntilProxyStarts: true } });
    expect(big.template.metadata.annotations['sidecar.istio.io/proxyCPULimit']).toBe('3000m');
    expect(big.template.metadata.annotations['proxy.istio.io/config']).toBe('concurrency: 3\nholdApplicationUntilProxyStarts: true\ntracingServiceName: CANONICAL_NAME_ONLY');
    const given = meshService({ mesh: { concurrency: 2 } });
    expect(given.template.metadata.annotations['proxy.istio.io/config']).toBe('concurrency: 2\nholdApplicationUntilProxyStarts: false\ntracingServiceName: CANONICAL_NAME_ONLY');
  });

  test('probes keep working through the rewrite, metrics merging is off unless asked', () => {
    const { template } = meshService();
    expect(template.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('true');
    expect(template.metadata.annotations['prometheus.istio.io/merge-metrics']).toBe('false');
    expect(meshService({ mesh: { mergeMetrics: true } }).template.metadata.annotations['prometheus.istio.io/merge-metrics']).toBe('true');
  });

  test('no mesh, no sidecar settings', () => {
    const { template } = meshService({ mesh: undefined });
    expect(template.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
    expect(Object.keys(template.metadata.annotations).filter((k) => k.includes('istio'))).toEqual([]);
  });

  test('a port the sidecar uses is an error', () => {
    const error = constructError(() => meshService({ port: 15021 }));
    expect(error.problems.map((p) => p.prop)).toEqual(['port']);
  });
});

describe('mesh resources', () => {
  function product() {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'payments' });
    const tracing = Tracing.datadog({ env: 'production', samplingPercentage: 10 });
    const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, mesh: {}, tracing });
    const checkout = new ObservableService(chart, 'checkout', { image: 'a/checkout:1', port: 8080, mesh: {}, tracing });
    return { chart, tracing, ledger, checkout };
  }

  test('all four pass the Istio CRD schemas, namespace-wide and per workload', () => {
    const { chart, tracing, ledger, checkout } = product();
    new MeshSidecarScope(chart, 'scope', { service: checkout, dependsOn: [ledger], extraHosts: ['*/api.stripe.com'] });
    new MeshDestinationRule(chart, 'rule', { service: ledger, connectionPool: { maxConnections: 100, connectTimeout: Duration.millis(500) }, outlierDetection: { consecutive5xxErrors: 3 } });
    new MeshPeerAuthentication(chart, 'mtls');
    new MeshPeerAuthentication(chart, 'mtls-ledger', { service: ledger });
    new MeshTelemetry(chart, 'tracing', { tracing });
    new MeshTelemetry(chart, 'tracing-ledger', { tracing, service: ledger });
    const istio = synth(chart).filter((m) => m.apiVersion.includes('istio.io/'));
    expect(istio).toHaveLength(6);
    expect(istioSchemaErrors(istio)).toEqual([]);
  });

  test('the Istio schema check catches a wrong value and an unknown field', () => {
    const { chart } = product();
    new MeshPeerAuthentication(chart, 'mtls');
    const [pa] = synth(chart).filter((m) => m.kind === 'PeerAuthentication');
    expect(istioSchemaErrors([{ ...pa, spec: { mtls: { mode: 'STRICTLY' }, portLevel: {} } }]).join('\n')).toMatch(/mtls\/mode: must be equal to one of the allowed values/);
    expect(istioSchemaErrors([{ ...pa, spec: { mtls: { mode: 'STRICT' }, portLevel: {} } }])).toEqual(['PeerAuthentication /spec/portLevel: unknown field "portLevel"']);
  });

  test('Sidecar: egress to the dependencies, the tracing backend and istio-system only', () => {
    const { chart, ledger, checkout } = product();
    new MeshSidecarScope(chart, 'scope', { service: checkout, dependsOn: [ledger] });
    const sidecar = synth(chart).find((m) => m.kind === 'Sidecar')!;
    expect(sidecar.spec).toEqual({
      workloadSelector: { labels: { 'app.kubernetes.io/name': 'checkout' } },
      egress: [{ hosts: ['payments/ledger.payments.svc.cluster.local', 'datadog/datadog.datadog.svc.cluster.local', 'istio-system/*'] }],
    });
  });

  test('egress hosts: namespace from an in-cluster name, any namespace otherwise', () => {
    expect(egressHost('ledger.payments.svc.cluster.local')).toBe('payments/ledger.payments.svc.cluster.local');
    expect(egressHost('api.stripe.com')).toBe('*/api.stripe.com');
  });

  test('DestinationRule: documented defaults for the pool and outlier detection', () => {
    const { chart, ledger } = product();
    new MeshDestinationRule(chart, 'rule', { service: ledger });
    expect(synth(chart).find((m) => m.kind === 'DestinationRule')!.spec).toEqual({
      host: 'ledger.payments.svc.cluster.local',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1024, connectTimeout: '1s' }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024, maxRetries: 3 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      },
    });
  });

  test('PeerAuthentication: STRICT, "default" namespace-wide, a selector per workload', () => {
    const { chart, ledger } = product();
    new MeshPeerAuthentication(chart, 'mtls');
    new MeshPeerAuthentication(chart, 'mtls-ledger', { service: ledger });
    const [wide, one] = synth(chart).filter((m) => m.kind === 'PeerAuthentication');
    expect(wide.metadata).toMatchObject({ name: 'default', namespace: 'payments' });
    expect(wide.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(one.spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/name': 'ledger' } }, mtls: { mode: 'STRICT' } });
  });

  test('Telemetry: the provider and sampling of the services tracing', () => {
    const { chart, tracing } = product();
    new MeshTelemetry(chart, 'tracing', { tracing });
    const telemetry = synth(chart).find((m) => m.kind === 'Telemetry')!;
    expect(telemetry.apiVersion).toBe('telemetry.istio.io/v1');
    expect(telemetry.spec).toEqual({ tracing: [{ providers: [{ name: 'datadog' }], randomSamplingPercentage: 10 }] });
    expect(meshTracingProvider(tracing)).toEqual({ name: 'datadog', datadog: { service: 'datadog.datadog.svc.cluster.local', port: 8126 } });
    expect(meshTracingProvider(Tracing.openTelemetry({ host: 'otel.obs.svc.cluster.local' }))).toEqual({ name: 'opentelemetry', opentelemetry: { service: 'otel.obs.svc.cluster.local', port: 4317 } });
  });

  test('bad input: a malformed extra host, a service depending on itself, an ejection share above 100', () => {
    const { chart, ledger } = product();
    expect(constructError(() => new MeshSidecarScope(chart, 's1', { service: ledger, extraHosts: ['api.stripe.com'] })).problems[0].prop).toBe('extraHosts[0]');
    expect(constructError(() => new MeshSidecarScope(chart, 's2', { service: ledger, dependsOn: [ledger] })).problems[0].prop).toBe('dependsOn');
    expect(constructError(() => new MeshDestinationRule(chart, 'r', { service: ledger, outlierDetection: { maxEjectionPercent: 120 } })).problems[0].prop).toBe('outlierDetection.maxEjectionPercent');
  });
});

describe('istiod autoscaling', () => {
  test('a mesh of 2000 proxies: HPA on CPU at 80%, 2 to 4 replicas', () => {
    const { values, reasoning } = istiodAutoscaling({ proxies: 2000 });
    expect(values.pilot).toEqual({
      autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 4, cpu: { targetAverageUtilization: 80 }, resources: { requests: { cpu: '1000m', memory: '1536Mi' } },
    });
    expect(reasoning).toMatch(/1 vCPU and 1.5 GB for 2000 sidecars/);
  });

  test('the range grows with the proxies, and explicit bounds win', () => {
    expect(istiodAutoscaling({ proxies: 9000 }).values.pilot).toMatchObject({ autoscaleMin: 5, autoscaleMax: 10 });
    expect(istiodAutoscaling({ proxies: 9000, minReplicas: 3, maxReplicas: 12 }).values.pilot).toMatchObject({ autoscaleMin: 3, autoscaleMax: 12 });
  });

  test('a bad range is an error', () => {
    expect(() => istiodAutoscaling({ proxies: 100, minReplicas: 5, maxReplicas: 2 })).toThrow(/not a valid range/);
    expect(() => istiodAutoscaling({ proxies: -1 })).toThrow(/'proxies' \(-1\)/);
  });
});
