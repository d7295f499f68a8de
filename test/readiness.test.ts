import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ConfigurationError, FrontEnvoy, Level, ObservableService, PRODUCTION_READINESS_RULES, ProductionReadiness, ProductionReadinessValidation, Protocol, Tracing } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { formatTable } from '../lib/readiness/reports';
import { ManifestModel, Resource } from '../lib/readiness/model';
import { healthCheckLoads } from '../lib/readiness/rules/health-check-load';
import { buildExamples } from '../examples/main';
import { Manifest } from './support/synth';

// ---------------------------------------------------------------------------
// Plain manifests: one compliant workload, mutated per test

function deployment(name = 'web'): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name, namespace: 'shop',
      annotations: { 'observable.cdk8s.io/peak-rps': '1000', 'observable.cdk8s.io/rps-per-pod': '100', 'observable.cdk8s.io/pods-at-peak': '10' },
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: {} },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: name } } }],
          containers: [{
            name: 'app',
            image: 'registry.example.com/web:1.2.3',
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } },
            livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 10 },
            readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            lifecycle: { preStop: { sleep: { seconds: 10 } } },
          }],
          terminationGracePeriodSeconds: 40,
        },
      },
    },
  };
}
const service = (name = 'web', headless = false): Manifest => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' },
  spec: { selector: { app: name }, ports: [{ port: 8080 }], ...(headless ? { clusterIP: 'None' } : {}) },
});
const hpa = (name = 'web', min = 2, max = 10): Manifest => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'shop' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: min, maxReplicas: max },
});
const pdb = (name = 'web', spec: Manifest = { maxUnavailable: 1 }): Manifest => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'shop' }, spec: { selector: { matchLabels: { app: name } }, ...spec },
});
/** A service level objective for the workload, as ServiceLevelObjectives writes it for Prometheus (its objective ratio and its slo-for label). */
const slo = (name = 'web', objective = '0.999'): Manifest => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: `${name}-slo`, namespace: 'shop', labels: { 'observable.cdk8s.io/slo-for': name } },
  spec: { groups: [{ name: 'meta', rules: [{ record: 'slo:objective:ratio', expr: `vector(${objective})` }] }] },
});
const compliant = () => [deployment(), service(), hpa(), pdb(), slo()];

function findings(manifests: Manifest[], budget?: number) {
  return evaluate(manifests.map((manifest): Resource => ({ manifest, suppressions: new Map() })), { healthCheckBudgetRps: budget });
}
const container = (m: Manifest) => m.spec.template.spec.containers[0];

test('the compliant workload passes every rule', () => {
  expect(findings(compliant())).toEqual([]);
});

