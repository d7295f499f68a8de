import { ApiObject, App, Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { ConfigurationError, DatadogAgent, ObservableService, PodSecurityLevel, ProductionReadiness, ProductionReadinessValidation, Tracing } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { Resource } from '../lib/readiness/model';
import { ReadinessOptions } from '../lib/readiness/rule';
import { buildCollector, buildFrontEnvoy, buildOperations, buildService, collectorDecl, declarationChart, frontEnvoyDecl, operationsDecl, serviceDecl, TracingDecl } from './support/declarations';
import { Manifest } from './support/synth';

/** A pod spec breaking the baseline profile: root, privileged, an unpinned image. */
const rootPrivileged = (): Manifest => ({ containers: [{ name: 'web', image: 'nginx:latest', securityContext: { runAsUser: 0, privileged: true } }] });

function ruleIds(manifests: Manifest[], options: ReadinessOptions = {}): string[] {
  return [...new Set(evaluate(manifests.map((manifest): Resource => ({ manifest, suppressions: new Map() })), options).map((f) => f.ruleId))].sort();
}

// ---------------------------------------------------------------------------
// Every object that carries a pod

describe('the rules see every pod', () => {
  const template = () => ({ metadata: { labels: { app: 'x' } }, spec: rootPrivileged() });
  const carriers: Array<[string, Manifest]> = [
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { template: template() } }],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template() } } } }],
    ['ReplicationController', { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x' }, spec: { replicas: 2, template: template() } }],
    ['PodTemplate', { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'x' }, template: template() }],
    ['Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: rootPrivileged() }],
  ];

  test.each(carriers)('a %s running nginx:latest as root and privileged', (_kind, manifest) => {
    expect(ruleIds([manifest])).toEqual(expect.arrayContaining(['OBS-IMG1', 'OBS-PSS-PRIVILEGED', 'OBS-PSS-RUN-AS-NON-ROOT', 'OBS-PSS-RUN-AS-USER']));
  });

  test('a Job and a CronJob as root and privileged fail enforce, named by construct path', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'batch', { namespace: 'batch' });
    new ApiObject(chart, 'report', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report' }, spec: { template: { spec: { ...rootPrivileged(), restartPolicy: 'Never' } } } });
    new ApiObject(chart, 'nightly', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { ...rootPrivileged(), restartPolicy: 'Never' } } } } },
    });
    ProductionReadiness.enforce(app, { printTable: false });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    for (const path of ['batch/report', 'batch/nightly']) {
      for (const rule of ['OBS-IMG1', 'OBS-PSS-PRIVILEGED', 'OBS-PSS-RUN-AS-NON-ROOT', 'OBS-PSS-RUN-AS-USER']) expect(message).toContain(`${path}: ${rule} `);
    }
    // A batch pod runs to completion: no probes are asked of it.
    expect(message).not.toMatch(/OBS-PRB1/);
  });

  test('a Deployment inside a List (and a List inside a List) is checked as an object of its own', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'listed', namespace: 'shop' }, spec: { template: { spec: rootPrivileged() } } };
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'List', items: [deployment] }] };
    const found = evaluate([{ manifest: list, file: '/out/list.yaml', suppressions: new Map() }]);
    expect(found.filter((f) => f.ruleId === 'OBS-PSS-PRIVILEGED').map((f) => [f.resource, f.file])).toEqual([['Deployment/shop/listed', '/out/list.yaml']]);
  });

  test('an item of a List carries its own suppressions', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'listed', annotations: { 'observable.cdk8s.io/suppress.OBS-IMG1': 'the mirror pins by digest at deploy' } },
      spec: { template: { spec: rootPrivileged() } },
    };
    const found = evaluate([{ manifest: { apiVersion: 'v1', kind: 'List', items: [deployment] }, suppressions: new Map() }]);
    expect(found.find((f) => f.ruleId === 'OBS-IMG1')!.suppressedReason).toBe('the mirror pins by digest at deploy');
  });

  test('a privileged root init container is caught, and an ephemeral container too', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        initContainers: [{ name: 'setup', image: 'busybox:1.36', securityContext: { privileged: true, runAsUser: 0, runAsNonRoot: false } }],
        containers: [{ name: 'app', image: 'a/app:1.0.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } }],
        ephemeralContainers: [{ name: 'debug', image: 'busybox:latest' }],
      },
    };
    const found = evaluate([{ manifest: pod, suppressions: new Map() }]);
    const messages = (id: string) => found.filter((f) => f.ruleId === id).map((f) => f.message);
    expect(messages('OBS-PSS-PRIVILEGED')).toEqual(['init container "setup" is privileged (restricted v1.37)']);
    expect(messages('OBS-PSS-RUN-AS-USER')).toEqual(['init container "setup" sets runAsUser: 0 (restricted v1.37)']);
    expect(messages('OBS-PSS-RUN-AS-NON-ROOT')).toEqual(['init container "setup" sets runAsNonRoot: false (restricted v1.37)']);
    expect(messages('OBS-IMG1')).toEqual(['ephemeral container "debug" runs "busybox:latest", which is not pinned']);
    // Init containers take no probes and are not long-running: no resource or probe finding names them.
    expect(found.filter((f) => ['OBS-RES1', 'OBS-PRB1'].includes(f.ruleId)).map((f) => f.message).join(' ')).not.toMatch(/setup|debug/);
  });

  test('a native sidecar (an init container that restarts) needs resources and probes like a container', () => {
    const sidecar = { name: 'proxy', image: 'a/proxy:1.0.0', restartPolicy: 'Always' };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { initContainers: [sidecar], containers: [] } };
    const found = evaluate([{ manifest: pod, suppressions: new Map() }]);
    expect(found.filter((f) => ['OBS-RES1', 'OBS-PRB1'].includes(f.ruleId)).map((f) => f.message)).toEqual([
      'sidecar container "proxy" has no readinessProbe and livenessProbe',
      'sidecar container "proxy" has no requests.cpu, requests.memory, limits.cpu, limits.memory',
    ]);
  });
});

