/**
 * One benchmark scenario, run in a process of its own so its peak memory is
 * its own: `mesh` (this library) or `baseline` (plain cdk8s-plus-27).
 * Prints one JSON line: wall time, peak RSS, documents and bytes emitted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { FrontEnvoy, ObservableService, ProductionReadiness, Protocol, Tracing } from '../lib';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
/** Upstreams per front proxy: under MAX_UPSTREAMS_INDENTED (375), which fills a ConfigMap. */
const ROUTES_PER_FRONT_ENVOY = 250;

function mesh(app: App): void {
  const chart = new Chart(app, 'mesh', { namespace: 'mesh' });
  const tracing = Tracing.datadog({ env: 'bench', samplingPercentage: 10 });
  const services: ObservableService[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const grpc = i % 2 === 1;
    services.push(new ObservableService(chart, `svc-${i}`, {
      image: `registry.example.com/mesh/svc-${i}:1.0.${i}`,
      port: grpc ? 9090 : 8080,
      protocol: grpc ? Protocol.GRPC : Protocol.HTTP,
      replicas: 2,
      tracing,
      mesh: {},
    }));
  }
  for (let f = 0; f * ROUTES_PER_FRONT_ENVOY < services.length; f++) {
    const slice = services.slice(f * ROUTES_PER_FRONT_ENVOY, (f + 1) * ROUTES_PER_FRONT_ENVOY);
    new FrontEnvoy(chart, `front-${f}`, {
      routes: slice.map((s) => ({ prefix: `/${s.name}/`, service: s })),
      tracing,
      replicas: 2,
    });
  }
  ProductionReadiness.enforce(app, { printTable: false });
}

/**
 * The same 1,000 Deployments and Services written by hand with plain
 * cdk8s-plus-27: the same image, ports, probes, resources, security context,
 * Datadog environment, labels, annotations, /tmp volume and topology spread,
 * and the Service with its appProtocol, so that the ratio measures what the
 * library adds (its checks, the front proxies, the readiness rules), not
 * what a production Deployment weighs.
 */
function baseline(app: App): void {
  const chart = new Chart(app, 'baseline', { namespace: 'mesh' });
  const fromLabel = (key: string) => kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key });
  for (let i = 0; i < SERVICES; i++) {
    const grpc = i % 2 === 1;
    const port = grpc ? 9090 : 8080;
    const name = `svc-${i}`;
    const labels = {
      'app.kubernetes.io/name': name, 'app.kubernetes.io/version': `1.0.${i}`, 'app.kubernetes.io/part-of': 'mesh', 'app.kubernetes.io/managed-by': 'hand',
      'tags.datadoghq.com/env': 'bench', 'tags.datadoghq.com/service': name, 'tags.datadoghq.com/version': `1.0.${i}`, 'sidecar.istio.io/inject': 'true',
    };
    const probe = (path: string, period: number) => kplus.Probe.fromHttpGet(path, { port, periodSeconds: Duration.seconds(period), timeoutSeconds: Duration.seconds(2), failureThreshold: 3 });
    const deployment = new kplus.Deployment(chart, name, {
      metadata: { name, labels },
      select: false,
      replicas: 2,
      podMetadata: {
        labels,
        annotations: {
          'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/proxyCPULimit': '2000m', 'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyMemoryLimit': '1024Mi',
          'proxy.istio.io/config': 'concurrency: 2\nholdApplicationUntilProxyStarts: false', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true', 'prometheus.istio.io/merge-metrics': 'false',
        },
      },
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: 65532, group: 65532, fsGroup: 65532 },
      containers: [{
        name: 'app',
        image: `registry.example.com/mesh/${name}:1.0.${i}`,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: port, name: grpc ? 'grpc' : 'http' }],
        envVariables: {
          DD_ENV: fromLabel('tags.datadoghq.com/env'), DD_SERVICE: fromLabel('tags.datadoghq.com/service'), DD_VERSION: fromLabel('tags.datadoghq.com/version'),
          DD_AGENT_HOST: kplus.EnvValue.fromValue('datadog.datadog.svc.cluster.local'), DD_TRACE_AGENT_PORT: kplus.EnvValue.fromValue('8126'),
          DD_LOGS_INJECTION: kplus.EnvValue.fromValue('true'), DD_TRACE_SAMPLING_RULES: kplus.EnvValue.fromValue('[{"sample_rate":0.1}]'),
          DD_TRACE_PROPAGATION_STYLE: kplus.EnvValue.fromValue('datadog,tracecontext'),
        },
        liveness: probe('/live', 10),
        readiness: probe('/ready', 5),
        startup: kplus.Probe.fromHttpGet('/live', { port, periodSeconds: Duration.seconds(5), failureThreshold: 24 }),
        resources: { cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
        securityContext: {
          ensureNonRoot: true, user: 65532, group: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
          capabilities: { drop: ['ALL' as kplus.Capability] },
        },
      }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': name } }));
    deployment.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, `${name}-tmp`, 'tmp', { sizeLimit: Size.mebibytes(64) }));
    ApiObject.of(deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      }))),
    );
    const service = new kplus.Service(chart, `${name}-service`, {
      metadata: { name, labels },
      clusterIP: grpc ? 'None' : undefined,
      ports: [{ port, targetPort: port, name: grpc ? 'grpc' : 'http', protocol: kplus.Protocol.TCP }],
    });
    service.selectLabel('app.kubernetes.io/name', name);
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', grpc ? 'grpc' : 'http'));
  }
}

const scenario = process.argv[2];
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${scenario}-`));
const start = performance.now();
const app = new App({ outdir });
if (scenario === 'mesh') mesh(app);
else if (scenario === 'baseline') baseline(app);
else throw new Error(`unknown scenario ${scenario}: use mesh or baseline`);
app.synth();
const wallMs = performance.now() - start;
let documents = 0;
let bytes = 0;
for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'))) {
  const text = fs.readFileSync(path.join(outdir, file), 'utf8');
  bytes += Buffer.byteLength(text);
  documents += text.split(/^---$/m).filter((d) => d.trim().length > 0).length;
}
fs.rmSync(outdir, { recursive: true, force: true });
console.log(JSON.stringify({ scenario, services: SERVICES, wallMs, peakRssMB: process.resourceUsage().maxRSS / 1024, documents, bytes }));