describe('each rule fails on its case', () => {
  test.each<[string, (ms: Manifest[]) => void, Level]>([
    ['OBS-RES1', (ms) => { delete container(ms[0]).resources.limits.memory; }, Level.ERROR],
    ['OBS-RES2', (ms) => { ms[0].spec.template.metadata.labels['sidecar.istio.io/inject'] = 'true'; }, Level.ERROR],
    ['OBS-PRB1', (ms) => { delete container(ms[0]).readinessProbe; }, Level.ERROR],
    ['OBS-PRB2', (ms) => { container(ms[0]).livenessProbe = { httpGet: { path: '/ready', port: 8080 } }; }, Level.ERROR],
    ['OBS-PRB3', (ms) => { container(ms[0]).livenessProbe = { httpGet: { path: '/healthz', port: 8080 } }; }, Level.ERROR],
    ['OBS-IMG1', (ms) => { container(ms[0]).image = 'registry.example.com/web:latest'; }, Level.ERROR],
    ['OBS-PSS-RUN-AS-NON-ROOT', (ms) => { delete ms[0].spec.template.spec.securityContext.runAsNonRoot; }, Level.ERROR],
    ['OBS-PSS-PRIVILEGED', (ms) => { container(ms[0]).securityContext.privileged = true; }, Level.ERROR],
    ['OBS-PSS-SECCOMP-RESTRICTED', (ms) => { delete ms[0].spec.template.spec.securityContext.seccompProfile; }, Level.ERROR],
    ['OBS-SEC3', (ms) => { container(ms[0]).env = [{ name: 'DB_PASSWORD', value: 'hunter22' }]; }, Level.ERROR],
    ['OBS-SEC2', (ms) => { container(ms[0]).securityContext.readOnlyRootFilesystem = false; }, Level.WARNING],
    ['OBS-PLC1', (ms) => { delete ms[0].spec.template.spec.affinity; }, Level.WARNING],
    ['OBS-PLC2', (ms) => { delete ms[0].spec.template.spec.topologySpreadConstraints; }, Level.WARNING],
    ['OBS-CAP1', (ms) => { ms[0].metadata.annotations = {}; }, Level.WARNING],
    ['OBS-CAP2', (ms) => { ms[2].spec.maxReplicas = 5; }, Level.ERROR],
    ['OBS-CAP3', (ms) => { ms[3].spec = { selector: ms[3].spec.selector, minAvailable: 2 }; }, Level.ERROR],
    ['OBS-CAP4', (ms) => { ms[2].spec.minReplicas = 1; }, Level.ERROR],
    ['OBS-SHD1', (ms) => { delete container(ms[0]).lifecycle; }, Level.WARNING],
    ['OBS-SLO1', (ms) => { ms[4].metadata.labels['observable.cdk8s.io/slo-for'] = 'other'; }, Level.WARNING],
    ['OBS-SLO2', (ms) => { ms[4].spec.groups[0].rules[0].expr = 'vector(1)'; }, Level.ERROR],
  ])('%s', (ruleId, breakIt, level) => {
    const ms = compliant();
    breakIt(ms);
    const found = findings(ms).filter((f) => f.ruleId === ruleId);
    expect(found.map((f) => f.level)).toEqual([level]);
    expect(found[0].fix.length).toBeGreaterThan(10);
  });

  test('OBS-CAP2 warns when no autoscaler targets the workload', () => {
    const [d, s, , p] = compliant();
    d.spec.replicas = 3;
    expect(findings([d, s, p]).filter((f) => f.ruleId === 'OBS-CAP2').map((f) => [f.level, f.message])).toEqual([[Level.WARNING, 'no HorizontalPodAutoscaler targets it (fixed at 3 replica(s))']]);
  });

  test('OBS-CAP3 warns when there is no budget at all', () => {
    const [d, s, h] = compliant();
    expect(findings([d, s, h]).filter((f) => f.ruleId === 'OBS-CAP3').map((f) => f.level)).toEqual([Level.WARNING]);
  });

  test('OBS-SHD1: a pre-stop wait that fills the grace period is an error, as a sleep or an exec of sleep; the default grace is 30 s', () => {
    const shd = (edit: (m: Manifest) => void) => {
      const ms = compliant();
      edit(ms[0]);
      return findings(ms).filter((f) => f.ruleId === 'OBS-SHD1').map((f) => [f.level, f.message]);
    };
    expect(shd((d) => { container(d).lifecycle.preStop.sleep.seconds = 40; })).toEqual([[Level.ERROR, 'container "app" waits 40s before stopping, not less than its grace period (40s): no time is left to shut down']]);
    expect(shd((d) => { container(d).lifecycle.preStop = { exec: { command: ['/bin/sleep', '30'] } }; delete d.spec.template.spec.terminationGracePeriodSeconds; }))
      .toEqual([[Level.ERROR, 'container "app" waits 30s before stopping, not less than its grace period (30s): no time is left to shut down']]);
    expect(shd((d) => { container(d).lifecycle.preStop = { exec: { command: ['sleep', '5'] } }; })).toEqual([]);
    // A workload no Service selects is not sent traffic: nothing to drain.
    const [d, , h, p] = compliant();
    delete container(d).lifecycle;
    expect(findings([d, h, p]).filter((f) => f.ruleId === 'OBS-SHD1')).toEqual([]);
  });

  test('OBS-SLO1 asks only services whose throughput is declared; OBS-SLO2 reads a DatadogSLO too; OBS-SLO3 wants its burn-rate monitors', () => {
    const [d, s, h, p] = compliant();
    const plain = deployment('batch');
    plain.metadata.annotations = {};
    expect(findings([d, s, h, p, plain, service('batch')]).filter((f) => f.ruleId === 'OBS-SLO1').map((f) => f.resource)).toEqual(['Deployment/shop/web']);
    const ddslo = (target: string): Manifest => ({
      apiVersion: 'datadoghq.com/v1alpha1', kind: 'DatadogSLO', metadata: { name: 'web-availability', namespace: 'shop', labels: { 'observable.cdk8s.io/slo-for': 'web' } },
      spec: { name: 'web', type: 'metric', timeframe: '30d', targetThreshold: target, query: { numerator: 'a', denominator: 'b' } },
    });
    expect(findings([d, s, h, p, ddslo('100')]).filter((f) => f.ruleId.startsWith('OBS-SLO')).map((f) => [f.ruleId, f.level, f.message])).toEqual([
      ['OBS-SLO2', Level.ERROR, 'its objective is 100 %: no error budget'],
      ['OBS-SLO3', Level.WARNING, 'no burn-rate monitor watches it: its id is not given yet'],
    ]);
    const burn: Manifest = { apiVersion: 'datadoghq.com/v1alpha1', kind: 'DatadogMonitor', metadata: { name: 'web-availability-burn-1h', namespace: 'shop' }, spec: { type: 'slo alert' } };
    expect(findings([d, s, h, p, ddslo('99.9'), burn]).filter((f) => f.ruleId.startsWith('OBS-SLO'))).toEqual([]);
  });

  test('OBS-MSH1: a request above its limit and a malformed quantity', () => {
    const ms = compliant();
    ms[0].spec.template.metadata.labels['sidecar.istio.io/inject'] = 'true';
    Object.assign(ms[0].spec.template.metadata.annotations, {
      'sidecar.istio.io/proxyCPU': '500m', 'sidecar.istio.io/proxyCPULimit': '200m', 'sidecar.istio.io/proxyMemory': '128 MB', 'sidecar.istio.io/proxyMemoryLimit': '1Gi',
    });
    expect(findings(ms).filter((f) => f.ruleId === 'OBS-MSH1').map((f) => f.message).sort()).toEqual([
      'sidecar.istio.io/proxyCPU 500m is above sidecar.istio.io/proxyCPULimit 200m',
      'sidecar.istio.io/proxyMemory "128 MB" is not a valid quantity',
    ]);
  });

  test('OBS-MSH1 passes valid quantities with requests at or below limits', () => {
    const ms = compliant();
    ms[0].spec.template.metadata.labels['sidecar.istio.io/inject'] = 'true';
    Object.assign(ms[0].spec.template.metadata.annotations, {
      'sidecar.istio.io/proxyCPU': '0.2', 'sidecar.istio.io/proxyCPULimit': '400m', 'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyMemoryLimit': '1Gi',
    });
    expect(findings(ms).filter((f) => ['OBS-MSH1', 'OBS-RES2'].includes(f.ruleId))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Rules over FrontEnvoy and the services behind it

function product(props: { frontTracing?: Tracing; appTracing?: Tracing; healthPath?: string; replicas?: number } = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const web = new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080, tracing: props.appTracing });
  const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }], tracing: props.frontTracing, replicas: props.replicas });
  return { chart, web, front, manifests: Testing.synth(chart) as Manifest[] };
}
function envoyConfig(manifests: Manifest[]): Manifest {
  return parse(manifests.find((m) => m.kind === 'ConfigMap')!.data['envoy.json']);
}
function withEnvoyConfig(manifests: Manifest[], edit: (config: Manifest) => void): Manifest[] {
  const config = envoyConfig(manifests);
  edit(config);
  return manifests.map((m) => (m.kind === 'ConfigMap' ? { ...m, data: { 'envoy.json': JSON.stringify(config) } } : m));
}
const hcmOf = (c: Manifest) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