// ---------------------------------------------------------------------------
// The profile and its version

describe('podSecurity and podSecurityVersion', () => {
  const pod = (spec: Manifest) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
  const restrictedOk = (extra: Manifest = {}) => pod({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...extra },
    containers: [{ name: 'c', image: 'a/c:1.0.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  });
  const pss = (manifest: Manifest, options: ReadinessOptions) => ruleIds([manifest], options).filter((id) => id.startsWith('OBS-PSS-'));

  test('restricted is the default; baseline leaves out the restricted controls', () => {
    const root = pod({ containers: [{ name: 'c', image: 'a/c:1.0.0' }] });
    expect(pss(root, {})).toEqual(['OBS-PSS-CAPABILITIES-RESTRICTED', 'OBS-PSS-PRIVILEGE-ESCALATION', 'OBS-PSS-RUN-AS-NON-ROOT', 'OBS-PSS-SECCOMP-RESTRICTED']);
    expect(pss(root, { podSecurity: PodSecurityLevel.BASELINE })).toEqual([]);
  });

  test('a restricted control replaces the baseline one it overrides: one finding, not two', () => {
    const volume = restrictedOk();
    volume.spec.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }];
    expect(pss(volume, {})).toEqual(['OBS-PSS-VOLUME-TYPES']);
    expect(pss(volume, { podSecurity: PodSecurityLevel.BASELINE })).toEqual(['OBS-PSS-HOST-PATH']);
    const caps = restrictedOk();
    caps.spec.containers[0].securityContext.capabilities.add = ['NET_RAW'];
    expect(pss(caps, {})).toEqual(['OBS-PSS-CAPABILITIES-RESTRICTED']);
    expect(pss(caps, { podSecurity: PodSecurityLevel.BASELINE })).toEqual(['OBS-PSS-CAPABILITIES']);
    // Before 1.22 the restricted capabilities control does not exist and the baseline one runs at restricted.
    expect(pss(caps, { podSecurityVersion: 'v1.21' })).toEqual(['OBS-PSS-CAPABILITIES']);
  });

  test('version boundaries follow the upstream revisions', () => {
    const sysctl = (name: string) => restrictedOk({ sysctls: [{ name, value: '1' }] });
    expect(pss(sysctl('net.ipv4.tcp_keepalive_time'), { podSecurityVersion: 'v1.29' })).toEqual([]);
    expect(pss(sysctl('net.ipv4.tcp_keepalive_time'), { podSecurityVersion: 'v1.28' })).toEqual(['OBS-PSS-SYSCTLS']);
    expect(pss(sysctl('net.ipv4.tcp_notsent_lowat'), { podSecurityVersion: 'v1.36' })).toEqual(['OBS-PSS-SYSCTLS']);
    expect(pss(sysctl('net.ipv4.tcp_notsent_lowat'), {})).toEqual([]);
    const probeHost = restrictedOk();
    probeHost.spec.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 8080 } };
    expect(pss(probeHost, { podSecurityVersion: 'v1.33' })).toEqual([]);
    expect(pss(probeHost, { podSecurityVersion: 'v1.34' })).toEqual(['OBS-PSS-HOST-PROBES']);
    const unmasked = pod({ hostUsers: false, containers: [{ name: 'c', image: 'a/c:1.0.0', securityContext: { procMount: 'Unmasked' } }] });
    expect(pss(unmasked, { podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.34' })).toEqual(['OBS-PSS-PROC-MOUNT']);
    expect(pss(unmasked, { podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.35' })).toEqual([]);
    // Restricted keeps /proc masked even in a user namespace (check_procMount_restricted.go).
    expect(pss(unmasked, { podSecurityVersion: 'v1.35' })).toContain('OBS-PSS-PROC-MOUNT');
    // A version newer than the newest implemented evaluates as the newest, as the API server does.
    expect(pss(sysctl('net.ipv4.tcp_notsent_lowat'), { podSecurityVersion: 'v1.99' })).toEqual([]);
  });

  test('Windows pods are exempt from the Linux-only restricted controls from 1.25 on', () => {
    const windows = pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'a/c:1.0.0' }] });
    expect(pss(windows, {})).toEqual([]);
    expect(pss(windows, { podSecurityVersion: 'v1.24' })).toEqual(['OBS-PSS-CAPABILITIES-RESTRICTED', 'OBS-PSS-PRIVILEGE-ESCALATION', 'OBS-PSS-SECCOMP-RESTRICTED']);
  });

  test('a wrong profile or version is a ConfigurationError naming the prop and the fix, from check, enforce and the plugin', () => {
    const chart = new Chart(Testing.app(), 'shop');
    expect(() => ProductionReadiness.check(chart, { podSecurity: 'privileged' as PodSecurityLevel })).toThrow(ConfigurationError);
    expect(() => ProductionReadiness.check(chart, { podSecurity: 'privileged' as PodSecurityLevel })).toThrow(/^shop: 'podSecurity' \("privileged"\) is not a Pod Security Standards profile this library checks\. Fix: use 'restricted' or 'baseline'$/);
    expect(() => ProductionReadiness.enforce(chart, { podSecurityVersion: '1.30' })).toThrow(/'podSecurityVersion' \("1\.30"\) is not a policy version\. Fix: use 'latest' or 'v1\.<minor>', such as 'v1\.37'/);
    expect(() => new ProductionReadinessValidation({ podSecurityVersion: 'v01.30' })).toThrow(/^cdk8s.yaml validations: ProductionReadinessValidation properties: 'podSecurityVersion'/);
  });

  test('the plugin takes the profile from its properties', async () => {
    const fs = await import('fs');
    const os = await import('os');
    const path = await import('path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-pss-'));
    const file = path.join(dir, 'a.k8s.yaml');
    fs.writeFileSync(file, JSON.stringify(pod({ containers: [{ name: 'c', image: 'a/c:1.0.0' }] })));
    const run = async (props: ConstructorParameters<typeof ProductionReadinessValidation>[0]) => {
      const rules: string[] = [];
      await new ProductionReadinessValidation(props).validate({
        manifests: [file], parseManifest: (f) => [JSON.parse(fs.readFileSync(f, 'utf8'))],
        report: { addViolation: (v) => { rules.push(v.ruleName.split(' ')[0]); }, submit: () => undefined }, logger: { log: () => undefined },
      });
      return rules.filter((r) => r.startsWith('OBS-PSS-'));
    };
    expect(await run({})).toContain('OBS-PSS-RUN-AS-NON-ROOT');
    expect(await run({ podSecurity: PodSecurityLevel.BASELINE })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The library's own workloads

/** Whether a declaration asks for the Datadog agent's Unix socket, the one hostPath the library writes. */
const usesSocket = (t?: TracingDecl) => t?.kind === 'datadog' && t.agent === 'socket';

function pssFindings(chart: Chart): string[] {
  return ProductionReadiness.check(chart).filter((f) => f.ruleId.startsWith('OBS-PSS-')).map((f) => `${f.ruleId} ${f.resource}: ${f.message}`);
}

describe("the library's workloads pass restricted", () => {
  test('every construct, with any options, raises no OBS-PSS- finding unless it mounts the Datadog socket', () => {
    const run = <T>(arb: fc.Arbitrary<T>, build: (chart: Chart, d: T) => void, socket: (d: T) => boolean) => fc.assert(fc.property(arb, (d) => {
      const chart = declarationChart(Testing.app(), 'shop');
      build(chart, d);
      const found = pssFindings(chart);
      if (socket(d)) expect(found.every((f) => f.startsWith('OBS-PSS-VOLUME-TYPES') && f.includes('is hostPath'))).toBe(true);
      else expect(found).toEqual([]);
    }), { numRuns: 25 });
    run(serviceDecl, (chart, d) => buildService(chart, d), (d) => usesSocket(d.tracing));
    run(frontEnvoyDecl, (chart, d) => buildFrontEnvoy(chart, d), (d) => usesSocket(d.tracing) || d.services.some((s) => usesSocket(s.tracing)));
    run(collectorDecl, (chart, d) => buildCollector(chart, d), () => false);
    run(operationsDecl, (chart, d) => buildOperations(chart, d), (d) => d.services.some((s) => usesSocket(s.tracing)));
  });

  test('the Datadog socket, chosen explicitly, is reported at both profiles by the hostPath controls', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new ObservableService(chart, 'web', { image: 'a/web:1.0.0', port: 8080, tracing: Tracing.datadog({ env: 'prod', agent: DatadogAgent.unixSocket() }) });
    expect(pssFindings(chart)).toEqual(['OBS-PSS-VOLUME-TYPES Deployment/shop/web: volume "datadog-apm-socket" is hostPath (restricted v1.37)']);
    expect(ProductionReadiness.check(chart, { podSecurity: PodSecurityLevel.BASELINE }).filter((f) => f.ruleId.startsWith('OBS-PSS-')).map((f) => f.ruleId)).toEqual(['OBS-PSS-HOST-PATH']);
  });
});
