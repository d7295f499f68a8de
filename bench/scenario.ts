/**
 * One benchmark scenario, run in a process of its own so its peak memory is
 * its own: `library` (cdk8s-observable) or `baseline` (the same manifests
 * written by hand with plain cdk8s-plus-27). Prints one JSON line: wall time,
 * peak RSS, documents and bytes emitted.
 *
 * The two write the same objects for the same declarations: per service a
 * Deployment (probes, resources, security, Datadog environment, sidecar
 * annotations, pre-stop sleep, topology spread, /tmp), a Service and a
 * disruption budget; per front proxy the same four objects with the Envoy
 * config. The baseline builds its Envoy config with the library's own
 * generator (`bootstrap`, plain data, no checks) standing in for a team's
 * template, so the config's bytes cost both the same. What the ratio measures
 * is what the library adds: its checks, its derivations, Envoy's validation
 * and the readiness rules.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FrontEnvoy, ObservableService, ProductionReadiness, Protocol, Tracing } from '../lib';
import { UpstreamSpec, bootstrap } from '../lib/envoy/bootstrap';
import { DEFAULT_ACTIVE_HEALTH_CHECK, DEFAULT_CIRCUIT_BREAKERS, DEFAULT_OUTLIER_DETECTION } from '../lib/envoy/defaults';
import { writeNewerFields } from '../lib/workload/versioned-deployment';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
/** Upstreams per front proxy: under MAX_UPSTREAMS_INDENTED, which fills a ConfigMap. */
const ROUTES_PER_FRONT_ENVOY = 250;
const IMAGE = (i: number) => `registry.example.com/mesh/svc-${i}:1.0.${i}`;

function library(app: App): void {
  const chart = new Chart(app, 'mesh', { namespace: 'mesh' });
  const tracing = Tracing.datadog({ env: 'bench', samplingPercentage: 10 });
  const services: ObservableService[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const grpc = i % 2 === 1;
    services.push(new ObservableService(chart, `svc-${i}`, {
      image: IMAGE(i), port: grpc ? 9090 : 8080, protocol: grpc ? Protocol.GRPC : Protocol.HTTP, replicas: 2, tracing, mesh: {},
    }));
  }
  for (let f = 0; f * ROUTES_PER_FRONT_ENVOY < services.length; f++) {
    const slice = services.slice(f * ROUTES_PER_FRONT_ENVOY, (f + 1) * ROUTES_PER_FRONT_ENVOY);
    new FrontEnvoy(chart, `front-${f}`, { routes: slice.map((s) => ({ prefix: `/${s.name}/`, service: s })), tracing, replicas: 2 });
  }
  if (!process.env.BENCH_NO_READINESS) ProductionReadiness.enforce(app, { printTable: process.env.BENCH_PRINT_TABLE === '1' });
}

// ---------------------------------------------------------------------------
// The baseline: the same objects, by hand

const fromLabel = (key: string) => kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key });
const DD_ENV_VARS = {
  DD_ENV: fromLabel('tags.datadoghq.com/env'), DD_SERVICE: fromLabel('tags.datadoghq.com/service'), DD_VERSION: fromLabel('tags.datadoghq.com/version'),
};
const SECURITY: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true, user: 65532, group: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
  capabilities: { drop: ['ALL' as kplus.Capability] },
};
const RESOURCES: kplus.ContainerResources = { cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } };

/** A Deployment, its Service and its disruption budget, as a team would write them with cdk8s-plus-27. */
function workload(chart: Chart, name: string, labels: Record<string, string>, podLabels: Record<string, string>, annotations: Record<string, string>, container: kplus.ContainerProps,
  servicePort: { port: number; name: string; headless: boolean }, lifecycle: object, grace: number): kplus.Deployment {
  const selector = { 'app.kubernetes.io/name': name };
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name, labels: podLabels },
    select: false,
    replicas: 2,
    podMetadata: { labels: podLabels, annotations },
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: 65532, group: 65532, fsGroup: 65532 },
    containers: [container],
  });
  // cdk8s-plus-27's 1.27 mapping drops the pre-stop sleep action: written after it, as the library does.
  writeNewerFields(deployment, { name, labels: podLabels }, [{ path: '/spec/template/spec/containers/0/lifecycle', value: lifecycle }]);
  deployment.select(kplus.LabelSelector.of({ labels: selector }));
  deployment.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, `${name}-tmp`, 'tmp', { sizeLimit: Size.mebibytes(64) }));
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
    }))),
    JsonPatch.add('/spec/template/spec/terminationGracePeriodSeconds', grace),
  );

  const service = new kplus.Service(chart, `${name}-service`, {
    metadata: { name, labels },
    clusterIP: servicePort.headless ? 'None' : undefined,
    ports: [{ port: servicePort.port, targetPort: servicePort.port, name: servicePort.name, protocol: kplus.Protocol.TCP }],
  });
  service.selectLabel('app.kubernetes.io/name', name);
  ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', servicePort.name));
  new kplus.k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
    metadata: { name, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
  return deployment;
}