describe('front proxy rules', () => {
  const datadog = Tracing.datadog({ env: 'production' });

  test('a consistent product passes them', () => {
    const { manifests } = product({ frontTracing: datadog, appTracing: datadog });
    expect(findings(manifests).filter((f) => f.ruleId.startsWith('OBS-ENV') || f.ruleId === 'OBS-TRC1')).toEqual([]);
  });

  test('OBS-ENV1: a health filter on the application health path (edited YAML)', () => {
    const manifests = withEnvoyConfig(product({ frontTracing: datadog }).manifests, (c) => {
      hcmOf(c).http_filters[0].typed_config.headers[0].string_match.exact = '/healthz';
    });
    expect(findings(manifests).filter((f) => f.ruleId === 'OBS-ENV1').map((f) => f.message)).toEqual(["the health check filter answers /healthz, which is web's /healthz"]);
  });

  test('OBS-ENV1: a health filter on a path routed to the application health path under a prefix (edited YAML)', () => {
    const manifests = withEnvoyConfig(product({ frontTracing: datadog }).manifests, (c) => {
      hcmOf(c).route_config.virtual_hosts[0].routes.unshift({ match: { prefix: '/api//' }, route: { cluster: 'web_shop' } });
      hcmOf(c).http_filters[0].typed_config.headers[0].string_match.exact = '/api/healthz';
    });
    expect(findings(manifests).filter((f) => f.ruleId === 'OBS-ENV1').map((f) => f.message)).toEqual(["the health check filter answers /api/healthz, which is web's /healthz"]);
  });

  test('OBS-ENV2: a routed cluster missing from the minimum-healthy map', () => {
    const manifests = withEnvoyConfig(product({ frontTracing: datadog }).manifests, (c) => {
      hcmOf(c).http_filters[0].typed_config.cluster_min_healthy_percentages = {};
    });
    expect(findings(manifests).filter((f) => f.ruleId === 'OBS-ENV2').map((f) => f.message)).toEqual(['routed clusters not in cluster_min_healthy_percentages: web_shop']);
  });

  test('OBS-ENV3: a front proxy without tracing, or without stated sampling', () => {
    expect(findings(product().manifests).filter((f) => f.ruleId === 'OBS-ENV3').map((f) => f.message)).toEqual(['the front proxy does not trace']);
    const unstated = withEnvoyConfig(product({ frontTracing: datadog }).manifests, (c) => { delete hcmOf(c).tracing.random_sampling; });
    expect(findings(unstated).filter((f) => f.ruleId === 'OBS-ENV3').map((f) => f.level)).toEqual([Level.WARNING]);
  });

  test('OBS-ENV4: a minimum healthy share other than the default on a ClusterIP upstream', () => {
    const manifests = withEnvoyConfig(product({ frontTracing: datadog }).manifests, (c) => {
      hcmOf(c).http_filters[0].typed_config.cluster_min_healthy_percentages['web_shop'] = { value: 60 };
    });
    expect(findings(manifests).filter((f) => f.ruleId === 'OBS-ENV4').map((f) => [f.level, f.message]))
      .toEqual([[Level.WARNING, 'cluster web_shop asks 60% healthy hosts, but its ClusterIP Service gives Envoy one host']]);
  });

  test('OBS-TRC1: the proxy writes Datadog headers, the service reads only W3C tracecontext (edited env)', () => {
    const { manifests } = product({ frontTracing: datadog, appTracing: datadog });
    const web = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'web')!;
    container(web).env = [{ name: 'OTEL_PROPAGATORS', value: 'tracecontext,baggage' }];
    expect(findings(manifests).filter((f) => f.ruleId === 'OBS-TRC1').map((f) => f.message)).toEqual(['reads tracecontext,baggage trace context but the front proxy front-envoy-config writes datadog']);
  });
});

