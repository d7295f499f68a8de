/**
 * The hardened workload every construct of this library that runs pods is
 * built on: a Deployment with the secure defaults, its Service, and the
 * optional autoscaler and disruption budget.
 * @internal
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Identity } from '../common/identity';
import { ImageReference, isPinned } from '../common/image';
import { DisruptionBudget, ReplicaRange } from './capacity';
import { TransportProtocol } from './egress';
import { WorkloadNetwork, registerNetwork } from './network';
import { NodeGroup, TopologySpread, topologySpreadConstraints } from './placement';
import { HostPathMount, PodFeatureBinding, WorkloadPort } from './pod-feature';
import { ResolvedResources } from './resources';
import { POD_SECCOMP_PROFILE, ResolvedSecurity, containerSecurityContext, podSecurityContext } from './security';
import { NewerField, writeNewerFields } from './versioned-deployment';

/** An image reference with the text it was parsed from. */
export type ImageRef = ImageReference & { readonly ref: string };

/** Everything a hardened workload is built from, already checked. */
export interface WorkloadSpec {
  readonly identity: Identity;
  /** Annotations of the pods. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** Annotations of the Deployment itself (not its pods: changing them rolls nothing). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels of the Deployment and its pods only (not of the Service and the others). */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly image: ImageRef;
  readonly ports: readonly WorkloadPort[];
  readonly command?: string[];
  readonly args?: string[];
  /** Environment variables, in order. */
  readonly env?: ReadonlyArray<readonly [string, kplus.EnvValue]>;
  /** Host directories mounted read-only. */
  readonly hostPaths?: readonly HostPathMount[];
  readonly resources: ResolvedResources;
  /** Probes cdk8s-plus can express. */
  readonly probes: { readonly liveness?: kplus.Probe; readonly readiness?: kplus.Probe; readonly startup?: kplus.Probe };
  /** Probes as core/v1 JSON, for what cdk8s-plus cannot express (gRPC). */
  readonly jsonProbes?: { readonly livenessProbe?: object; readonly readinessProbe?: object; readonly startupProbe?: object };
  readonly replicas: ReplicaRange;
  readonly disruptionBudget?: DisruptionBudget;
  readonly security: ResolvedSecurity;
  readonly serviceAccount?: kplus.IServiceAccount;
  readonly nodeGroup?: NodeGroup;
  readonly topologySpread: TopologySpread;
  readonly tmpSize: Size;
  readonly serviceType: kplus.ServiceType;
  readonly headless: boolean;
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** The container's pre-stop action. */
  readonly preStop?: PodFeatureBinding['preStop'];
  /** The pod's termination grace period, in seconds. */
  readonly terminationGracePeriodSeconds?: number;
  /** Whether the pods run the Istio sidecar (for the network policies). */
  readonly mesh?: boolean;
  /** Whether the pods call the Kubernetes API (for the network policies). */
  readonly callsKubernetesApi?: boolean;
}

/** The objects of a workload. */
export interface Workload {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  readonly disruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  /** The network facts, registered on the scope for `NetworkIsolation` to find. */
  readonly network: WorkloadNetwork;
}

/**
 * A Deployment with the secure defaults, its Service, and the optional
 * autoscaler and disruption budget: the part every construct of this
 * library that runs pods shares.
 */