function baselineService(chart: Chart, i: number): UpstreamSpec {
  const grpc = i % 2 === 1;
  const port = grpc ? 9090 : 8080;
  const name = `svc-${i}`;
  const labels = { 'app.kubernetes.io/managed-by': 'hand', 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'mesh', 'app.kubernetes.io/version': `1.0.${i}` };
  const podLabels = {
    ...labels, 'service.istio.io/canonical-name': name, 'sidecar.istio.io/inject': 'true',
    'tags.datadoghq.com/env': 'bench', 'tags.datadoghq.com/service': name, 'tags.datadoghq.com/version': `1.0.${i}`,
  };
  // cdk8s-plus-27 has no gRPC probe: a gRPC service's probes are patched in, as the library does.
  const probe = (endpoint: string, period: number, failureThreshold = 3) => (grpc ? undefined
    : kplus.Probe.fromHttpGet(endpoint, { port, periodSeconds: Duration.seconds(period), timeoutSeconds: Duration.seconds(2), failureThreshold }));
  const deployment = workload(chart, name, labels, podLabels, {
    'observable.cdk8s.io/health-healthz': grpc ? '' : '/healthz', 'observable.cdk8s.io/health-live': grpc ? 'liveness' : '/live',
    'observable.cdk8s.io/health-ready': grpc ? 'readiness' : '/ready', 'observable.cdk8s.io/protocol': grpc ? 'grpc' : 'http',
    'prometheus.istio.io/merge-metrics': 'false', 'proxy.istio.io/config': 'concurrency: 2\nholdApplicationUntilProxyStarts: false\ntracingServiceName: CANONICAL_NAME_ONLY',
    'sidecar.istio.io/nativeSidecar': 'true', 'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/proxyCPULimit': '2000m',
    'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyMemoryLimit': '1024Mi', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true',
  }, {
    name: 'app', image: IMAGE(i), imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT, ports: [{ number: port, name: grpc ? 'grpc' : 'http' }],
    envVariables: {
      ...DD_ENV_VARS,
      DD_AGENT_HOST: kplus.EnvValue.fromValue('datadog.datadog.svc.cluster.local'), DD_TRACE_AGENT_PORT: kplus.EnvValue.fromValue('8126'),
      DD_LOGS_INJECTION: kplus.EnvValue.fromValue('true'), DD_TRACE_SAMPLING_RULES: kplus.EnvValue.fromValue('[{"sample_rate":0.1}]'),
      DD_TRACE_PROPAGATION_STYLE: kplus.EnvValue.fromValue('datadog,tracecontext'),
    },
    liveness: probe(grpc ? 'liveness' : '/live', 10), readiness: probe(grpc ? 'readiness' : '/ready', 5), startup: probe(grpc ? 'liveness' : '/live', 5, 24),
    resources: RESOURCES, securityContext: SECURITY,
  }, { port, name: grpc ? 'grpc' : 'http', headless: grpc }, { preStop: { sleep: { seconds: 10 } } }, 30);
  if (grpc) {
    const grpcProbe = (service: string, period: number, failureThreshold = 3) => ({ failureThreshold, grpc: { port, service }, periodSeconds: period, timeoutSeconds: 2 });
    ApiObject.of(deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', grpcProbe('liveness', 10)),
      JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', grpcProbe('readiness', 5)),
      JsonPatch.add('/spec/template/spec/containers/0/startupProbe', grpcProbe('liveness', 5, 24)),
    );
  }
  return {
    cluster: `${name}_mesh`, host: `${name}.mesh.svc.cluster.local`, port, http2: grpc, headless: grpc,
    healthCheck: grpc ? { grpcService: 'readiness' } : { httpPath: '/ready' }, minHealthyPercent: 25,
  };
}

