import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ConfigurationError, DisruptionBudget, NodeGroup, ObservableService, ObservableServiceProps, Protocol, SpreadMode, Startup, TopologySpread } from '../lib';
import { constructError } from './support/errors';
import { kubernetesSchemaErrors } from './support/kubernetes-schema';
import { Manifest, appContainer, only, synth, testChart } from './support/synth';

function build(props: Partial<ObservableServiceProps> = {}, namespace?: string) {
  const chart = testChart(namespace);
  const service = new ObservableService(chart, 'web', { image: 'registry.example.com/team/web:1.2.3', port: 8080, ...props });
  const manifests = synth(chart);
  return { chart, service, manifests, deployment: only(manifests, 'Deployment'), svc: only(manifests, 'Service') };
}

function errorFor(props: Partial<ObservableServiceProps>): ConfigurationError {
  return constructError(() => new ObservableService(testChart(), 'web', { image: 'registry.example.com/team/web:1.2.3', port: 8080, ...props }));
}

describe('HTTP service', () => {
  test('sits behind a ClusterIP Service with an http port and appProtocol', () => {
    const { svc } = build();
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', appProtocol: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('liveness probes /live and readiness probes /ready over HTTP', () => {
    const container = appContainer(build().deployment);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/live', port: 8080, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
  });

  test('a startup probe on /live guards a slow start instead of cdk8s-plus default TCP probe', () => {
    const container = appContainer(build({ health: { startup: Startup.probe({ maxStartupTime: Duration.seconds(60), period: Duration.seconds(5) }) } }).deployment);
    expect(container.startupProbe).toEqual({ httpGet: { path: '/live', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 12 });
  });

  test('an initial delay replaces the startup probe', () => {
    const container = appContainer(build({ health: { startup: Startup.initialDelay(Duration.seconds(20)) } }).deployment);
    expect(container.startupProbe).toBeUndefined();
    expect(container.livenessProbe.initialDelaySeconds).toBe(20);
    expect(container.readinessProbe.initialDelaySeconds).toBe(20);
  });

  test('probe timings are taken from props', () => {
    const container = appContainer(build({ health: { readiness: { period: Duration.seconds(3), timeout: Duration.seconds(1), failureThreshold: 2 } } }).deployment);
    expect(container.readinessProbe).toMatchObject({ periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 2 });
    expect(container.livenessProbe).toMatchObject({ periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
  });

  test('custom health paths are used and published', () => {
    const { deployment, service } = build({ health: { endpoints: { live: '/internal/live', ready: '/internal/ready', healthz: '/status' } } });
    expect(appContainer(deployment).livenessProbe.httpGet.path).toBe('/internal/live');
    expect(service.health.healthz).toBe('/status');
    expect(deployment.spec.template.metadata.annotations['observable.cdk8s.io/health-healthz']).toBe('/status');
  });

  test('/healthz is published as data, never probed by the kubelet', () => {
    const { deployment, service } = build();
    const container = appContainer(deployment);
    const probed = [container.livenessProbe, container.readinessProbe, container.startupProbe].map((p) => p.httpGet.path);
    expect(probed).not.toContain('/healthz');
    expect(service.health.healthz).toBe('/healthz');
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'observable.cdk8s.io/health-live': '/live',
      'observable.cdk8s.io/health-ready': '/ready',
      'observable.cdk8s.io/health-healthz': '/healthz',
      'observable.cdk8s.io/protocol': 'http',
    });
  });
});

describe('gRPC service', () => {
  test('sits behind a headless Service with a grpc port and appProtocol', () => {
    const { svc, service } = build({ protocol: Protocol.GRPC, port: 9090 });
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'grpc', appProtocol: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' }]);
    expect(service.headless).toBe(true);
  });

  test('liveness, readiness and startup are native gRPC probes on distinct health services', () => {
    const container = appContainer(build({ protocol: Protocol.GRPC, port: 9090 }).deployment);
    expect(container.livenessProbe).toEqual({ grpc: { port: 9090, service: 'liveness' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.readinessProbe).toEqual({ grpc: { port: 9090, service: 'readiness' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.startupProbe.grpc).toEqual({ port: 9090, service: 'liveness' });
    expect(container.livenessProbe.httpGet).toBeUndefined();
  });

  test('the patched Deployment passes the Kubernetes schema', () => {
    const { manifests } = build({ protocol: Protocol.GRPC, port: 9090 });
    expect(manifests.flatMap((m) => kubernetesSchemaErrors(m))).toEqual([]);
  });
});

describe('facts for other constructs', () => {
  test('DNS name, port, protocol and name come from the declaration and the chart namespace', () => {
    const { service } = build({}, 'accounting');
    expect(service.dnsName).toBe('web.accounting.svc.cluster.local');
    expect(service.port).toBe(8080);
    expect(service.protocol).toBe(Protocol.HTTP);
    expect(service.name).toBe('web');
  });

  test('namespace defaults to "default" and can be set per service', () => {
    expect(build().service.dnsName).toBe('web.default.svc.cluster.local');
    const { service, deployment } = build({ namespace: 'billing' }, 'accounting');
    expect(service.dnsName).toBe('web.billing.svc.cluster.local');
    expect(deployment.metadata.namespace).toBe('billing');
  });

  test('children are exposed for escape hatches', () => {
    const { service } = build({ throughput: { normalRps: 100, peakRps: 400, rpsPerPod: 50 }, autoscaling: {} });
    expect(service.deployment).toBeInstanceOf(kplus.Deployment);
    expect(service.service).toBeInstanceOf(kplus.Service);
    expect(service.autoscaler).toBeInstanceOf(kplus.HorizontalPodAutoscaler);
    expect(service.disruptionBudget).toBeDefined();
  });
});

describe('labels', () => {
  test('every object carries the recommended labels, version from the image tag', () => {
    const { manifests } = build({ partOf: 'accounting', autoscaling: { maxReplicas: 4 } });
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
    for (const manifest of manifests) {
      expect(manifest.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/version': '1.2.3',
        'app.kubernetes.io/part-of': 'accounting',
        'app.kubernetes.io/managed-by': 'cdk8s-observable',
      });
    }
  });

  test('the selector does not change when the version changes', () => {
    const v1 = build({ image: 'registry.example.com/team/web:1.0.0' });
    const v2 = build({ image: 'registry.example.com/team/web:2.0.0' });
    expect(v1.deployment.spec.selector).toEqual(v2.deployment.spec.selector);
    expect(v1.svc.spec.selector).toEqual(v2.svc.spec.selector);
    expect(v1.deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web' } });
    expect(v2.deployment.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2.0.0');
  });

  test('a digest-pinned image without a tag gets a version from the digest', () => {
    const digest = `sha256:${'ab12'.repeat(16)}`;
    const { deployment } = build({ image: `registry.example.com/team/web@${digest}` });
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('ab12ab12ab12');
  });
});

describe('secure defaults', () => {
  test('non-root, read-only root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp', () => {
    const { deployment } = build();
    const pod = deployment.spec.template.spec;
    expect(appContainer(deployment).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('no service account token unless a service account is given', () => {
    expect(build().deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
    const chart = testChart();
    const account = kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'web-reader');
    new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080, serviceAccount: account });
    const pod = only(synth(chart), 'Deployment').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.serviceAccountName).toBe('web-reader');
  });

  test('a writable /tmp emptyDir with a size limit', () => {
    const { deployment } = build({ tmpSize: Size.mebibytes(128) });
    expect(appContainer(deployment).volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }]);
  });

  test('the read-only root filesystem is loosened only when asked', () => {
    const { deployment } = build({ security: { readOnlyRootFilesystem: false } });
    expect(appContainer(deployment).securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('a pinned image is pulled if not present; latest is always pulled', () => {
    expect(appContainer(build().deployment).imagePullPolicy).toBe('IfNotPresent');
    expect(appContainer(build({ image: 'nginx:latest' }).deployment).imagePullPolicy).toBe('Always');
  });
});

describe('resources', () => {
  test('deliberate defaults replace cdk8s-plus defaults', () => {
    expect(appContainer(build().deployment).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '256Mi' } });
  });

  test('given values win, missing ones default', () => {
    const { deployment } = build({ resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { limit: Size.gibibytes(1) } } });
    expect(appContainer(deployment).resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
  });
});

describe('environment, command and args', () => {
  test('are passed to the container', () => {
    const { deployment } = build({ env: { LOG_LEVEL: kplus.EnvValue.fromValue('info') }, command: ['/app/server'], args: ['--port', '8080'] });
    const container: Manifest = appContainer(deployment);
    expect(container.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(container.command).toEqual(['/app/server']);
    expect(container.args).toEqual(['--port', '8080']);
  });
});

describe('placement', () => {
  test('a node group becomes required node affinity on the configured label', () => {
    const pod = build({ nodeGroup: NodeGroup.named('app-nodes', 'karpenter.sh/nodepool') }).deployment.spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['app-nodes'] }] },
    ]);
  });

  test('the node group label defaults to the EKS managed node group label', () => {
    expect(NodeGroup.named('app').labelKey).toBe('eks.amazonaws.com/nodegroup');
  });

  test('pods spread across hosts and zones by default, preferred', () => {
    const constraints = build().deployment.spec.template.spec.topologySpreadConstraints;
    expect(constraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
    ]);
  });

  test('a required spread and no spread are possible', () => {
    const required = build({ topologySpread: TopologySpread.acrossHostsAndZones(SpreadMode.REQUIRED) }).deployment.spec.template.spec;
    expect(required.topologySpreadConstraints.map((c: Manifest) => c.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'DoNotSchedule']);
    expect(build({ topologySpread: TopologySpread.none() }).deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });
});

describe('replicas, throughput and autoscaling', () => {
  test('two replicas by default, with a disruption budget of one pod', () => {
    const { deployment, manifests } = build();
    expect(deployment.spec.replicas).toBe(2);
    expect(only(manifests, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('one replica gets no disruption budget', () => {
    expect(build({ replicas: 1 }).manifests.map((m) => m.kind)).not.toContain('PodDisruptionBudget');
  });

  test('the capacity plan gives pods at normal and peak load', () => {
    const { service } = build({ throughput: { normalRps: 250, peakRps: 1000, rpsPerPod: 120 } });
    expect(service.capacity).toMatchObject({ podsAtNormal: 3, podsAtPeak: 9 });
  });

  test('without an autoscaler, a capacity plan sizes the Deployment for peak', () => {
    expect(build({ throughput: { normalRps: 250, peakRps: 1000, rpsPerPod: 120 } }).deployment.spec.replicas).toBe(9);
  });

  test('the autoscaler scales between the normal and peak pod counts on CPU, and the Deployment has no replica count', () => {
    const { deployment, manifests } = build({ throughput: { normalRps: 250, peakRps: 1000, rpsPerPod: 120 }, autoscaling: {} });
    const hpa = only(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      minReplicas: 3, maxReplicas: 9,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  test('an explicit maximum wins over the peak count', () => {
    const hpa = only(build({ throughput: { normalRps: 250, peakRps: 1000, rpsPerPod: 120 }, autoscaling: { maxReplicas: 20, minReplicas: 4, targetCpuUtilization: 60 } }).manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 4, maxReplicas: 20 });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(60);
  });

  test('the autoscaler minimum is at least two even when normal load needs one pod', () => {
    const { service } = build({ throughput: { normalRps: 10, peakRps: 100, rpsPerPod: 50 }, autoscaling: {} });
    expect(service.replicas).toEqual({ min: 2, max: 2, targetCpuUtilization: 70 });
  });

  test('a minAvailable budget below the minimum is written as given', () => {
    const pdb = only(build({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(2) }).manifests, 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.maxUnavailable).toBeUndefined();
  });

  test('DisruptionBudget.none() writes no budget', () => {
    expect(build({ disruptionBudget: DisruptionBudget.none() }).manifests.map((m) => m.kind)).not.toContain('PodDisruptionBudget');
  });
});

describe('bad input is a construct-time error naming the construct path and the prop', () => {
  test.each<[string, Partial<ObservableServiceProps>, string, RegExp]>([
    ['empty image', { image: '' }, 'image', /is empty/],
    ['image with spaces', { image: 'web app:1' }, 'image', /white space/],
    ['image with upper-case repository', { image: 'Team/Web:1' }, 'image', /malformed repository/],
    ['port 0', { port: 0 }, 'port', /from 1 to 65535/],
    ['port above 65535', { port: 70000 }, 'port', /from 1 to 65535/],
    ['fractional port', { port: 80.5 }, 'port', /whole number/],
    ['invalid name', { name: 'Web_API' }, 'name', /DNS-1035/],
    ['name too long', { name: 'a'.repeat(64) }, 'name', /at most 63/],
    ['invalid namespace', { namespace: 'Accounting' }, 'namespace', /DNS-1123/],
    ['CPU request above limit', { resources: { cpu: { request: kplus.Cpu.millis(2000), limit: kplus.Cpu.millis(1000) } } }, 'resources.cpu.request', /above the limit/],
    ['memory request above limit', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }, 'resources.memory.request', /above the limit/],
    ['fractional millicores', { resources: { cpu: { request: kplus.Cpu.millis(0.5) } } }, 'resources.cpu.request', /whole number of millicores/],
    ['autoscaling min above max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, 'autoscaling.minReplicas', /above autoscaling.maxReplicas/],
    ['autoscaling without max or throughput', { autoscaling: {} }, 'autoscaling.maxReplicas', /cannot be computed/],
    ['utilization above 100', { autoscaling: { maxReplicas: 4, targetCpuUtilization: 150 } }, 'autoscaling.targetCpuUtilization', /1 to 100/],
    ['replicas with autoscaling', { replicas: 3, autoscaling: { maxReplicas: 5 } }, 'replicas', /cannot be combined/],
    ['zero replicas', { replicas: 0 }, 'replicas', /at least 1/],
    ['identical health paths', { health: { endpoints: { live: '/health', ready: '/health' } } }, 'health.endpoints', /three distinct endpoints/],
    ['relative health path', { health: { endpoints: { ready: 'ready' } } }, 'health.endpoints.ready', /must start with '\/'/],
    ['health path with a query', { health: { endpoints: { live: '/live?full=1' } } }, 'health.endpoints.live', /URL path characters only .*no whitespace, control character, quote, brace, '\?' or '#'/],
    ['timeout above period', { health: { liveness: { period: Duration.seconds(5), timeout: Duration.seconds(10) } } }, 'health.liveness.timeout', /longer than the period/],
    ['sub-second period', { health: { readiness: { period: Duration.millis(500) } } }, 'health.readiness.period', /whole number of seconds/],
    ['zero failure threshold', { health: { readiness: { failureThreshold: 0 } } }, 'health.readiness.failureThreshold', /at least 1/],
    ['negative throughput', { throughput: { normalRps: -1, peakRps: 100, rpsPerPod: 10 } }, 'throughput.normalRps', /positive number/],
    ['zero per-pod capacity', { throughput: { normalRps: 10, peakRps: 100, rpsPerPod: 0 } }, 'throughput.rpsPerPod', /positive number/],
    ['normal above peak', { throughput: { normalRps: 500, peakRps: 100, rpsPerPod: 10 } }, 'throughput.normalRps', /above throughput.peakRps/],
    ['minAvailable not below the minimum', { replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) }, 'disruptionBudget.minAvailable', /could ever be drained/],
    ['invalid node group label', { nodeGroup: NodeGroup.named('app', 'bad key/with/slashes') }, 'nodeGroup.labelKey', /more than one/],
    ['invalid node group name', { nodeGroup: NodeGroup.named('app nodes') }, 'nodeGroup.name', /not a valid label value/],
    ['root user', { security: { runAsUser: 0 } }, 'security.runAsUser', /non-root/],
    ['version not a label value', { version: 'v1+build/2' }, 'version', /not a valid label value/],
  ])('%s', (_title, props, prop, problem) => {
    const error = errorFor(props);
    expect(error.problems.map((p) => p.prop)).toContain(prop);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`test/web: '${prop}'`);
    expect(error.message).toMatch(/Fix: \S/);
  });

  test('all problems of one declaration are reported together', () => {
    const error = errorFor({ image: '', port: -1, replicas: 0 });
    expect(error.problems.map((p) => p.prop)).toEqual(['image', 'port', 'replicas']);
    expect(error.message.split('\n')).toHaveLength(3);
  });

  test('a construct id that is not a valid name is reported as such', () => {
    const error = constructError(() => new ObservableService(testChart(), 'WebAPI', { image: 'a/web:1', port: 80 }));
    expect(error.problems[0].prop).toBe('name (from the construct id)');
  });

  test('gRPC health names are not required to be paths', () => {
    const { service } = build({ protocol: Protocol.GRPC, port: 9090, health: { endpoints: { live: 'app.Live', ready: 'app.Ready' } } });
    expect(service.health).toMatchObject({ live: 'app.Live', ready: 'app.Ready', healthz: '' });
  });
});

test('two synths of the same declaration are identical', () => {
  const first = JSON.stringify(build({ protocol: Protocol.GRPC, port: 9090, autoscaling: { maxReplicas: 6 } }).manifests);
  const second = JSON.stringify(build({ protocol: Protocol.GRPC, port: 9090, autoscaling: { maxReplicas: 6 } }).manifests);
  expect(second).toBe(first);
});