export function buildWorkload(scope: Construct, spec: WorkloadSpec): Workload {
  const { identity, security } = spec;
  const metadata = { name: identity.name, namespace: identity.namespace, labels: { ...identity.labels } };
  const podLabels = { ...identity.labels, ...spec.podLabels };
  const autoscaled = spec.replicas.targetCpuUtilization !== undefined;
  const deploymentMetadata = { ...metadata, labels: podLabels, annotations: spec.annotations ? { ...spec.annotations } : undefined };
  const deployment = new kplus.Deployment(scope, 'Deployment', {
    metadata: deploymentMetadata,
    select: false,
    // With an autoscaler the Deployment carries no count (the autoscaler owns it).
    replicas: autoscaled ? undefined : spec.replicas.min,
    podMetadata: { labels: podLabels, annotations: { ...spec.podAnnotations } },
    serviceAccount: spec.serviceAccount,
    automountServiceAccountToken: spec.serviceAccount !== undefined,
    securityContext: podSecurityContext(security),
    terminationGracePeriod: spec.terminationGracePeriodSeconds === undefined ? undefined : Duration.seconds(spec.terminationGracePeriodSeconds),
    // Ports are declared in `ports`, not `portNumber`: with `portNumber`
    // cdk8s-plus adds a TCP startup probe of its own.
    containers: [{
      name: 'app',
      image: spec.image.ref,
      // A pinned image never changes under its tag: pulling again on every
      // start only adds a registry dependency. Kubernetes' own default.
      imagePullPolicy: isPinned(spec.image) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS,
      ports: spec.ports.map((p) => ({ number: p.port, name: p.name })),
      command: spec.command,
      args: spec.args,
      envVariables: spec.env && spec.env.length > 0 ? Object.fromEntries(spec.env) : undefined,
      ...spec.probes,
      resources: spec.resources,
      securityContext: containerSecurityContext(security),
    }],
  });
  // The pre-stop handler is written as is: cdk8s-plus-27's API has neither the kubelet's
  // sleep action (Kubernetes 1.30+) nor an HTTP hook's headers.
  const newer: NewerField[] = spec.preStop === undefined ? []
    : [{ path: '/spec/template/spec/containers/0/lifecycle', value: { preStop: { ...spec.preStop } } }];
  writeNewerFields(deployment, deploymentMetadata, newer);
  deployment.select(kplus.LabelSelector.of({ labels: { ...identity.selector } }));
  deployment.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp', { sizeLimit: spec.tmpSize }));
  for (const mount of spec.hostPaths ?? []) {
    const volume = kplus.Volume.fromHostPath(scope, `HostPath-${mount.name}`, mount.name, { path: mount.hostPath, type: kplus.HostPathVolumeType.DIRECTORY });
    deployment.containers[0].mount(mount.mountPath, volume, { readOnly: true });
  }
  if (spec.nodeGroup) {
    deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(spec.nodeGroup.labelKey, spec.nodeGroup.name)));
  }
  addPodSpecPatches(deployment, spec);

  const servicePorts = spec.ports.filter((p) => !p.internal);
  const service = new kplus.Service(scope, 'Service', {
    metadata: { ...metadata, annotations: spec.serviceAnnotations ? { ...spec.serviceAnnotations } : undefined },
    type: spec.serviceType,
    clusterIP: spec.headless ? 'None' : undefined,
    ports: servicePorts.map((p) => ({ port: p.port, targetPort: p.port, name: p.name, protocol: kplus.Protocol.TCP })),
  });
  for (const [key, value] of Object.entries(identity.selector)) service.selectLabel(key, value);
  // cdk8s-plus-27's ServicePort has no appProtocol (core/v1 ServicePort.appProtocol, GA since 1.20).
  servicePorts.forEach((p, i) => {
    if (p.appProtocol) ApiObject.of(service).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.appProtocol));
  });

  const autoscaler = autoscaled
    ? new kplus.HorizontalPodAutoscaler(scope, 'Autoscaler', {
      metadata,
      target: deployment,
      minReplicas: spec.replicas.min,
      maxReplicas: spec.replicas.max,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(spec.replicas.targetCpuUtilization!))],
    })
    : undefined;
  const budget = spec.disruptionBudget;
  const disruptionBudget = budget
    ? new kplus.k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
      metadata,
      spec: {
        selector: { matchLabels: { ...identity.selector } },
        [budget.kind]: kplus.k8s.IntOrString.fromNumber(budget.count),
        // Pods that are not ready can always be evicted, so a crash-looping
        // pod never blocks a node drain (policy/v1, beta and on by default in 1.27).
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    })
    : undefined;
  const network = registerNetwork(scope, {
    kind: 'Deployment',
    name: identity.name,
    namespace: identity.namespace,
    selector: identity.selector,
    ports: spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: TransportProtocol.TCP })),
    dnsName: identity.dnsName,
    mesh: spec.mesh ?? false,
    kubernetesApi: spec.callsKubernetesApi ?? false,
  });
  return { deployment, service, autoscaler, disruptionBudget, network };
}

/**
 * Pod spec fields cdk8s-plus-27 cannot express, added as JSON patches on the
 * Deployment: JSON probes (no `Probe.fromGrpc`), the seccomp profile and
 * topology spread constraints.
 *
 * The patched JSON is passed through the generated `toJson_KubeDeploymentProps`
 * mapping, which keeps only fields of the Kubernetes 1.27 schema and reads
 * IntOrString fields from `{ value }` objects: patch values must be in that form.
 */
function addPodSpecPatches(deployment: kplus.Deployment, spec: WorkloadSpec): void {
  const container = '/spec/template/spec/containers/0';
  const patches = [JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { ...POD_SECCOMP_PROFILE })];
  for (const [field, probe] of Object.entries(spec.jsonProbes ?? {})) {
    if (probe) patches.push(JsonPatch.add(`${container}/${field}`, probe));
  }
  const constraints = topologySpreadConstraints(spec.topologySpread, spec.identity.selector);
  if (constraints.length > 0) {
    patches.push(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', constraints));
  }
  ApiObject.of(deployment).addJsonPatch(...patches);
}

/**
 * Takes the namespace cdk8s gives every object of a chart with a namespace
 * off a cluster-scoped object (a ClusterRole, a ClusterRoleBinding), which
 * has none (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces).
 */
export function clusterScoped<T extends ApiObject>(object: T): T {
  if (object.metadata.namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return object;
}
