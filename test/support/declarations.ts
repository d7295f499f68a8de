/**
 * Random declarations for the property-based tests: plain data (so that
 * fast-check prints a failing case readably and shrinks it), arbitraries that
 * generate only declarations the library must accept, the builders that turn
 * a declaration into constructs, and mutations that make a valid declaration
 * invalid in one known prop.
 */
import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { Construct } from 'constructs';
import { DatadogAgent, DatadogMonitors, DatadogServiceDashboard, DisruptionBudget, FrontEnvoy, FrontLoadBalancer, IpFamily, ISTIO_1_10_MODEL, LoadTest, MeshDestinationRule, MeshPeerAuthentication, MeshSidecarScope, MeshTelemetry, MockBackend, NodeGroup, ObservableService, OtelCollector, OtelExporter, OtlpProtocol, PrometheusAlerts, Protocol, ProxyBenchmark, SidecarSizing, Signal, SpreadMode, Startup, TopologySpread, Tracing } from '../../lib';
import { ISTIO_RESERVED_PORTS } from '../../lib/istio/sidecar';

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** A DNS-1035 label, short enough to leave room for suffixes. */
export const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,14}[A-Za-z0-9])?$/);
const semver = fc.tuple(fc.nat(20), fc.nat(40), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`);
const image = fc.oneof(
  fc.tuple(fc.constantFrom('registry.example.com/team', 'ghcr.io/acme', 'localhost:5000/lab', ''), dnsLabel, semver)
    .map(([repo, name, tag]) => `${repo ? `${repo}/` : ''}${name}:${tag}`),
  fc.tuple(dnsLabel, fc.stringMatching(/^[0-9a-f]{64}$/)).map(([name, digest]) => `registry.example.com/${name}@sha256:${digest}`),
);
const port = fc.integer({ min: 1, max: 65535 });
const meshPort = port.filter((p) => !ISTIO_RESERVED_PORTS.includes(p));
const httpPath = fc.stringMatching(/^\/[a-z0-9][a-z0-9/-]{0,12}$/);
const grpcServiceName = fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z][a-zA-Z0-9.]{0,20}$/));
const percent = fc.integer({ min: 0, max: 100 });
const hostName = fc.tuple(dnsLabel, dnsLabel).map(([a, b]) => `${a}.${b}.svc.cluster.local`);
/** Two ordered numbers: a request and a limit. */
const ordered = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

// ---------------------------------------------------------------------------
// Tracing

export type TracingDecl =
  | { readonly kind: 'datadog'; readonly env?: string; readonly sampling: number; readonly agent: 'cluster' | 'host' | 'socket'; readonly admissionController: boolean }
  | { readonly kind: 'otel'; readonly host: string; readonly port: number; readonly sampling: number; readonly env?: string };

const datadogTracing = (agents: Array<'cluster' | 'host' | 'socket'>) => fc.record({
  kind: fc.constant('datadog' as const), env: labelValue, sampling: percent, agent: fc.constantFrom(...agents), admissionController: fc.boolean(),
});
const otelTracing = fc.record({ kind: fc.constant('otel' as const), host: hostName, port, sampling: percent, env: opt(labelValue) });
const tracingDecl = fc.oneof(datadogTracing(['cluster', 'host', 'socket']), otelTracing);

export function buildTracing(t: TracingDecl): Tracing {
  if (t.kind === 'otel') return Tracing.openTelemetry({ host: t.host, port: t.port, samplingPercentage: t.sampling, env: t.env });
  const agent = t.agent === 'cluster' ? DatadogAgent.clusterService() : t.agent === 'host' ? DatadogAgent.hostIp() : DatadogAgent.unixSocket();
  return Tracing.datadog({ env: t.env, samplingPercentage: t.sampling, agent, admissionController: t.admissionController });
}

// ---------------------------------------------------------------------------
// ObservableService

export interface ServiceDecl {
  readonly name: string;
  readonly namespace?: string;
  readonly image: string;
  readonly port: number;
  readonly grpc: boolean;
  readonly version?: string;
  readonly partOf?: string;
  readonly component?: string;
  readonly replicas?: number;
  readonly autoscaling?: { readonly minReplicas?: number; readonly maxReplicas?: number; readonly targetCpuUtilization?: number };
  readonly throughput?: { readonly normalRps: number; readonly peakRps: number; readonly rpsPerPod: number };
  readonly budget?: { readonly kind: 'maxUnavailable' | 'minAvailable' | 'none'; readonly count: number };
  readonly resources?: { readonly cpu: readonly [number, number]; readonly memoryMi: readonly [number, number] };
  readonly health?: {
    readonly endpoints?: readonly [string, string, string];
    readonly liveness?: { readonly period: number; readonly timeout: number; readonly failureThreshold: number };
    readonly readiness?: { readonly period: number; readonly timeout: number; readonly failureThreshold: number };
    readonly startup?: { readonly kind: 'probe'; readonly maxSeconds: number; readonly period: number } | { readonly kind: 'delay'; readonly seconds: number };
    readonly port?: number;
  };
  readonly nodeGroup?: { readonly name: string; readonly labelKey?: string };
  readonly spread?: 'none' | 'required' | 'hosts';
  readonly security?: { readonly runAsUser: number; readonly runAsGroup: number; readonly readOnlyRootFilesystem: boolean };
  readonly loadBalancer?: boolean;
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly serviceAccount?: string;
  readonly tmpMi?: number;
  readonly tracing?: TracingDecl;
  readonly mesh?: {
    readonly sizing?: { readonly kind: 'model110' } | { readonly kind: 'measured'; readonly cpu: number; readonly memory: number; readonly headroom: number }
      | { readonly kind: 'explicit'; readonly cpu: readonly [number, number]; readonly memory: readonly [number, number] };
    readonly concurrency?: number;
    readonly holdApplicationUntilProxyStarts?: boolean;
    readonly mergeMetrics?: boolean;
  };
}

const timing = fc.integer({ min: 1, max: 60 }).chain((period) => fc.record({
  period: fc.constant(period), timeout: fc.integer({ min: 1, max: period }), failureThreshold: fc.integer({ min: 1, max: 10 }),
}));
const throughputDecl = fc.tuple(fc.integer({ min: 1, max: 20000 }), fc.nat(20000), fc.integer({ min: 1, max: 5000 }))
  .map(([normalRps, extra, rpsPerPod]) => ({ normalRps, peakRps: normalRps + extra, rpsPerPod }));
/** Environment names the tracing wiring never sets. */
const envName = fc.stringMatching(/^APP_[A-Z0-9_]{1,12}$/);
const annotationKey = fc.tuple(fc.constantFrom('', 'example.com/', 'service.beta.kubernetes.io/'), fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?$/))
  .map(([prefix, name]) => `${prefix}${name}`);

const makeServiceFields = (grpc: boolean, mesh: boolean) => fc.record({
  name: dnsLabel,
  namespace: opt(dnsLabel),
  image,
  port: mesh ? meshPort : port,
  grpc: fc.constant(grpc),
  version: opt(labelValue),
  partOf: opt(labelValue),
  component: opt(labelValue),
  scaling: fc.oneof(
    fc.record({ replicas: opt(fc.integer({ min: 1, max: 20 })) }),
    // An explicit maximum comes with an explicit minimum (the default minimum could exceed it).
    ordered(1, 30).map(([minReplicas, maxReplicas]) => ({ autoscaling: { minReplicas, maxReplicas, targetCpuUtilization: undefined as number | undefined } })),
    fc.integer({ min: 1, max: 100 }).map((target) => ({ autoscaling: { targetCpuUtilization: target } as { minReplicas?: number; maxReplicas?: number; targetCpuUtilization?: number } })),
  ),
  throughput: opt(throughputDecl),
  budget: opt(fc.record({ kind: fc.constantFrom('maxUnavailable' as const, 'minAvailable' as const, 'none' as const), count: fc.integer({ min: 1, max: 3 }) })),
  resources: opt(fc.record({ cpu: ordered(1, 8000), memoryMi: ordered(1, 16384) })),
  health: opt(fc.record({
    endpoints: opt(fc.uniqueArray(grpc ? grpcServiceName : httpPath, { minLength: 3, maxLength: 3 }).map((e) => e as unknown as readonly [string, string, string])),
    liveness: opt(timing),
    readiness: opt(timing),
    startup: opt(fc.oneof(
      fc.record({ kind: fc.constant('probe' as const), maxSeconds: fc.integer({ min: 1, max: 900 }), period: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant('delay' as const), seconds: fc.integer({ min: 0, max: 300 }) }),
    )),
    port: opt(mesh ? meshPort : port),
  })),
  nodeGroup: opt(fc.record({ name: labelValue, labelKey: opt(fc.constantFrom('eks.amazonaws.com/nodegroup', 'cloud.google.com/gke-nodepool', 'pool')) })),
  spread: opt(fc.constantFrom('none' as const, 'required' as const, 'hosts' as const)),
  security: opt(fc.record({ runAsUser: fc.integer({ min: 1, max: 2 ** 31 - 1 }), runAsGroup: fc.integer({ min: 0, max: 2 ** 31 - 1 }), readOnlyRootFilesystem: fc.boolean() })),
  loadBalancer: grpc ? fc.constant(undefined) : opt(fc.boolean()),
  serviceAnnotations: opt(fc.dictionary(annotationKey, fc.string({ maxLength: 20 }), { maxKeys: 3 })),
  env: opt(fc.dictionary(envName, fc.string({ maxLength: 20 }), { maxKeys: 4 })),
  command: opt(fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 })),
  args: opt(fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 })),
  serviceAccount: opt(dnsLabel),
  tmpMi: opt(fc.integer({ min: 1, max: 4096 })),
  tracing: opt(tracingDecl),
  mesh: mesh ? fc.record({
    sizing: opt(fc.oneof(
      fc.constant({ kind: 'model110' as const }),
      fc.record({ kind: fc.constant('measured' as const), cpu: fc.integer({ min: 1, max: 2000 }), memory: fc.integer({ min: 1, max: 500 }), headroom: fc.constantFrom(1, 1.2, 1.5, 2) }),
      fc.record({ kind: fc.constant('explicit' as const), cpu: ordered(1, 4000), memory: ordered(1, 4096) }),
    )),
    concurrency: opt(fc.integer({ min: 1, max: 16 })),
    holdApplicationUntilProxyStarts: opt(fc.boolean()),
    mergeMetrics: opt(fc.boolean()),
  }) : fc.constant(undefined),
}).map(({ scaling, ...rest }): ServiceDecl => {
  let decl: ServiceDecl = { ...rest, ...scaling };
  // A health port must differ from the service port.
  if (decl.health?.port === decl.port) decl = { ...decl, health: { ...decl.health, port: undefined } };
  // Autoscaling needs a maximum: given, or computed from the throughput.
  if (decl.autoscaling && decl.autoscaling.maxReplicas === undefined && !decl.throughput) decl = { ...decl, autoscaling: { ...decl.autoscaling, maxReplicas: 10 + (decl.autoscaling.minReplicas ?? 0) } };
  // minAvailable must leave a pod to evict: a count of one, with at least two pods.
  if (decl.budget?.kind === 'minAvailable') {
    decl = { ...decl, budget: { kind: 'minAvailable', count: 1 } };
    if (decl.replicas === 1) decl = { ...decl, replicas: 2 };
    if (decl.autoscaling?.minReplicas === 1) decl = { ...decl, autoscaling: { ...decl.autoscaling, minReplicas: 2, maxReplicas: Math.max(2, decl.autoscaling.maxReplicas ?? 2) } };
  }
  return decl;
});

/**
 * The four service arbitraries, made once: building one parses its regular
 * expressions, which a `chain` would otherwise do for every value it draws.
 */
const SERVICE_FIELDS = new Map([false, true].flatMap((grpc) => [false, true].map((mesh) => [`${grpc}/${mesh}`, makeServiceFields(grpc, mesh)] as const)));
const serviceFields = (grpc: boolean, mesh: boolean) => SERVICE_FIELDS.get(`${grpc}/${mesh}`)!;

/** A valid ObservableService declaration: HTTP or gRPC, in the mesh or not. */
export const serviceDecl = fc.tuple(fc.boolean(), fc.boolean()).chain(([grpc, mesh]) => serviceFields(grpc, mesh));

export function buildService(scope: Construct, d: ServiceDecl, id: string = d.name): ObservableService {
  const spread = d.spread === 'none' ? TopologySpread.none() : d.spread === 'required' ? TopologySpread.acrossHostsAndZones(SpreadMode.REQUIRED)
    : d.spread === 'hosts' ? TopologySpread.across(['kubernetes.io/hostname']) : undefined;
  const budget = d.budget === undefined ? undefined : d.budget.kind === 'none' ? DisruptionBudget.none()
    : d.budget.kind === 'minAvailable' ? DisruptionBudget.minAvailable(d.budget.count) : DisruptionBudget.maxUnavailable(d.budget.count);
  const startup = d.health?.startup === undefined ? undefined : d.health.startup.kind === 'delay' ? Startup.initialDelay(Duration.seconds(d.health.startup.seconds))
    : Startup.probe({ maxStartupTime: Duration.seconds(d.health.startup.maxSeconds), period: Duration.seconds(d.health.startup.period) });
  const probeTiming = (t?: { period: number; timeout: number; failureThreshold: number }) => t && { period: Duration.seconds(t.period), timeout: Duration.seconds(t.timeout), failureThreshold: t.failureThreshold };
  const sizing = d.mesh?.sizing;
  return new ObservableService(scope, id, {
    name: d.name,
    namespace: d.namespace,
    image: d.image,
    port: d.port,
    protocol: d.grpc ? Protocol.GRPC : Protocol.HTTP,
    version: d.version,
    partOf: d.partOf,
    component: d.component,
    replicas: d.replicas,
    autoscaling: d.autoscaling,
    throughput: d.throughput,
    disruptionBudget: budget,
    resources: d.resources && {
      cpu: { request: kplus.Cpu.millis(d.resources.cpu[0]), limit: kplus.Cpu.millis(d.resources.cpu[1]) },
      memory: { request: Size.mebibytes(d.resources.memoryMi[0]), limit: Size.mebibytes(d.resources.memoryMi[1]) },
    },
    health: d.health && {
      endpoints: d.health.endpoints && { live: d.health.endpoints[0], ready: d.health.endpoints[1], healthz: d.health.endpoints[2] },
      liveness: probeTiming(d.health.liveness),
      readiness: probeTiming(d.health.readiness),
      startup,
      port: d.health.port,
    },
    nodeGroup: d.nodeGroup && NodeGroup.named(d.nodeGroup.name, d.nodeGroup.labelKey),
    topologySpread: spread,
    security: d.security,
    serviceType: d.loadBalancer ? kplus.ServiceType.LOAD_BALANCER : undefined,
    serviceAnnotations: d.serviceAnnotations,
    env: d.env && Object.fromEntries(Object.entries(d.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
    command: d.command && [...d.command],
    args: d.args && [...d.args],
    serviceAccount: d.serviceAccount === undefined ? undefined : kplus.ServiceAccount.fromServiceAccountName(scope, `${id}-sa`, d.serviceAccount),
    tmpSize: d.tmpMi === undefined ? undefined : Size.mebibytes(d.tmpMi),
    tracing: d.tracing && buildTracing(d.tracing),
    mesh: d.mesh && {
      sizing: sizing === undefined ? undefined : sizing.kind === 'model110' ? SidecarSizing.fromModel(ISTIO_1_10_MODEL)
        : sizing.kind === 'measured' ? SidecarSizing.measured({ cpuMillisPer1000Rps: sizing.cpu, memoryMiBPer1000Rps: sizing.memory, source: 'property test' }, { headroom: sizing.headroom })
          : SidecarSizing.explicit({ cpuRequestMillis: sizing.cpu[0], cpuLimitMillis: sizing.cpu[1], memoryRequestMiB: sizing.memory[0], memoryLimitMiB: sizing.memory[1] }),
      concurrency: d.mesh.concurrency,
      holdApplicationUntilProxyStarts: d.mesh.holdApplicationUntilProxyStarts,
      mergeMetrics: d.mesh.mergeMetrics,
    },
  });
}

/** Services with distinct names (object names must not collide), as a FrontEnvoy or the mesh resources take them. */
const distinctServices = (min: number, max: number, service: fc.Arbitrary<ServiceDecl> = serviceDecl) =>
  fc.uniqueArray(service, { minLength: min, maxLength: max, selector: (s) => s.name });

// ---------------------------------------------------------------------------
// FrontEnvoy

const RETRY_CONDITIONS = ['5xx', 'gateway-error', 'reset', 'connect-failure', 'retriable-4xx', 'refused-stream', 'unavailable', 'cancelled', 'deadline-exceeded', 'resource-exhausted'];

export interface RouteDecl {
  readonly service: number;
  /** 'root' (a catch-all '/') only appears in mutations: it shadows every later route. */
  readonly match: 'prefix' | 'path' | 'versioned' | 'root';
  readonly timeoutMs?: number;
  readonly retries?: { readonly numRetries?: number; readonly retryOn?: readonly string[]; readonly perTryTimeoutMs?: number };
  readonly minHealthyPercent?: number;
}

export interface FrontEnvoyDecl {
  readonly services: readonly ServiceDecl[];
  readonly routes: readonly RouteDecl[];
  readonly name?: string;
  readonly tracing?: TracingDecl;
  readonly healthPath?: string;
  readonly minHealthyPercent?: number;
  readonly upstreamHealthCheck?: { readonly intervalMs: number; readonly timeoutMs: number; readonly intervalJitterMs: number; readonly initialJitterMs: number;
    readonly unhealthyThreshold: number; readonly healthyThreshold: number; readonly noTrafficIntervalMs: number };
  readonly outlierDetection?: { readonly consecutive5xx?: number; readonly intervalMs?: number; readonly baseEjectionTimeMs?: number; readonly maxEjectionPercent?: number };
  readonly circuitBreakers?: { readonly maxConnections?: number; readonly maxPendingRequests?: number; readonly maxRequests?: number; readonly maxRetries?: number };
  readonly ports?: readonly [number, number, number];
  readonly replicas?: number;
  readonly cpu?: readonly [number, number];
  readonly loadBalancer?: { readonly kind: 'none' | 'nlb' | 'l4' | 'l7'; readonly hops?: number; readonly internetFacing?: boolean };
  readonly clientSampling?: number;
  readonly ipFamily?: 'IPv4' | 'IPv6' | 'DualStack';
  readonly drain?: { readonly deregistrationSeconds: number; readonly drainSeconds: number };
  readonly compactConfig?: boolean;
}

const routeTail = fc.record({
  timeoutMs: opt(fc.integer({ min: 1, max: 120000 })),
  retries: opt(fc.record({
    numRetries: opt(fc.integer({ min: 0, max: 5 })),
    retryOn: opt(fc.subarray(RETRY_CONDITIONS, { minLength: 1 })),
    perTryTimeoutMs: opt(fc.integer({ min: 1, max: 120000 })),
  })),
});

/**
 * A valid FrontEnvoy over one to five services: a prefix or exact route per
 * service (and sometimes a second, versioned prefix), with the tracing the
 * services can follow (a Datadog proxy in front of Datadog or untraced services).
 */
export const frontEnvoyDecl: fc.Arbitrary<FrontEnvoyDecl> = fc.tuple(
  fc.oneof(fc.constant(undefined), datadogTracing(['cluster']), otelTracing),
  fc.boolean(),
).chain(([tracing, datadogServices]) => {
  // Behind a Datadog proxy, a service must read Datadog headers.
  const service = tracing?.kind === 'datadog' || datadogServices
    ? serviceDecl.map((s) => (s.tracing?.kind === 'otel' ? { ...s, tracing: undefined } : s))
    : serviceDecl;
  return fc.record({
    services: distinctServices(1, 5, service),
    tracing: fc.constant(tracing),
    name: opt(dnsLabel),
    healthPath: opt(fc.constantFrom('/_envoy/health', '/_lb/ping', '/_front/ready')),
    minHealthyPercent: opt(percent),
    upstreamHealthCheck: opt(fc.integer({ min: 2, max: 60000 }).chain((intervalMs) => fc.record({
      intervalMs: fc.constant(intervalMs),
      timeoutMs: fc.integer({ min: 1, max: intervalMs }),
      intervalJitterMs: fc.integer({ min: 0, max: intervalMs - 1 }),
      initialJitterMs: fc.integer({ min: 0, max: 10000 }),
      unhealthyThreshold: fc.integer({ min: 1, max: 10 }),
      healthyThreshold: fc.integer({ min: 1, max: 10 }),
      noTrafficIntervalMs: fc.integer({ min: 1, max: 300000 }),
    }))),
    outlierDetection: opt(fc.record({
      consecutive5xx: opt(fc.integer({ min: 0, max: 100 })), intervalMs: opt(fc.integer({ min: 1, max: 600000 })),
      baseEjectionTimeMs: opt(fc.integer({ min: 1, max: 600000 })), maxEjectionPercent: opt(percent),
    })),
    circuitBreakers: opt(fc.record({
      maxConnections: opt(fc.nat(100000)), maxPendingRequests: opt(fc.nat(100000)), maxRequests: opt(fc.nat(100000)), maxRetries: opt(fc.nat(100)),
    })),
    ports: opt(fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 3, maxLength: 3 }).map((p) => p as unknown as readonly [number, number, number])),
    replicas: opt(fc.integer({ min: 1, max: 10 })),
    cpu: opt(ordered(1, 8000)),
    loadBalancer: opt(fc.record({ kind: fc.constantFrom('none' as const, 'nlb' as const, 'l4' as const, 'l7' as const), hops: opt(fc.integer({ min: 0, max: 5 })), internetFacing: opt(fc.boolean()) })),
    clientSampling: opt(percent),
    ipFamily: opt(fc.constantFrom('IPv4' as const, 'IPv6' as const, 'DualStack' as const)),
    drain: opt(fc.record({ deregistrationSeconds: fc.integer({ min: 1, max: 120 }), drainSeconds: fc.integer({ min: 1, max: 120 }) })),
    compactConfig: opt(fc.boolean()),
  // The proxy's objects are named like a service's: the two names must differ.
  }).filter((front) => !front.services.some((s) => s.name === (front.name ?? 'front'))).chain((front) => fc.tuple(
    ...front.services.map((_s, i) => fc.tuple(fc.constantFrom('prefix' as const, 'path' as const), fc.boolean(), routeTail, opt(percent))
      .map(([match, versioned, tail, minHealthyPercent]) => [
        { service: i, match, ...tail, minHealthyPercent },
        ...(versioned ? [{ service: i, match: 'versioned' as const, ...tail, minHealthyPercent }] : []),
      ])),
  ).map((routes) => ({ ...front, routes: routes.flat().map(fixRetries) })))
    // The proxy's Service takes the FrontEnvoy's name, which a routed service must not have.
    .filter((front) => !front.services.some((s) => s.name === (front.name ?? 'front')));
});

/** A per-try timeout within the route timeout. */
function fixRetries(r: RouteDecl): RouteDecl {
  const timeoutMs = r.timeoutMs ?? 15000;
  const perTry = r.retries?.perTryTimeoutMs;
  return perTry === undefined || perTry <= timeoutMs ? r : { ...r, retries: { ...r.retries, perTryTimeoutMs: timeoutMs } };
}

export function routeMatch(r: RouteDecl, service: ServiceDecl): { prefix: string } | { path: string } {
  if (r.match === 'root') return { prefix: '/' };
  // An exact route to a probe endpoint is refused (probe endpoints stay private): such a route is a prefix here.
  const probes = service.grpc ? [] : [service.health?.endpoints?.[0] ?? '/live', service.health?.endpoints?.[1] ?? '/ready'];
  const exact = `/${service.name}`;
  if (r.match === 'path' && !probes.includes(exact)) return { path: exact };
  return r.match === 'versioned' ? { prefix: `/_v2/${service.name}/` } : { prefix: `/${service.name}/` };
}

/** The load balancer of a declaration. */
export function buildLoadBalancer(lb: NonNullable<FrontEnvoyDecl['loadBalancer']>): FrontLoadBalancer {
  switch (lb.kind) {
    case 'none': return FrontLoadBalancer.none();
    case 'nlb': return FrontLoadBalancer.awsNlb({ internetFacing: lb.internetFacing });
    case 'l4': return FrontLoadBalancer.layer4({ serviceAnnotations: { 'example.com/lb-class': 'external' } });
    default: return FrontLoadBalancer.layer7({ hops: lb.hops });
  }
}

export function buildFrontEnvoy(scope: Construct, d: FrontEnvoyDecl, id = 'front'): FrontEnvoy {
  const services = d.services.map((s) => buildService(scope, s));
  const ms = (n?: number) => (n === undefined ? undefined : Duration.millis(n));
  const hc = d.upstreamHealthCheck;
  return new FrontEnvoy(scope, id, {
    routes: d.routes.map((r) => ({
      service: services[r.service],
      ...routeMatch(r, d.services[r.service]),
      timeout: ms(r.timeoutMs),
      retries: r.retries && { numRetries: r.retries.numRetries, retryOn: r.retries.retryOn && [...r.retries.retryOn], perTryTimeout: ms(r.retries.perTryTimeoutMs) },
      minHealthyPercent: r.minHealthyPercent,
    })),
    name: d.name,
    tracing: d.tracing && buildTracing(d.tracing),
    healthCheck: { path: d.healthPath, minHealthyPercent: d.minHealthyPercent },
    upstreamHealthCheck: hc && {
      interval: Duration.millis(hc.intervalMs), timeout: Duration.millis(hc.timeoutMs), intervalJitter: Duration.millis(hc.intervalJitterMs),
      initialJitter: Duration.millis(hc.initialJitterMs), unhealthyThreshold: hc.unhealthyThreshold, healthyThreshold: hc.healthyThreshold,
      noTrafficInterval: Duration.millis(hc.noTrafficIntervalMs),
    },
    outlierDetection: d.outlierDetection && withoutUndefined(d.outlierDetection),
    circuitBreakers: d.circuitBreakers && withoutUndefined(d.circuitBreakers),
    listenerPort: d.ports?.[0],
    adminPort: d.ports?.[1],
    probePort: d.ports?.[2],
    replicas: d.replicas,
    resources: d.cpu && { cpu: { request: kplus.Cpu.millis(d.cpu[0]), limit: kplus.Cpu.millis(d.cpu[1]) } },
    loadBalancer: d.loadBalancer && buildLoadBalancer(d.loadBalancer),
    clientSamplingPercentage: d.clientSampling,
    ipFamily: d.ipFamily as IpFamily | undefined,
    shutdown: d.drain && { deregistrationDelay: Duration.seconds(d.drain.deregistrationSeconds), drainTime: Duration.seconds(d.drain.drainSeconds) },
    compactConfig: d.compactConfig,
  });
}

/** Partial overrides are spread over defaults, so a key holding undefined would erase the default. */
function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------
// OtelCollector

export type ExporterDecl =
  | { readonly kind: 'elastic'; readonly name?: string; readonly host: string; readonly port?: number; readonly insecure?: boolean }
  | { readonly kind: 'otlp'; readonly name: string; readonly endpoint: string; readonly protocol?: OtlpProtocol; readonly bearer: boolean; readonly insecure?: boolean }
  | { readonly kind: 'datadog'; readonly site?: string };

export interface CollectorDecl {
  readonly name?: string;
  readonly exporters: readonly ExporterDecl[];
  readonly signals?: readonly Signal[];
  readonly replicas?: number;
  readonly autoscaling?: readonly [number, number];
  readonly memoryMi?: readonly [number, number];
  readonly nodeGroup?: string;
  readonly partOf?: string;
}

const exporterName = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
const exporterDecl: fc.Arbitrary<ExporterDecl> = fc.oneof(
  fc.record({ kind: fc.constant('elastic' as const), name: opt(exporterName), host: fc.constantFrom('apm.example.com', 'apm-server.elastic.svc.cluster.local'), port: opt(port), insecure: opt(fc.boolean()) }),
  fc.oneof(
    fc.record({
      kind: fc.constant('otlp' as const), name: exporterName, endpoint: fc.constantFrom('https://otlp.example.com:4317', 'tempo.tracing.svc.cluster.local:4317', '10.0.0.7:4317'),
      protocol: opt(fc.constant(OtlpProtocol.GRPC)), bearer: fc.boolean(), insecure: opt(fc.boolean()),
    }),
    fc.record({
      kind: fc.constant('otlp' as const), name: exporterName, endpoint: fc.constantFrom('https://otlp.example.com:4318', 'http://collector.observability:4318/otlp'),
      protocol: fc.constant(OtlpProtocol.HTTP), bearer: fc.boolean(), insecure: opt(fc.boolean()),
    }),
  ),
  fc.record({ kind: fc.constant('datadog' as const), site: opt(fc.constantFrom('datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com')) }),
);

/** The component id an exporter declaration gives: ids must be distinct in one collector. */
function exporterKey(e: ExporterDecl): string {
  if (e.kind === 'datadog') return 'datadog';
  return e.kind === 'elastic' ? `otlp_grpc/${e.name ?? 'elastic'}` : `${e.protocol === OtlpProtocol.HTTP ? 'otlp_http' : 'otlp_grpc'}/${e.name}`;
}

export const collectorDecl: fc.Arbitrary<CollectorDecl> = fc.record({
  name: opt(dnsLabel),
  // Credentials are read into variables named after the exporter, so names are distinct across kinds.
  exporters: fc.uniqueArray(exporterDecl, { minLength: 1, maxLength: 4, selector: (e) => (e.kind === 'datadog' ? 'datadog' : e.name ?? 'elastic') })
    .filter((es) => new Set(es.map(exporterKey)).size === es.length),
  signals: opt(fc.subarray([Signal.TRACES, Signal.METRICS, Signal.LOGS], { minLength: 1 })),
  replicas: opt(fc.integer({ min: 1, max: 10 })),
  autoscaling: opt(ordered(1, 20)),
  memoryMi: opt(ordered(64, 8192)),
  nodeGroup: opt(labelValue),
  partOf: opt(labelValue),
}).map((c) => (c.autoscaling ? { ...c, replicas: undefined } : c));

export function buildCollector(scope: Construct, d: CollectorDecl, id = 'otel'): OtelCollector {
  const secret = (name: string, i: number) => ({ secret: kplus.Secret.fromSecretName(scope, `${id}-secret-${i}`, `${name}-credentials`), key: 'token' });
  return new OtelCollector(scope, id, {
    name: d.name,
    exporters: d.exporters.map((e, i) => {
      if (e.kind === 'elastic') return OtelExporter.elasticApm({ name: e.name, host: e.host, port: e.port, insecure: e.insecure, secretToken: secret(e.name ?? 'elastic', i) });
      if (e.kind === 'otlp') return OtelExporter.otlp({ name: e.name, endpoint: e.endpoint, protocol: e.protocol, insecure: e.insecure, bearerToken: e.bearer ? secret(e.name, i) : undefined });
      return OtelExporter.datadog({ site: e.site, apiKey: secret('datadog', i) });
    }),
    signals: d.signals && [...d.signals],
    replicas: d.replicas,
    autoscaling: d.autoscaling && { minReplicas: d.autoscaling[0], maxReplicas: d.autoscaling[1] },
    resources: d.memoryMi && { memory: { request: Size.mebibytes(d.memoryMi[0]), limit: Size.mebibytes(d.memoryMi[1]) } },
    nodeGroup: d.nodeGroup === undefined ? undefined : NodeGroup.named(d.nodeGroup),
    partOf: d.partOf,
  });
}

// ---------------------------------------------------------------------------
// Istio mesh resources

export interface MeshDecl {
  readonly services: readonly ServiceDecl[];
  readonly sidecar?: { readonly service: number; readonly dependsOn: readonly number[]; readonly extraHosts: readonly string[] };
  readonly destinationRule?: {
    readonly service: number;
    readonly connectionPool?: { readonly maxConnections?: number; readonly connectTimeoutMs?: number; readonly http1MaxPendingRequests?: number; readonly http2MaxRequests?: number; readonly maxRetries?: number };
    readonly outlierDetection?: { readonly consecutive5xxErrors?: number; readonly intervalMs?: number; readonly baseEjectionTimeMs?: number; readonly maxEjectionPercent?: number };
  };
  readonly peerAuthentication?: { readonly service?: number };
  readonly telemetry?: { readonly tracing: TracingDecl; readonly service?: number; readonly providerName?: string };
}

export const meshDecl: fc.Arbitrary<MeshDecl> = distinctServices(1, 4).chain((services) => {
  const index = fc.nat(services.length - 1);
  return fc.record({
    services: fc.constant(services),
    sidecar: opt(index.chain((service) => fc.record({
      service: fc.constant(service),
      dependsOn: fc.subarray(services.map((_s, i) => i).filter((i) => i !== service)),
      extraHosts: fc.subarray(['*/api.example.com', 'istio-system/*', './*', 'payments/*', '*/*.googleapis.com']),
    }))),
    destinationRule: opt(fc.record({
      service: index,
      connectionPool: opt(fc.record({
        maxConnections: opt(fc.integer({ min: 1, max: 100000 })), connectTimeoutMs: opt(fc.integer({ min: 1, max: 60000 })),
        http1MaxPendingRequests: opt(fc.integer({ min: 1, max: 100000 })), http2MaxRequests: opt(fc.integer({ min: 1, max: 100000 })), maxRetries: opt(fc.integer({ min: 1, max: 100 })),
      })),
      outlierDetection: opt(fc.record({
        consecutive5xxErrors: opt(fc.integer({ min: 1, max: 100 })), intervalMs: opt(fc.integer({ min: 1, max: 600000 })),
        baseEjectionTimeMs: opt(fc.integer({ min: 1, max: 600000 })), maxEjectionPercent: opt(percent),
      })),
    })),
    peerAuthentication: opt(fc.record({ service: opt(index) })),
    telemetry: opt(fc.record({
      tracing: fc.oneof(datadogTracing(['cluster']), otelTracing),
      service: opt(index),
      providerName: opt(fc.constantFrom('datadog', 'opentelemetry', 'otel-gateway')),
    })),
  });
});

export function buildMesh(scope: Construct, d: MeshDecl): Construct[] {
  const services = d.services.map((s) => buildService(scope, s));
  const made: Construct[] = [];
  if (d.sidecar) {
    made.push(new MeshSidecarScope(scope, 'sidecar', { service: services[d.sidecar.service], dependsOn: d.sidecar.dependsOn.map((i) => services[i]), extraHosts: [...d.sidecar.extraHosts] }));
  }
  if (d.destinationRule) {
    const { connectionPool: pool, outlierDetection: outlier } = d.destinationRule;
    made.push(new MeshDestinationRule(scope, 'destination-rule', {
      service: services[d.destinationRule.service],
      connectionPool: pool && {
        maxConnections: pool.maxConnections, http1MaxPendingRequests: pool.http1MaxPendingRequests, http2MaxRequests: pool.http2MaxRequests, maxRetries: pool.maxRetries,
        connectTimeout: pool.connectTimeoutMs === undefined ? undefined : Duration.millis(pool.connectTimeoutMs),
      },
      outlierDetection: outlier && {
        consecutive5xxErrors: outlier.consecutive5xxErrors,
        interval: outlier.intervalMs === undefined ? undefined : Duration.millis(outlier.intervalMs),
        baseEjectionTime: outlier.baseEjectionTimeMs === undefined ? undefined : Duration.millis(outlier.baseEjectionTimeMs),
        maxEjectionPercent: outlier.maxEjectionPercent,
      },
    }));
  }
  if (d.peerAuthentication) {
    const i = d.peerAuthentication.service;
    made.push(new MeshPeerAuthentication(scope, 'peer-authentication', { service: i === undefined ? undefined : services[i] }));
  }
  if (d.telemetry) {
    const i = d.telemetry.service;
    made.push(new MeshTelemetry(scope, 'telemetry', { tracing: buildTracing(d.telemetry.tracing), service: i === undefined ? undefined : services[i], providerName: d.telemetry.providerName }));
  }
  return made;
}

// ---------------------------------------------------------------------------
// Monitoring and load tests

export interface OperationsDecl {
  readonly services: readonly ServiceDecl[];
  readonly env: string;
  readonly notify: readonly string[];
  readonly errorRate?: { readonly critical: number; readonly warning?: number };
  readonly latency?: { readonly critical: number; readonly warning?: number };
  readonly controlPlane?: boolean;
  readonly tags?: readonly string[];
  readonly dashboardTitle: string;
  readonly ruleLabels?: Readonly<Record<string, string>>;
  readonly load: {
    readonly target: { readonly service: number; readonly path?: string } | { readonly url: string };
    readonly qps: number;
    readonly connections?: number;
    readonly durationSeconds?: number;
    readonly payloadSize?: number;
    readonly headers?: Readonly<Record<string, string>>;
    readonly percentiles?: readonly number[];
    readonly timeoutMs?: number;
    readonly mesh?: boolean;
  };
  readonly mock: { readonly name: string; readonly port?: number; readonly replicas?: number; readonly routes: ReadonlyArray<{ readonly path: string; readonly status?: number; readonly body: string; readonly contentType?: string }> };
  readonly benchmark?: { readonly qps?: number; readonly connections?: number; readonly durationSeconds?: number; readonly payloadSize?: number };
}

/** Thresholds with the warning level below the critical one. */
const thresholds = fc.tuple(fc.double({ min: 0.001, max: 10, noNaN: true }), fc.option(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { nil: undefined }))
  .map(([critical, share]) => ({ critical, warning: share === undefined ? undefined : critical * share }));

/** A service in the mesh: the Datadog monitors watch the spans its sidecar writes. */
const meshedServiceDecl = fc.boolean().chain((grpc) => serviceFields(grpc, true));
/** Names the other constructs of the operations give their objects (the mock, the benchmark servers, the mesh monitors): no service takes them. */
const operationsNames = (name: string) => name.startsWith('mock-') || ['mesh', 'fortio-mesh', 'fortio-baseline'].includes(name);

/** The fields of an operations declaration that do not depend on its services, made once (see SERVICE_FIELDS). */
const OPERATIONS_FIELDS = {
  env: fc.stringMatching(/^[a-z0-9][a-z0-9_.:/-]{0,15}$/),
  notify: fc.array(fc.stringMatching(/^@[a-z0-9][a-z0-9._-]{0,20}$/), { minLength: 1, maxLength: 3 }),
  errorRate: opt(thresholds),
  latency: opt(thresholds),
  controlPlane: opt(fc.boolean()),
  tags: opt(fc.array(fc.stringMatching(/^[a-z][a-z0-9_.:/-]{0,15}$/), { maxLength: 3 })),
  dashboardTitle: fc.string({ minLength: 1, maxLength: 40 }).filter((t) => t.trim().length > 0),
  ruleLabels: opt(fc.dictionary(fc.stringMatching(/^[a-z]([a-z0-9_]{0,9}[a-z0-9])?$/), labelValue, { maxKeys: 2 })),
  load: {
    url: fc.record({ url: fc.constantFrom('http://front.shop.svc.cluster.local:8080/v1/ping', 'https://api.example.com/health') }),
    path: opt(httpPath),
    qps: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100000 })),
    connections: opt(fc.integer({ min: 1, max: 512 })),
    durationSeconds: opt(fc.integer({ min: 1, max: 3600 })),
    payloadSize: opt(fc.integer({ min: 0, max: 256 * 1024 })),
    // A header value: visible ASCII, spaces inside but not at either end (RFC 9110, section 5.5).
    headers: opt(fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^([!-~]([ -~]{0,18}[!-~])?)?$/), { maxKeys: 3 })),
    percentiles: opt(fc.uniqueArray(fc.constantFrom(50, 75, 90, 95, 99, 99.9, 99.99), { minLength: 1 })),
    timeoutMs: opt(fc.integer({ min: 1, max: 60000 })),
    mesh: opt(fc.boolean()),
  },
  mock: fc.record({
    name: dnsLabel.map((n) => `mock-${n}`),
    port: opt(fc.integer({ min: 1024, max: 65535 }).filter((p) => !ISTIO_RESERVED_PORTS.includes(p))),
    replicas: opt(fc.integer({ min: 1, max: 5 })),
    routes: fc.uniqueArray(fc.record({
      path: fc.stringMatching(/^\/v1\/[a-z0-9/_-]{1,15}$/),
      status: opt(fc.integer({ min: 200, max: 599 })),
      // Anything nginx can quote: the body is escaped, only '$' is refused.
      body: fc.string({ maxLength: 40 }).map((b) => b.replace(/\$/g, '')),
      contentType: opt(fc.constantFrom('application/json', 'text/plain', 'application/problem+json')),
    }), { minLength: 1, maxLength: 4, selector: (r) => r.path }),
  }),
  benchmark: opt(fc.record({
    qps: opt(fc.integer({ min: 1, max: 10000 })), connections: opt(fc.integer({ min: 1, max: 64 })),
    durationSeconds: opt(fc.integer({ min: 1, max: 900 })), payloadSize: opt(fc.integer({ min: 0, max: 65536 })),
  })),
};

export const operationsDecl: fc.Arbitrary<OperationsDecl> = distinctServices(1, 3, meshedServiceDecl).filter((ss) => !ss.some((s) => operationsNames(s.name))).chain((services) => fc.record({
  services: fc.constant(services),
  env: OPERATIONS_FIELDS.env,
  notify: OPERATIONS_FIELDS.notify,
  errorRate: OPERATIONS_FIELDS.errorRate,
  latency: OPERATIONS_FIELDS.latency,
  controlPlane: OPERATIONS_FIELDS.controlPlane,
  tags: OPERATIONS_FIELDS.tags,
  dashboardTitle: OPERATIONS_FIELDS.dashboardTitle,
  ruleLabels: OPERATIONS_FIELDS.ruleLabels,
  load: fc.record({
    target: fc.oneof(fc.record({ service: fc.nat(services.length - 1), path: OPERATIONS_FIELDS.load.path }), OPERATIONS_FIELDS.load.url),
    qps: OPERATIONS_FIELDS.load.qps,
    connections: OPERATIONS_FIELDS.load.connections,
    durationSeconds: OPERATIONS_FIELDS.load.durationSeconds,
    payloadSize: OPERATIONS_FIELDS.load.payloadSize,
    headers: OPERATIONS_FIELDS.load.headers,
    percentiles: OPERATIONS_FIELDS.load.percentiles,
    timeoutMs: OPERATIONS_FIELDS.load.timeoutMs,
    mesh: OPERATIONS_FIELDS.load.mesh,
  }),
  mock: OPERATIONS_FIELDS.mock,
  benchmark: OPERATIONS_FIELDS.benchmark,
}).map((o) => (o.load.target && 'service' in o.load.target && services[o.load.target.service].grpc ? { ...o, load: { ...o.load, target: { service: o.load.target.service } } } : o)));

export function buildOperations(scope: Construct, d: OperationsDecl): void {
  const services = d.services.map((s) => buildService(scope, s));
  const runbookUrl = 'https://runbooks.example.com/{service}/{signal}';
  new DatadogMonitors(scope, 'monitors', {
    services, env: d.env, notify: [...d.notify], runbookUrl, errorRate: d.errorRate, latencyP99Seconds: d.latency, controlPlane: d.controlPlane, tags: d.tags && [...d.tags],
  });
  new DatadogServiceDashboard(scope, 'dashboard', { title: d.dashboardTitle, env: d.env });
  new PrometheusAlerts(scope, 'alerts', { services, runbookUrl, errorRate: d.errorRate, latencyP99Seconds: d.latency, ruleLabels: d.ruleLabels });
  const l = d.load;
  new LoadTest(scope, 'load', {
    target: 'url' in l.target ? { url: l.target.url } : { service: services[l.target.service], path: l.target.path },
    qps: l.qps,
    connections: l.connections,
    duration: l.durationSeconds === undefined ? undefined : Duration.seconds(l.durationSeconds),
    payloadSize: l.payloadSize,
    headers: l.headers,
    percentiles: l.percentiles && [...l.percentiles],
    timeout: l.timeoutMs === undefined ? undefined : Duration.millis(l.timeoutMs),
    mesh: l.mesh,
  });
  new MockBackend(scope, 'mock', { name: d.mock.name, port: d.mock.port, replicas: d.mock.replicas, routes: d.mock.routes.map((r) => ({ ...r })) });
  if (d.benchmark) {
    const b = d.benchmark;
    new ProxyBenchmark(scope, 'benchmark', { qps: b.qps, connections: b.connections, duration: b.durationSeconds === undefined ? undefined : Duration.seconds(b.durationSeconds), payloadSize: b.payloadSize });
  }
}

/** The chart a declaration is built in. */
export function declarationChart(scope: Construct, namespace: string | undefined): Chart {
  return new Chart(scope, 'property', { namespace });
}