function baselineFront(chart: Chart, f: number, upstreams: UpstreamSpec[]): void {
  const name = `front-${f}`;
  const config = bootstrap({
    serviceName: name, listenerPort: 8080, adminPort: 9901, probePort: 9902, healthPath: '/_envoy/health',
    routes: [
      // Each HTTP service's /healthz through the proxy, then the prefixes.
      ...upstreams.filter((u) => !u.http2).map((u) => ({ match: { path: `/${u.host.split('.')[0]}/healthz` }, cluster: u.cluster, timeoutMs: 5000, prefixRewrite: '/healthz' })),
      ...upstreams.map((u) => ({ match: { prefix: `/${u.host.split('.')[0]}/` }, cluster: u.cluster, timeoutMs: 15000, retry: { retryOn: u.http2 ? '5xx,reset,connect-failure,unavailable' : '5xx,reset,connect-failure', numRetries: 2 } })),
    ],
    upstreams, tracing: Tracing.datadog({ env: 'bench', samplingPercentage: 10 }), activeHealthCheck: DEFAULT_ACTIVE_HEALTH_CHECK, outlierDetection: DEFAULT_OUTLIER_DETECTION,
    circuitBreakers: DEFAULT_CIRCUIT_BREAKERS, xffNumTrustedHops: 0, clientSamplingPercent: 0, ipFamily: 'IPv4',
    drain: { path: '/_envoy/drain', deregistrationDelayMs: 20000, drainTimeMs: 10000, token: 'baseline' },
  });
  const text = JSON.stringify(config, undefined, 2);
  const labels = {
    'app.kubernetes.io/component': 'front-proxy', 'app.kubernetes.io/managed-by': 'hand', 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'mesh',
    'app.kubernetes.io/version': 'distroless-v1.40.0',
  };
  const podLabels = { ...labels, 'tags.datadoghq.com/env': 'bench', 'tags.datadoghq.com/service': name, 'tags.datadoghq.com/version': 'distroless-v1.40.0' };
  const configMap = new kplus.ConfigMap(chart, `${name}-config`, { metadata: { name: `${name}-envoy-config`, labels }, data: { 'envoy.json': text } });
  const probe = (endpoint: string, period: number, failureThreshold = 3) => kplus.Probe.fromHttpGet(endpoint, { port: 9902, periodSeconds: Duration.seconds(period), timeoutSeconds: Duration.seconds(2), failureThreshold });
  const deployment = workload(chart, name, labels, podLabels, {
    'observable.cdk8s.io/config-hash': createHash('sha256').update(text).digest('hex').slice(0, 16),
    'observable.cdk8s.io/health-healthz': '/_envoy/health', 'observable.cdk8s.io/health-live': '/live', 'observable.cdk8s.io/health-ready': '/ready', 'observable.cdk8s.io/protocol': 'http',
    'prometheus.io/path': '/stats/prometheus', 'prometheus.io/port': '9902', 'prometheus.io/scrape': 'true',
  }, {
    name: 'app', image: 'envoyproxy/envoy:distroless-v1.40.0', imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['/usr/local/bin/envoy'],
    args: ['--config-path', '/etc/envoy/envoy.json', '--concurrency', '1', '--log-level', 'info', '--drain-time-s', '10', '--drain-strategy', 'immediate'],
    ports: [{ number: 8080, name: 'http' }, { number: 9902, name: 'health' }], envVariables: DD_ENV_VARS,
    liveness: probe('/live', 10), readiness: probe('/ready', 5), startup: probe('/live', 5, 24), resources: RESOURCES, securityContext: SECURITY,
  }, { port: 8080, name: 'http', headless: false }, { preStop: { httpGet: { path: '/_envoy/drain', port: 9902, scheme: 'HTTP', httpHeaders: [{ name: 'x-envoy-drain-token', value: 'baseline' }] } } }, 35);
  deployment.containers[0].mount('/etc/envoy', kplus.Volume.fromConfigMap(chart, `${name}-config-volume`, configMap, { name: 'envoy-config' }), { readOnly: true });
}

function baseline(app: App): void {
  const chart = new Chart(app, 'baseline', { namespace: 'mesh' });
  const upstreams = Array.from({ length: SERVICES }, (_v, i) => baselineService(chart, i));
  for (let f = 0; f * ROUTES_PER_FRONT_ENVOY < upstreams.length; f++) baselineFront(chart, f, upstreams.slice(f * ROUTES_PER_FRONT_ENVOY, (f + 1) * ROUTES_PER_FRONT_ENVOY));
}

const scenario = process.argv[2];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${scenario}-`));
const start = performance.now();
const app = new App({ outdir });
if (scenario === 'library') library(app);
else if (scenario === 'baseline') baseline(app);
else throw new Error(`unknown scenario ${scenario}: use library or baseline`);
app.synth();
const wallMs = performance.now() - start;
let documents = 0;
let bytes = 0;
for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'))) {
  const text = fs.readFileSync(path.join(outdir, file), 'utf8');
  bytes += Buffer.byteLength(text);
  documents += text.split(/^---$/m).filter((d) => d.trim().length > 0).length;
}
if (process.env.BENCH_KEEP) fs.cpSync(outdir, path.join(process.env.BENCH_KEEP, scenario), { recursive: true });
fs.rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ scenario, services: SERVICES, wallMs, peakRssMB: process.resourceUsage().maxRSS / 1024, documents, bytes }));