describe('health-check load', () => {
  /** A front proxy of `envoys` replicas checking a service every `interval`. */
  function mesh(envoys: number, pods: number, headless: boolean, interval: string): Manifest[] {
    const upstream = deployment('ledger');
    upstream.spec.replicas = pods;
    const envoyConfigMap: Manifest = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'front-config', namespace: 'shop' },
      data: {
        'envoy.yaml': JSON.stringify({
          static_resources: {
            listeners: [],
            clusters: [{
              name: 'ledger_shop', type: 'STRICT_DNS',
              load_assignment: { cluster_name: 'ledger_shop', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'ledger.shop.svc.cluster.local', port_value: 9090 } } } }] }] },
              health_checks: [{ interval, timeout: '1s', unhealthy_threshold: 3, healthy_threshold: 2, grpc_health_check: {} }],
            }],
          },
        }),
      },
    };
    const front = deployment('front');
    front.spec.replicas = envoys;
    front.spec.template.spec.volumes = [{ name: 'config', configMap: { name: 'front-config' } }];
    return [upstream, service('ledger', headless), envoyConfigMap, front];
  }

  test('worked example: 10 Envoys, 40 gRPC pods behind a headless Service, 5 s interval', () => {
    const manifests = mesh(10, 40, true, '5s');
    const load = healthCheckLoads(new ManifestModel(manifests.map((manifest) => ({ manifest, suppressions: new Map() })))).find((l) => l.workload.name === 'ledger')!;
    // By hand: every Envoy checks every pod: 10 / 5 s = 2 req/s per pod; the kubelet adds 1/10 s + 1/5 s = 0.3;
    // all Envoys together send 10 × 40 / 5 s = 80 checks/s.
    expect(load.fromProxies).toBeCloseTo(2, 10);
    expect(load.fromKubelet).toBeCloseTo(0.3, 10);
    expect(load.perPod).toBeCloseTo(2.3, 10);
    expect(load.proxyChecksTotal).toBeCloseTo(80, 10);
    const [warning] = findings(manifests).filter((f) => f.ruleId === 'OBS-HCL1');
    expect(warning.level).toBe(Level.WARNING);
    expect(warning.message).toMatch(/each pod receives 2.3 health-check req\/s/);
    expect(warning.message).toMatch(/above the budget of 1 req\/s; the Envoys send 80 checks\/s/);
    expect(warning.message).toMatch(/a longer active check interval.*interval jitter.*cache time/);
  });

  test('behind a ClusterIP the same Envoys send one check per interval to the VIP, spread over the pods', () => {
    const load = healthCheckLoads(new ManifestModel(mesh(10, 40, false, '5s').map((manifest) => ({ manifest, suppressions: new Map() })))).find((l) => l.workload.name === 'ledger')!;
    expect(load.fromProxies).toBeCloseTo(10 / 5 / 40, 10);
    expect(load.proxyChecksTotal).toBeCloseTo(2, 10);
    expect(findings(mesh(10, 40, false, '5s')).filter((f) => f.ruleId === 'OBS-HCL1')).toEqual([]);
  });

  test('the budget is configurable', () => {
    expect(findings(mesh(10, 40, true, '5s'), 3).filter((f) => f.ruleId === 'OBS-HCL1')).toEqual([]);
    expect(findings(mesh(10, 40, true, '30s'), 1).filter((f) => f.ruleId === 'OBS-HCL1')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The API: check, enforce, suppress

function badApp(outdir: string) {
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const web = new ObservableService(chart, 'web', { image: 'registry.example.com/web:latest', port: 8080, replicas: 1 });
  return { app, chart, web };
}

describe('ProductionReadiness', () => {
  test('check() names the construct path of each finding', () => {
    const { chart } = badApp(fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-')));
    const img = ProductionReadiness.check(chart).find((f) => f.ruleId === 'OBS-IMG1')!;
    expect(img).toMatchObject({ resource: 'Deployment/shop/web', constructPath: 'shop/web/Deployment/Resource', level: Level.ERROR });
  });

  test('enforce() fails synth on errors, prints the table and writes the JSON report', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-'));
    const { app, chart } = badApp(outdir);
    ProductionReadiness.enforce(chart, { printTable: false });
    expect(() => app.synth()).toThrow(/shop\/web\/Deployment\/Resource: OBS-IMG1 image pinned: container "app" runs "registry.example.com\/web:latest"/);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'production-readiness.json'), 'utf8'));
    expect(report.summary.errors).toBeGreaterThanOrEqual(2);
    expect(report.findings.map((f: Manifest) => f.ruleId)).toEqual(expect.arrayContaining(['OBS-IMG1', 'OBS-CAP4']));
  });

  test('the table lists each error with rule, resource, construct path and message', () => {
    const { chart } = badApp(fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-')));
    const lines = formatTable(ProductionReadiness.check(chart)).split('\n');
    expect(lines[2]).toBe('Errors (each fails synth):');
    expect(lines[3]).toMatch(/^rule\s+resource\s+construct path \(or file\)\s+message$/);
    expect(lines).toContainEqual(expect.stringMatching(/^OBS-IMG1\s+Deployment\/shop\/web\s+shop\/web\/Deployment\/Resource\s+container "app" runs/));
  });

  test('a suppression with a reason covers the construct and its children, and stays in the report', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-'));
    const { app, chart, web } = badApp(outdir);
    ProductionReadiness.suppress(web, 'OBS-IMG1', 'the canary tracks latest on purpose in staging');
    ProductionReadiness.suppress(chart, 'OBS-CAP4', 'a staging product runs single replicas');
    const found = ProductionReadiness.check(chart);
    expect(found.find((f) => f.ruleId === 'OBS-IMG1')!.suppressedReason).toBe('the canary tracks latest on purpose in staging');
    expect(found.find((f) => f.ruleId === 'OBS-CAP4')!.suppressedReason).toBe('a staging product runs single replicas');
    ProductionReadiness.enforce(chart, { printTable: false });
    expect(() => app.synth()).not.toThrow();
    const yaml = fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8');
    expect(yaml).toContain('observable.cdk8s.io/suppress.OBS-IMG1: the canary tracks latest on purpose in staging');
  });

  test('a suppression without a real reason, or of an unknown rule, is an error', () => {
    const { web } = badApp(fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-')));
    expect(() => ProductionReadiness.suppress(web, 'OBS-IMG1', 'because')).toThrow(ConfigurationError);
    expect(() => ProductionReadiness.suppress(web, 'OBS-IMG1', 'because')).toThrow(/'reason' \("because"\) is shorter than 10 characters/);
    expect(() => ProductionReadiness.suppress(web, 'OBS-NOPE', 'a long enough reason')).toThrow(/'ruleId' \("OBS-NOPE"\) is not a rule that can be suppressed/);
    expect(() => ProductionReadiness.suppress(web, 'OBS-SUP1', 'a long enough reason')).toThrow(/'ruleId' \("OBS-SUP1"\) is not a rule that can be suppressed/);
  });

  test('every example passes its own rules with no error', () => {
    const app = Testing.app();
    buildExamples(app);
    const errors = ProductionReadiness.check(app).filter((f) => f.level === Level.ERROR && f.suppressedReason === undefined);
    expect(errors).toEqual([]);
  });

  test('every rule has a unique id, an explanation and a fix', () => {
    const ids = PRODUCTION_READINESS_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of PRODUCTION_READINESS_RULES) {
      expect(rule.id).toMatch(/^OBS-([A-Z]{3}\d|PSS(-[A-Z]+)+)$/);
      expect(rule.explanation.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
  });
});

// ---------------------------------------------------------------------------
// The cdk8s validation plugin

describe('ProductionReadinessValidation', () => {
  function runPlugin(manifests: Manifest[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, manifests.map((m) => JSON.stringify(m)).join('\n---\n'));
    const violations: Manifest[] = [];
    let status: string | undefined;
    const context = {
      manifests: [file],
      parseManifest: (f: string) => fs.readFileSync(f, 'utf8').split('\n---\n').map((d) => JSON.parse(d)),
      report: { addViolation: (v: Manifest) => violations.push(v), submit: (s: string) => { status = s; } },
      logger: { log: () => undefined },
    };
    return { dir, context, violations, status: () => status };
  }

  test('submits failure on an error and names the rule, the resource and the fix', async () => {
    const ms = compliant();
    container(ms[0]).image = 'web';
    const run = runPlugin(ms);
    await new ProductionReadinessValidation().validate(run.context);
    expect(run.status()).toBe('failure');
    const img = run.violations.find((v) => v.ruleName.startsWith('OBS-IMG1'))!;
    expect(img.fix).toMatch(/version tag/);
    expect(img.violatingResources[0]).toMatchObject({ resourceName: 'Deployment/shop/web', manifestPath: path.join(run.dir, 'app.k8s.yaml') });
    expect(fs.existsSync(path.join(run.dir, 'production-readiness.json'))).toBe(true);
  });

  test('submits success when only warnings remain; an annotation suppresses an error', async () => {
    const ms = compliant();
    container(ms[0]).image = 'web';
    ms[0].metadata.annotations['observable.cdk8s.io/suppress.OBS-IMG1'] = 'built and tagged by the release pipeline';
    const run = runPlugin(ms);
    await new ProductionReadinessValidation({ reportWarnings: false }).validate(run.context);
    expect(run.status()).toBe('success');
    expect(run.violations).toEqual([]);
  });
});

test('cdk8s synth with the plugin fails a plain cdk8s-plus app and names the rules', () => {
  const fixture = path.join(__dirname, 'fixtures', 'plain-cdk8s-plus');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-'));
  const cli = path.join(__dirname, '..', 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  let status = 0;
  let output = '';
  try {
    output = execFileSync(process.execPath, [cli, 'synth', '--output', outdir], { cwd: fixture, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const failed = e as { status: number; stdout: string; stderr: string };
    status = failed.status;
    output = `${failed.stdout}${failed.stderr}`;
  }
  expect(status).not.toBe(0);
  expect(output).toMatch(/OBS-IMG1 image pinned \(error\)/);
  expect(output).toMatch(/OBS-PRB1 probes present \(error\)/);
  expect(output).toMatch(/OBS-CAP4 more than one replica behind a Service \(error\)/);
  expect(output).toMatch(/OBS-PSS-RUN-AS-NON-ROOT Pod Security \(restricted\): running as non-root \(error\)/);
  expect(output).toMatch(/Validation failed/);
}, 60_000);

test('a gRPC service behind a front proxy: the load figure follows the headless Service', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
  const ledger = new ObservableService(chart, 'ledger', { image: 'a/ledger:1', port: 9090, protocol: Protocol.GRPC, replicas: 4 });
  new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: ledger }], replicas: 3 });
  const manifests = Testing.synth(chart) as Manifest[];
  const load = healthCheckLoads(new ManifestModel(manifests.map((manifest) => ({ manifest, suppressions: new Map() })))).find((l) => l.workload.name === 'ledger')!;
  // 3 Envoys every 5 s plus half the 1 s jitter: 3 / 5.5 s per pod.
  expect(load.fromProxies).toBeCloseTo(3 / 5.5, 10);
});

