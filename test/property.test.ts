/**
 * Property-based robustness (fast-check): random valid declarations of every
 * construct synthesize to manifests that the Kubernetes schema, the API
 * server's object rules, Envoy's API and the Istio and Prometheus CRD schemas
 * accept, with the secure defaults in place, byte-identical across two
 * synths; random invalid declarations throw a ConfigurationError naming the
 * prop and leave no object behind.
 *
 * Seeded and reproducible: PROPERTY_SEED (default below) and PROPERTY_SCALE
 * (a multiplier of the run counts, default 1) come from the environment; a
 * failure prints the seed and the counterexample's path to replay.
 * `npm run test:property:nightly` runs twenty times as many cases with a
 * fresh seed.
 */
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import fc from 'fast-check';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { checkCollectorPipelines, ConfigurationError, OtlpProtocol, Signal, validateEnvoyConfig } from '../lib';
import { crdSchemaErrors } from './support/crd-schema';
import {
  CollectorDecl, FrontEnvoyDecl, MeshDecl, OperationsDecl, ServiceDecl, buildCollector, buildFrontEnvoy, buildMesh, buildOperations, buildService,
  collectorDecl, declarationChart, dnsLabel, frontEnvoyDecl, meshDecl, operationsDecl, serviceDecl,
} from './support/declarations';
import { objectErrors } from './support/object-errors';
import { Manifest } from './support/synth';

const DEFAULT_SEED = 20261121;
const SEED = Number(process.env.PROPERTY_SEED ?? DEFAULT_SEED);
const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const settings = (n: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs(n) });

// Time limit for a suite: the nightly scale runs many more cases.
jest.setTimeout(120_000 * Math.max(1, SCALE));

/**
 * Builds a declaration in a fresh app and synthesizes it as `cdk8s synth` would (dependencies,
 * every validation, each chart's JSON: cdk8s's `synthYaml`), short of writing the YAML: the
 * documents' JSON, which YAML is written from (the same JSON, byte-identical YAML). What the
 * YAML writer makes of every string, and that it reads back the same, is the adversarial suite's
 * test (test/adversarial.test.ts writes each string prop's payloads through it); here the writer
 * and a reader would double the time of every case.
 */
function synthesizedJson(build: (chart: Chart) => void, namespace?: string): string {
  const app = new App();
  build(declarationChart(app, namespace));
  const write = Yaml.stringify;
  const calls: unknown[][] = [];
  Yaml.stringify = (...docs: unknown[]) => {
    calls.push(docs);
    return '';
  };
  try {
    app.synthYaml();
  } finally {
    Yaml.stringify = write;
  }
  // One call with every document, as cdk8s 2.x writes them: anything else and the capture would not be the whole output.
  if (calls.length !== 1) throw new Error(`cdk8s synthYaml called Yaml.stringify ${calls.length} times, not once with every document: synthesizedJson no longer captures its output`);
  return JSON.stringify(calls[0].filter((d) => d !== null && d !== undefined));
}

/** Loosened defaults a declaration asks for explicitly. */
interface Loosened {
  /** Deployments whose root filesystem may be writable. */
  readonly writableRoot?: ReadonlySet<string>;
}

/**
 * Every reason the manifests would be rejected (Kubernetes schema and object
 * rules, Datadog CRD fields, Envoy's API, the collector's pipelines) or would
 * break a secure default. Istio and Prometheus resources are collected into
 * `crds` and checked in one batch (their schemas load in a process of their own).
 */
function emittedErrors(manifests: Manifest[], crds: Manifest[], loosened: Loosened = {}): string[] {
  const errors: string[] = [];
  for (const m of manifests) {
    errors.push(...objectErrors(m, crds));
    if (m.kind === 'ConfigMap' && m.data?.['envoy.json'] !== undefined) {
      const config = JSON.parse(m.data['envoy.json']);
      errors.push(...validateEnvoyConfig(config).map((i) => `${m.metadata.name} envoy.json ${i.path}: ${i.message}`));
      const admin = config.admin?.address?.socket_address?.address;
      if (admin !== '127.0.0.1') errors.push(`${m.metadata.name}: the Envoy admin listens on ${admin}, not loopback`);
    }
    if (m.kind === 'ConfigMap' && m.data?.['collector.yaml'] !== undefined) {
      errors.push(...checkCollectorPipelines(parse(m.data['collector.yaml'])).map((p) => `${m.metadata.name} collector.yaml: ${p}`));
    }
    const pod = m.kind === 'Deployment' || m.kind === 'Job' ? m.spec.template.spec : undefined;
    if (pod) errors.push(...insecurePod(`${m.kind}/${m.metadata.name}`, pod, loosened.writableRoot?.has(m.metadata.name) ?? false));
  }
  return errors;
}

/** The secure defaults every pod keeps: non-root, no escalation, no capabilities, read-only root, no token without a service account. */
function insecurePod(where: string, pod: Manifest, writableRoot: boolean): string[] {
  const errors: string[] = [];
  if (pod.automountServiceAccountToken !== false && pod.serviceAccountName === undefined) errors.push(`${where}: mounts a service account token without a service account`);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) errors.push(`${where}/${c.name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0) errors.push(`${where}/${c.name}: runs as root`);
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${where}/${c.name}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) errors.push(`${where}/${c.name}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${where}/${c.name}: capabilities are not dropped`);
    if (!writableRoot && sc.readOnlyRootFilesystem !== true) errors.push(`${where}/${c.name}: the root filesystem is writable`);
  }
  return errors;
}

/** Deployments of services that asked for a writable root filesystem. */
function writableRoot(services: readonly ServiceDecl[]): Set<string> {
  return new Set(services.filter((s) => s.security?.readOnlyRootFilesystem === false).map((s) => s.name));
}

/**
 * Asserts the valid-declaration property for one construct family: every
 * declaration synthesizes, the output is accepted and secure, and a second
 * synth is byte-identical. Custom resources are validated in one batch at the end.
 */
function assertValid<D>(arb: fc.Arbitrary<D>, numRuns: number, build: (chart: Chart, d: D) => void, loosened: (d: D) => Loosened, namespace = (_d: D): string | undefined => undefined): void {
  const crds: Manifest[] = [];
  fc.assert(fc.property(arb, (d) => {
    const json = synthesizedJson((chart) => build(chart, d), namespace(d));
    const manifests = JSON.parse(json) as Manifest[];
    expect(manifests.length).toBeGreaterThan(0);
    expect(emittedErrors(manifests, crds, loosened(d))).toEqual([]);
    expect(synthesizedJson((chart) => build(chart, d), namespace(d))).toBe(json);
  }), settings(numRuns));
  if (crds.length > 0) expect(crdSchemaErrors(crds)).toEqual([]);
}

const SERVICE_RUNS = 150;
const FRONT_ENVOY_RUNS = 80;
const COLLECTOR_RUNS = 60;
const MESH_RUNS = 60;
const OPERATIONS_RUNS = 40;

describe(`valid declarations synthesize to accepted, secure, deterministic manifests (seed ${SEED})`, () => {
  test(`ObservableService (${runs(SERVICE_RUNS)} cases)`, () => {
    assertValid(fc.tuple(serviceDecl, fc.option(dnsLabel, { nil: undefined })), SERVICE_RUNS,
      (chart, [d]) => buildService(chart, d), ([d]) => ({ writableRoot: writableRoot([d]) }), ([, ns]) => ns);
  });

  test(`FrontEnvoy with its upstream services (${runs(FRONT_ENVOY_RUNS)} cases)`, () => {
    assertValid(frontEnvoyDecl, FRONT_ENVOY_RUNS, (chart, d) => buildFrontEnvoy(chart, d), (d) => ({ writableRoot: writableRoot(d.services) }), () => 'shop');
  });

  test(`OtelCollector (${runs(COLLECTOR_RUNS)} cases)`, () => {
    assertValid(collectorDecl, COLLECTOR_RUNS, (chart, d) => buildCollector(chart, d), () => ({}), () => 'observability');
  });

  test(`Istio mesh resources over mesh services (${runs(MESH_RUNS)} cases)`, () => {
    assertValid(meshDecl, MESH_RUNS, (chart, d) => buildMesh(chart, d), (d) => ({ writableRoot: writableRoot(d.services) }), () => 'shop');
  });

  test(`monitors, dashboard, alerts, load test, mock backend and proxy benchmark (${runs(OPERATIONS_RUNS)} cases)`, () => {
    assertValid(operationsDecl, OPERATIONS_RUNS, (chart, d) => buildOperations(chart, d), (d) => ({ writableRoot: writableRoot(d.services) }), () => 'shop');
  });
});

/**
 * One way to make a valid declaration invalid: the prop the error must name,
 * and the id of the construct that must throw without leaving any object.
 */
interface Mutation<D> {
  readonly name: string;
  readonly prop: string;
  /** The construct (a child of the chart) that must throw; by default the family's own. */
  readonly construct?: (d: D) => string;
  readonly applies?: (d: D) => boolean;
  readonly mutate: (d: D) => D;
}

/**
 * Asserts the invalid-declaration property, for every mutation in turn (so
 * each kind of mistake is tried): building throws a ConfigurationError naming
 * the construct's path, the prop, and a fix; and the construct that threw
 * holds no API object (nothing could be emitted).
 */
function assertRejected<D>(arb: fc.Arbitrary<D>, mutations: ReadonlyArray<Mutation<D>>, runsPerMutation: number, build: (chart: Chart, d: D) => void, construct: (d: D) => string): void {
  mutations.forEach((mutation, i) => {
    fc.assert(fc.property(arb, (valid) => {
      fc.pre(mutation.applies?.(valid) ?? true);
      const d = mutation.mutate(valid);
      const chart = declarationChart(new App(), undefined);
      let error: unknown;
      try {
        build(chart, d);
      } catch (e) {
        error = e;
      }
      if (!(error instanceof ConfigurationError)) throw new Error(`${mutation.name}: expected a ConfigurationError, got ${error === undefined ? 'none' : String(error)}`);
      const id = (mutation.construct ?? construct)(d);
      expect([mutation.name, error.constructPath]).toEqual([mutation.name, `property/${id}`]);
      expect([mutation.name, error.problems.map((p) => p.prop)]).toEqual([mutation.name, expect.arrayContaining([mutation.prop])]);
      for (const line of error.message.split('\n')) expect(line).toMatch(/^property\/\S+: '[^']+' .+\. Fix: .+/);
      const thrower = chart.node.tryFindChild(id);
      expect((thrower?.node.findAll() ?? []).filter((c: Construct) => ApiObject.isApiObject(c))).toEqual([]);
    }), { seed: SEED + i, numRuns: runs(runsPerMutation) });
  });
}

const service = (d: ServiceDecl, patch: Partial<ServiceDecl>): ServiceDecl => ({ ...d, ...patch });
const SERVICE_MUTATIONS: Array<Mutation<ServiceDecl>> = [
  { name: 'port 0', prop: 'port', mutate: (d) => service(d, { port: 0 }) },
  { name: 'port above 65535', prop: 'port', mutate: (d) => service(d, { port: 70000 }) },
  { name: 'fractional port', prop: 'port', mutate: (d) => service(d, { port: 8080.5 }) },
  { name: 'name with capitals and _', prop: 'name', mutate: (d) => service(d, { name: 'Payments_API' }) },
  { name: 'namespace with capitals', prop: 'namespace', mutate: (d) => service(d, { namespace: 'Shop' }) },
  { name: 'image with capitals', prop: 'image', mutate: (d) => service(d, { image: 'Registry/App:1.0' }) },
  { name: 'version with a space', prop: 'version', mutate: (d) => service(d, { version: 'v 1' }) },
  { name: 'partOf with a space', prop: 'partOf', mutate: (d) => service(d, { partOf: 'my shop' }) },
  { name: 'empty component', prop: 'component', mutate: (d) => service(d, { component: '' }) },
  { name: 'zero replicas', prop: 'replicas', mutate: (d) => service(d, { replicas: 0, autoscaling: undefined }) },
  { name: 'replicas and autoscaling', prop: 'replicas', mutate: (d) => service(d, { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } }) },
  { name: 'autoscaling minimum above maximum', prop: 'autoscaling.minReplicas', mutate: (d) => service(d, { replicas: undefined, autoscaling: { minReplicas: 6, maxReplicas: 3 } }) },
  { name: 'autoscaling target 0', prop: 'autoscaling.targetCpuUtilization', mutate: (d) => service(d, { replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 0 } }) },
  { name: 'autoscaling without a maximum', prop: 'autoscaling.maxReplicas', mutate: (d) => service(d, { replicas: undefined, throughput: undefined, autoscaling: { minReplicas: 2 } }) },
  { name: 'normal load above peak', prop: 'throughput.normalRps', mutate: (d) => service(d, { throughput: { normalRps: 500, peakRps: 100, rpsPerPod: 50 } }) },
  { name: 'zero requests per pod', prop: 'throughput.rpsPerPod', mutate: (d) => service(d, { throughput: { normalRps: 100, peakRps: 500, rpsPerPod: 0 } }) },
  { name: 'minAvailable of every pod', prop: 'disruptionBudget.minAvailable', mutate: (d) => service(d, { replicas: 2, autoscaling: undefined, budget: { kind: 'minAvailable', count: 2 } }) },
  { name: 'maxUnavailable 0', prop: 'disruptionBudget.maxUnavailable', mutate: (d) => service(d, { budget: { kind: 'maxUnavailable', count: 0 } }) },
  { name: 'CPU request above limit', prop: 'resources.cpu.request', mutate: (d) => service(d, { resources: { cpu: [2000, 1000], memoryMi: [256, 256] } }) },
  { name: 'fractional millicores', prop: 'resources.cpu.request', mutate: (d) => service(d, { resources: { cpu: [0.5, 1000], memoryMi: [256, 256] } }) },
  { name: 'memory request above limit', prop: 'resources.memory.request', mutate: (d) => service(d, { resources: { cpu: [100, 1000], memoryMi: [512, 256] } }) },
  { name: 'liveness timeout above period', prop: 'health.liveness.timeout', mutate: (d) => service(d, { health: { ...d.health, liveness: { period: 5, timeout: 10, failureThreshold: 3 } } }) },
  { name: 'readiness failure threshold 0', prop: 'health.readiness.failureThreshold', mutate: (d) => service(d, { health: { ...d.health, readiness: { period: 5, timeout: 1, failureThreshold: 0 } } }) },
  { name: 'startup period 0', prop: 'health.startup.period', mutate: (d) => service(d, { health: { ...d.health, startup: { kind: 'probe', maxSeconds: 60, period: 0 } } }) },
  {
    name: 'one endpoint for liveness and readiness', prop: 'health.endpoints',
    mutate: (d) => service(d, { health: { ...d.health, endpoints: d.grpc ? ['health', 'health', ''] : ['/health', '/health', '/healthz'] } }),
  },
  { name: 'relative HTTP health path', prop: 'health.endpoints.live', applies: (d) => !d.grpc, mutate: (d) => service(d, { health: { ...d.health, endpoints: ['live', '/ready', '/healthz'] } }) },
  { name: 'gRPC health service with a space', prop: 'health.endpoints.live', applies: (d) => d.grpc, mutate: (d) => service(d, { health: { ...d.health, endpoints: ['my service', 'readiness', ''] } }) },
  { name: 'health port equal to the service port', prop: 'health.port', mutate: (d) => service(d, { health: { ...d.health, port: d.port } }) },
  { name: 'node group with a space', prop: 'nodeGroup.name', mutate: (d) => service(d, { nodeGroup: { name: 'general purpose' } }) },
  { name: 'node label key with a space', prop: 'nodeGroup.labelKey', mutate: (d) => service(d, { nodeGroup: { name: 'general', labelKey: 'node group' } }) },
  { name: 'root user', prop: 'security.runAsUser', mutate: (d) => service(d, { security: { runAsUser: 0, runAsGroup: 0, readOnlyRootFilesystem: true } }) },
  { name: 'gRPC behind a LoadBalancer', prop: 'serviceType', applies: (d) => d.grpc, mutate: (d) => service(d, { loadBalancer: true }) },
  { name: 'Datadog without env', prop: 'tracing.env', mutate: (d) => service(d, { tracing: { kind: 'datadog', sampling: 10, agent: 'cluster', admissionController: false } }) },
  { name: 'sampling above 100', prop: 'tracing.samplingPercentage', mutate: (d) => service(d, { tracing: { kind: 'otel', host: 'otel.observability.svc.cluster.local', port: 4317, sampling: 150 } }) },
  { name: 'OpenTelemetry without a host', prop: 'tracing', mutate: (d) => service(d, { tracing: { kind: 'otel', host: '', port: 4317, sampling: 10 } }) },
  { name: 'a port the sidecar uses', prop: 'port', mutate: (d) => service(d, { port: 15001, mesh: d.mesh ?? {}, health: { ...d.health, port: undefined } }) },
  { name: 'sidecar concurrency 0', prop: 'mesh.concurrency', mutate: (d) => service(d, { mesh: { ...d.mesh, concurrency: 0 } }) },
  { name: 'sidecar CPU request above limit', prop: 'mesh.sizing.cpuRequestMillis', mutate: (d) => service(d, { mesh: { ...d.mesh, sizing: { kind: 'explicit', cpu: [500, 100], memory: [128, 256] } } }) },
  {
    name: 'a variable the Datadog wiring sets', prop: 'env.DD_LOGS_INJECTION',
    mutate: (d) => service(d, { tracing: { kind: 'datadog', env: 'prod', sampling: 10, agent: 'cluster', admissionController: false }, env: { DD_LOGS_INJECTION: 'false' } }),
  },
  { name: 'a variable name with =', prop: 'env.A=B', mutate: (d) => service(d, { env: { 'A=B': 'x' } }) },
  { name: 'an annotation key with a space', prop: 'serviceAnnotations', mutate: (d) => service(d, { serviceAnnotations: { 'load balancer': 'internal' } }) },
  { name: 'an empty /tmp', prop: 'tmpSize', mutate: (d) => service(d, { tmpMi: 0 }) },
  { name: 'a health path with a space', prop: 'health.endpoints.live', applies: (d) => !d.grpc, mutate: (d) => service(d, { health: { ...d.health, endpoints: ['/li ve', '/ready', '/healthz'] } }) },
  { name: 'an argument with a NUL', prop: 'args[0]', mutate: (d) => service(d, { args: ['--mode\u0000x'] }) },
  { name: 'an OTLP host with a path', prop: 'tracing.host', mutate: (d) => service(d, { tracing: { kind: 'otel', host: 'otel.example.com/v1', port: 4317, sampling: 10 } }) },
  { name: 'an agent port of 0', prop: 'tracing.port', mutate: (d) => service(d, { tracing: { kind: 'otel', host: 'otel.example.com', port: 0, sampling: 10 } }) },
];

const front = (d: FrontEnvoyDecl, patch: Partial<FrontEnvoyDecl>): FrontEnvoyDecl => ({ ...d, ...patch });
const firstRoute = (d: FrontEnvoyDecl, patch: Partial<FrontEnvoyDecl['routes'][number]>): FrontEnvoyDecl => front(d, { routes: [{ ...d.routes[0], ...patch }, ...d.routes.slice(1)] });
const timing = { intervalMs: 5000, timeoutMs: 1000, intervalJitterMs: 500, initialJitterMs: 0, unhealthyThreshold: 3, healthyThreshold: 2, noTrafficIntervalMs: 60000 };
/** The external health path Envoy routes to the first HTTP service reached by a prefix, if any. */
function routedHealthz(d: FrontEnvoyDecl): string | undefined {
  const r = d.routes.find((x) => x.match === 'prefix' && !d.services[x.service].grpc);
  if (!r) return undefined;
  const s = d.services[r.service];
  return `/${s.name}${s.health?.endpoints?.[2] ?? '/healthz'}`;
}
const FRONT_ENVOY_MUTATIONS: Array<Mutation<FrontEnvoyDecl>> = [
  { name: 'no routes', prop: 'routes', mutate: (d) => front(d, { routes: [] }) },
  { name: 'six retries', prop: 'routes[0].retries.numRetries', mutate: (d) => firstRoute(d, { retries: { numRetries: 6 } }) },
  { name: 'per-try timeout above the route timeout', prop: 'routes[0].retries.perTryTimeout', mutate: (d) => firstRoute(d, { timeoutMs: 1000, retries: { numRetries: 2, perTryTimeoutMs: 2000 } }) },
  { name: 'zero route timeout', prop: 'routes[0].timeout', mutate: (d) => firstRoute(d, { timeoutMs: 0 }) },
  { name: 'a retry condition that is no condition', prop: 'routes[0].retries.retryOn', mutate: (d) => firstRoute(d, { retries: { retryOn: ['5XX!'] } }) },
  { name: 'route minimum healthy above 100', prop: 'routes[0].minHealthyPercent', mutate: (d) => firstRoute(d, { minHealthyPercent: 150 }) },
  { name: 'minimum healthy above 100', prop: 'healthCheck.minHealthyPercent', mutate: (d) => front(d, { minHealthyPercent: 101 }) },
  { name: 'a repeated route', prop: 'routes[1]', mutate: (d) => front(d, { routes: [d.routes[0], d.routes[0], ...d.routes.slice(1)] }) },
  { name: 'a catch-all before the other routes', prop: 'routes[1]', mutate: (d) => front(d, { routes: [{ service: 0, match: 'root' }, ...d.routes] }) },
  { name: 'Envoy answering /healthz', prop: 'healthCheck.path', mutate: (d) => front(d, { healthPath: '/healthz' }) },
  { name: "Envoy answering a routed application's health path", prop: 'healthCheck.path', applies: (d) => routedHealthz(d) !== undefined, mutate: (d) => front(d, { healthPath: routedHealthz(d) }) },
  { name: 'a relative health path', prop: 'healthCheck.path', mutate: (d) => front(d, { healthPath: '_envoy/health' }) },
  { name: 'a health path with a query', prop: 'healthCheck.path', mutate: (d) => front(d, { healthPath: '/_lb?full=1' }) },
  { name: 'listener and admin on one port', prop: 'listenerPort', mutate: (d) => front(d, { ports: [8080, 8080, 9902] }) },
  { name: 'listener port 0', prop: 'listenerPort', mutate: (d) => front(d, { ports: [0, 9901, 9902] }) },
  { name: 'health check timeout above interval', prop: 'upstreamHealthCheck.timeout', mutate: (d) => front(d, { upstreamHealthCheck: { ...timing, timeoutMs: 6000 } }) },
  { name: 'jitter as long as the interval', prop: 'upstreamHealthCheck.intervalJitter', mutate: (d) => front(d, { upstreamHealthCheck: { ...timing, intervalJitterMs: 5000 } }) },
  { name: 'unhealthy threshold 0', prop: 'upstreamHealthCheck.unhealthyThreshold', mutate: (d) => front(d, { upstreamHealthCheck: { ...timing, unhealthyThreshold: 0 } }) },
  { name: 'the Datadog agent on the host IP', prop: 'tracing.agent', mutate: (d) => front(d, { tracing: { kind: 'datadog', env: 'prod', sampling: 10, agent: 'host', admissionController: false } }) },
  { name: 'proxy sampling above 100', prop: 'tracing.samplingPercentage', mutate: (d) => front(d, { tracing: { kind: 'otel', host: 'otel.observability.svc.cluster.local', port: 4317, sampling: 101 } }) },
  {
    name: 'a Datadog proxy before an OpenTelemetry service', prop: 'routes[0].service',
    mutate: (d) => front(d, {
      tracing: { kind: 'datadog', env: 'prod', sampling: 10, agent: 'cluster', admissionController: false },
      services: [{ ...d.services[0], tracing: { kind: 'otel', host: 'otel.observability.svc.cluster.local', port: 4317, sampling: 10 } }, ...d.services.slice(1)],
    }),
  },
  {
    name: "a routed service with the proxy's own name and namespace", prop: 'routes[0].service',
    mutate: (d) => front(d, { name: d.services[d.routes[0].service].name, services: d.services.map((s, i) => (i === d.routes[0].service ? { ...s, namespace: undefined } : s)) }),
  },
  { name: 'negative circuit breaker', prop: 'circuitBreakers.maxConnections', mutate: (d) => front(d, { circuitBreakers: { maxConnections: -1 } }) },
  { name: 'ejection above 100 %', prop: 'outlierDetection.maxEjectionPercent', mutate: (d) => front(d, { outlierDetection: { maxEjectionPercent: 101 } }) },
  { name: 'zero ejection interval', prop: 'outlierDetection.intervalMs', mutate: (d) => front(d, { outlierDetection: { intervalMs: 0 } }) },
  { name: 'negative trusted hops', prop: 'loadBalancer.hops', mutate: (d) => front(d, { loadBalancer: { kind: 'l7', hops: -1 } }) },
  { name: 'a name with capitals', prop: 'name', mutate: (d) => front(d, { name: 'Front_Door' }) },
  { name: 'zero replicas', prop: 'replicas', mutate: (d) => front(d, { replicas: 0 }) },
  { name: 'CPU request above limit', prop: 'resources.cpu.request', mutate: (d) => front(d, { cpu: [2000, 1000] }) },
];

const collector = (d: CollectorDecl, patch: Partial<CollectorDecl>): CollectorDecl => ({ ...d, ...patch });
const COLLECTOR_MUTATIONS: Array<Mutation<CollectorDecl>> = [
  { name: 'no exporters', prop: 'exporters', mutate: (d) => collector(d, { exporters: [] }) },
  { name: 'an exporter twice', prop: 'exporters', mutate: (d) => collector(d, { exporters: [...d.exporters, d.exporters[0]] }) },
  { name: 'no signals', prop: 'signals', mutate: (d) => collector(d, { signals: [] }) },
  { name: 'a signal twice', prop: 'signals', mutate: (d) => collector(d, { signals: [Signal.TRACES, Signal.TRACES] }) },
  { name: 'zero replicas', prop: 'replicas', mutate: (d) => collector(d, { replicas: 0, autoscaling: undefined }) },
  { name: 'autoscaling minimum above maximum', prop: 'autoscaling.minReplicas', mutate: (d) => collector(d, { autoscaling: [5, 2] }) },
  { name: 'memory request above limit', prop: 'resources.memory.request', mutate: (d) => collector(d, { memoryMi: [1024, 512] }) },
  { name: 'a name with capitals', prop: 'name', mutate: (d) => collector(d, { name: 'Otel' }) },
  { name: 'a node group with a space', prop: 'nodeGroup.name', mutate: (d) => collector(d, { nodeGroup: 'general purpose' }) },
  { name: 'an Elastic APM host with a scheme', prop: 'exporters[0].host', mutate: (d) => collector(d, { exporters: [{ kind: 'elastic', host: 'https://apm.example.com' }] }) },
  { name: 'an OTLP endpoint with a space', prop: 'exporters[0].endpoint', mutate: (d) => collector(d, { exporters: [{ kind: 'otlp', name: 'tempo', endpoint: 'tempo example:4317', bearer: false }] }) },
  {
    name: 'an OTLP endpoint the collector would expand', prop: 'exporters[0].endpoint',
    mutate: (d) => collector(d, { exporters: [{ kind: 'otlp', name: 'tempo', protocol: OtlpProtocol.HTTP, endpoint: 'https://otlp.example.com/${file:/etc/passwd}', bearer: false }] }),
  },
];

const MESH_MUTATIONS: Array<Mutation<MeshDecl>> = [
  { name: 'an egress host without a namespace', prop: 'extraHosts[0]', construct: () => 'sidecar', mutate: (d) => ({ ...d, sidecar: { service: 0, dependsOn: [], extraHosts: ['api.example.com'] } }) },
  { name: 'a partial wildcard egress host', prop: 'extraHosts[0]', construct: () => 'sidecar', mutate: (d) => ({ ...d, sidecar: { service: 0, dependsOn: [], extraHosts: ['*/a*.example.com'] } }) },
  { name: 'a service depending on itself', prop: 'dependsOn', construct: () => 'sidecar', mutate: (d) => ({ ...d, sidecar: { service: 0, dependsOn: [0], extraHosts: [] } }) },
  { name: 'zero connections', prop: 'connectionPool.maxConnections', construct: () => 'destination-rule', mutate: (d) => ({ ...d, destinationRule: { service: 0, connectionPool: { maxConnections: 0 } } }) },
  { name: 'zero connect timeout', prop: 'connectionPool.connectTimeout', construct: () => 'destination-rule', mutate: (d) => ({ ...d, destinationRule: { service: 0, connectionPool: { connectTimeoutMs: 0 } } }) },
  { name: 'ejection above 100 %', prop: 'outlierDetection.maxEjectionPercent', construct: () => 'destination-rule', mutate: (d) => ({ ...d, destinationRule: { service: 0, outlierDetection: { maxEjectionPercent: 101 } } }) },
  { name: 'zero errors to eject', prop: 'outlierDetection.consecutive5xxErrors', construct: () => 'destination-rule', mutate: (d) => ({ ...d, destinationRule: { service: 0, outlierDetection: { consecutive5xxErrors: 0 } } }) },
  { name: 'zero ejection interval', prop: 'outlierDetection.interval', construct: () => 'destination-rule', mutate: (d) => ({ ...d, destinationRule: { service: 0, outlierDetection: { intervalMs: 0 } } }) },
  { name: 'mesh sampling above 100', prop: 'tracing.samplingPercentage', construct: () => 'telemetry', mutate: (d) => ({ ...d, telemetry: { tracing: { kind: 'otel', host: 'otel.observability.svc.cluster.local', port: 4317, sampling: 101 } } }) },
  { name: 'mesh tracing to a socket', prop: 'tracing', construct: () => 'telemetry', mutate: (d) => ({ ...d, telemetry: { tracing: { kind: 'datadog', env: 'prod', sampling: 10, agent: 'socket', admissionController: false } } }) },
];

const ops = (d: OperationsDecl, patch: Partial<OperationsDecl>): OperationsDecl => ({ ...d, ...patch });
const load = (d: OperationsDecl, patch: Partial<OperationsDecl['load']>): OperationsDecl => ops(d, { load: { ...d.load, ...patch } });
const mock = (d: OperationsDecl, route: Partial<OperationsDecl['mock']['routes'][number]>, patch: Partial<OperationsDecl['mock']> = {}): OperationsDecl =>
  ops(d, { mock: { ...d.mock, ...patch, routes: [{ ...d.mock.routes[0], ...route }, ...d.mock.routes.slice(1)] } });
const OPERATIONS_MUTATIONS: Array<Mutation<OperationsDecl>> = [
  { name: 'a handle without @', prop: 'notify[0]', construct: () => 'monitors', mutate: (d) => ops(d, { notify: ['slack-oncall'] }) },
  { name: 'an env that is no tag', prop: 'env', construct: () => 'monitors', mutate: (d) => ops(d, { env: 'Prod Env' }) },
  { name: 'a handle with a newline', prop: 'notify[0]', construct: () => 'monitors', mutate: (d) => ops(d, { notify: ['@slack-oncall\n@pagerduty-all'] }) },
  { name: 'a tag with a comma', prop: 'tags[0]', construct: () => 'monitors', mutate: (d) => ops(d, { tags: ['team:a,env:b'] }) },
  { name: 'a header value with a line break', prop: 'headers.X-Test', construct: () => 'load', mutate: (d) => load(d, { headers: { 'X-Test': 'a\r\nX-Admin: 1' } }) },
  { name: 'a target path with a space', prop: 'target.path', construct: () => 'load', applies: (d) => !d.services[0].grpc, mutate: (d) => load(d, { target: { service: 0, path: '/v1/a b' } }) },
  { name: 'a mock path nginx reads as syntax', prop: 'routes[0].path', construct: () => 'mock', mutate: (d) => mock(d, { path: '/v1/a;b' }) },
  { name: 'a mock body longer than nginx reads', prop: 'routes[0].body', construct: () => 'mock', mutate: (d) => mock(d, { body: 'x'.repeat(5000) }) },
  { name: 'a zero critical level', prop: 'errorRate.critical', construct: () => 'monitors', mutate: (d) => ops(d, { errorRate: { critical: 0 } }) },
  { name: 'warning above critical', prop: 'latencyP99Seconds.warning', construct: () => 'monitors', mutate: (d) => ops(d, { latency: { critical: 1, warning: 2 } }) },
  { name: 'a watched service without a sidecar', prop: 'services[0]', construct: () => 'monitors', mutate: (d) => ops(d, { services: [{ ...d.services[0], mesh: undefined }, ...d.services.slice(1)] }) },
  { name: 'an empty dashboard title', prop: 'title', construct: () => 'dashboard', mutate: (d) => ops(d, { dashboardTitle: '  ' }) },
  { name: 'a rule label that is no label', prop: 'ruleLabels', construct: () => 'alerts', mutate: (d) => ops(d, { ruleLabels: { 'team name': 'payments' } }) },
  { name: 'negative rate', prop: 'qps', construct: () => 'load', mutate: (d) => load(d, { qps: -1 }) },
  { name: 'zero connections', prop: 'connections', construct: () => 'load', mutate: (d) => load(d, { connections: 0 }) },
  { name: 'zero duration', prop: 'duration', construct: () => 'load', mutate: (d) => load(d, { durationSeconds: 0 }) },
  { name: 'payload over 256 KiB', prop: 'payloadSize', construct: () => 'load', mutate: (d) => load(d, { payloadSize: 300 * 1024 }) },
  { name: 'a header name with a space', prop: 'headers.Bad Header', construct: () => 'load', mutate: (d) => load(d, { headers: { 'Bad Header': 'x' } }) },
  { name: 'the 100th percentile', prop: 'percentiles', construct: () => 'load', mutate: (d) => load(d, { percentiles: [50, 100] }) },
  { name: 'a URL that is not http', prop: 'target.url', construct: () => 'load', mutate: (d) => load(d, { target: { url: 'ftp://files.example.com/' } }) },
  { name: 'a relative target path', prop: 'target.path', construct: () => 'load', applies: (d) => !d.services[0].grpc, mutate: (d) => load(d, { target: { service: 0, path: 'v1/ping' } }) },
  { name: 'a privileged mock port', prop: 'port', construct: () => 'mock', mutate: (d) => mock(d, {}, { port: 80 }) },
  { name: "mocking the mock's probe path", prop: 'routes[0].path', construct: () => 'mock', mutate: (d) => mock(d, { path: '/live' }) },
  { name: 'status 99', prop: 'routes[0].status', construct: () => 'mock', mutate: (d) => mock(d, { status: 99 }) },
  { name: 'a body with $', prop: 'routes[0].body', construct: () => 'mock', mutate: (d) => mock(d, { body: '{"price": "$5"}' }) },
  { name: 'zero benchmark connections', prop: 'connections', construct: () => 'benchmark', mutate: (d) => ops(d, { benchmark: { connections: 0 } }) },
];

/** Cases per kind of mistake. */
const INVALID_RUNS = { service: 8, frontEnvoy: 8, collector: 8, mesh: 8, operations: 5 };

describe(`invalid declarations throw a clear error naming the prop and emit nothing (seed ${SEED})`, () => {
  const cases = (mutations: readonly unknown[], perMutation: number) => `${mutations.length} kinds of mistake × ${runs(perMutation)} = ${mutations.length * runs(perMutation)} cases`;

  test(`ObservableService: ${cases(SERVICE_MUTATIONS, INVALID_RUNS.service)}`, () => {
    assertRejected(serviceDecl, SERVICE_MUTATIONS, INVALID_RUNS.service, (chart, d) => buildService(chart, d), (d) => d.name);
  });

  test(`FrontEnvoy: ${cases(FRONT_ENVOY_MUTATIONS, INVALID_RUNS.frontEnvoy)}`, () => {
    assertRejected(frontEnvoyDecl, FRONT_ENVOY_MUTATIONS, INVALID_RUNS.frontEnvoy, (chart, d) => buildFrontEnvoy(chart, d), () => 'front');
  });

  test(`OtelCollector: ${cases(COLLECTOR_MUTATIONS, INVALID_RUNS.collector)}`, () => {
    assertRejected(collectorDecl, COLLECTOR_MUTATIONS, INVALID_RUNS.collector, (chart, d) => buildCollector(chart, d), () => 'otel');
  });

  test(`Istio mesh resources: ${cases(MESH_MUTATIONS, INVALID_RUNS.mesh)}`, () => {
    assertRejected(meshDecl, MESH_MUTATIONS, INVALID_RUNS.mesh, (chart, d) => buildMesh(chart, d), () => 'sidecar');
  });

  test(`monitoring and load tests: ${cases(OPERATIONS_MUTATIONS, INVALID_RUNS.operations)}`, () => {
    assertRejected(operationsDecl, OPERATIONS_MUTATIONS, INVALID_RUNS.operations, (chart, d) => buildOperations(chart, d), () => 'monitors');
  });
});