test('enforce() changes nothing in the output', () => {
  const synthDir = (enforce: boolean) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-'));
    const app = new App({ outdir });
    buildExamples(app);
    if (enforce) ProductionReadiness.enforce(app, { printTable: false });
    app.synth();
    return Object.fromEntries(fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  };
  const plain = synthDir(false);
  const enforced = synthDir(true);
  expect(Object.keys(enforced)).toEqual(Object.keys(plain));
  for (const file of Object.keys(plain)) expect(enforced[file]).toBe(plain[file]);
  // The suppressions stamped by suppress() are part of both.
  expect(plain['loadtest-invoice.k8s.yaml']).toContain('observable.cdk8s.io/suppress.OBS-CAP1');
});

describe('enforce() runs once per synthesis and mutates nothing', () => {
  test('with three charts cdk8s validates four times; the rules run, print and write the report once', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-once-'));
    const app = new App({ outdir });
    for (const id of ['one', 'two', 'three']) new ObservableService(new Chart(app, id, { namespace: id }), 'web', { image: 'a/web:1', port: 8080 });
    let validations = 0;
    app.node.addValidation({ validate: () => { validations++; return []; } });
    ProductionReadiness.enforce(app);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      app.synth();
      expect(validations).toBe(4);
      const tables = log.mock.calls.filter(([text]) => String(text).startsWith('Production readiness:'));
      expect(tables).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'production-readiness.json'), 'utf8')).summary.errors).toBe(0);
  });

  test('an object changed by a later validation keeps its change in the output', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-later-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    ProductionReadiness.enforce(app, { printTable: false });
    // Registered after enforce: it runs after the rules have read the objects.
    chart.node.addValidation({ validate: () => { web.deployment.metadata.addAnnotation('example.com/stamped', 'late'); return []; } });
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).toContain('example.com/stamped: late');
  });

  test('the rules run again in the next synthesis when the tree changed between two synthesis calls of one task', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-again-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    ProductionReadiness.enforce(app, { printTable: false });
    expect(() => app.synth()).not.toThrow();
    new ObservableService(chart, 'canary', { image: 'a/web:latest', port: 8080 });
    expect(() => app.synth()).toThrow(/OBS-IMG1/);
  });

  test('an object or an Envoy config edited between two synthesis calls of one task is written as edited', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-edit-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: web }] });
    ProductionReadiness.enforce(app, { printTable: false });
    const written = () => parse(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8').split(/^---$/m).find((d) => /kind: Deployment\s[\s\S]*name: web\n/.test(d))!);
    app.synth();
    expect(written().spec.minReadySeconds).toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).not.toContain('"port_value": 9911');
    // The rules read each object's JSON during the first call; the second call must not reuse it.
    ApiObject.of(web.deployment).addJsonPatch(JsonPatch.replace('/spec/minReadySeconds', 17));
    (front.config.admin as Manifest).address.socket_address.port_value = 9911;
    app.synth();
    expect(written().spec.minReadySeconds).toBe(17);
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).toContain('"port_value": 9911');
  });

  test('a chart without the library\'s constructs, synthesized alone twice in one task with an edit between, is read afresh', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-plain-')) });
    new ObservableService(new Chart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'a/web:1', port: 8080 });
    // Its toJson() is a synthesis call the library does not wrap; the readiness check still reads its objects.
    const plain = new Chart(app, 'plain', { namespace: 'plain' });
    const cm = new ApiObject(plain, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
    ProductionReadiness.enforce(app, { printTable: false });
    expect(Testing.synth(plain)[0].data).toEqual({ a: '1' });
    cm.addJsonPatch(JsonPatch.replace('/data/a', '2'));
    expect(Testing.synth(plain)[0].data).toEqual({ a: '2' });
    expect((cm.toJson() as { data: unknown }).data).toEqual({ a: '2' });
    // An object added between the two calls is checked by the second: here, a collision.
    new ApiObject(plain, 'cm2', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    expect(() => Testing.synth(plain)).toThrow(/plain\/cm and plain\/cm2 both write ConfigMap "cm"/);
  });

  test('a validation added to the last construct after a first synthesis still runs before the rules read the objects', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-late-validation-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
    const last = new Construct(chart, 'zz');
    ProductionReadiness.enforce(app, { printTable: false });
    app.synth();
    last.node.addValidation({ validate: () => { web.deployment.metadata.addAnnotation('example.com/stamped', 'late'); return []; } });
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf8')).toContain('example.com/stamped: late');
  });

  test('two enforce() calls on one scope each write their reports', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enforce-twice-'));
    const app = new App({ outdir });
    new ObservableService(new Chart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'a/web:1', port: 8080 });
    ProductionReadiness.enforce(app, { printTable: false, outdir: path.join(outdir, 'a') });
    ProductionReadiness.enforce(app, { printTable: false, outdir: path.join(outdir, 'b') });
    app.synth();
    for (const dir of ['a', 'b']) expect(fs.existsSync(path.join(outdir, dir, 'production-readiness.json'))).toBe(true);
  });

  test('an object made under a suppressed scope after suppress() fails synth, since its manifest lacks the suppression', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'suppress-late-'));
    const { app, chart } = badApp(outdir);
    ProductionReadiness.suppress(chart, 'OBS-IMG1', 'staging tracks latest on purpose');
    new ObservableService(chart, 'late', { image: 'a/late:latest', port: 8080 });
    expect(() => app.synth()).toThrow(/shop\/late\/Deployment\/Resource: was made after ProductionReadiness.suppress\(shop, 'OBS-IMG1'\)/);
  });
});
