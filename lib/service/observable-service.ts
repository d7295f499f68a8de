import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ANNOTATION_HEALTH_HEALTHZ, ANNOTATION_HEALTH_LIVE, ANNOTATION_HEALTH_READY, ANNOTATION_NORMAL_RPS, ANNOTATION_PEAK_RPS, ANNOTATION_PODS_AT_NORMAL,
  ANNOTATION_PODS_AT_PEAK, ANNOTATION_PROTOCOL, ANNOTATION_RPS_PER_POD,
} from '../common/annotations';
import { PropChecker, quote } from '../common/errors';
import { frozen, frozenList } from '../common/frozen';
import { resolveIdentity } from '../common/identity';
import { KubernetesVersion } from '../common/kubernetes-version';
import { ParsedImage, parseImage } from '../common/image';
import { checkMetadataMap } from '../common/labels';
import { dns1123SubdomainError, secretKeyError } from '../common/names';
import { sizeBytes } from '../common/quantities';
import { processStringError } from '../common/text';
import { MeshProps, MeshSidecar, MeshSidecarFeature } from '../istio/sidecar';
import { Tracing } from '../telemetry/tracing';
import { tracingFeature } from '../telemetry/tracing-feature';
import { AutoscalingProps, CapacityPlan, DisruptionBudget, ReplicaRange, ThroughputProps, capacityPlan, replicaRange, resolveDisruptionBudget } from '../workload/capacity';
import { EgressRule, checkEgressRules } from '../workload/egress';
import { buildWorkload } from '../workload/kernel';
import { WorkloadNetwork } from '../workload/network';
import { NetworkDestination, IObservableWorkload } from '../workload/observable-workload';
import { NodeGroup, TopologySpread, checkNodeGroup, checkSpread } from '../workload/placement';
import { IPodFeature, WorkloadPort, bindFeatures } from '../workload/pod-feature';
import { ResolvedResources, resolveResources } from '../workload/resources';
import { DEFAULT_TMP_SIZE, SecurityProps, resolveSecurity } from '../workload/security';
import { GracefulShutdownProps, ShutdownFeature, ShutdownPlan } from '../workload/shutdown';
import { HealthContract, HealthProps, grpcProbe, httpProbes, resolveHealth } from './health';
import { Protocol } from './protocol';

/** Props of an {@link ObservableService}. */
export interface ObservableServiceProps {
  /** The container image, pinned to a version tag or digest. */
  readonly image: string;
  /** The port the application listens on; also the Service port (so a headless Service's DNS answers lead to it). */
  readonly port: number;
  /**
   * The application protocol.
   * @default Protocol.HTTP
   */
  readonly protocol?: Protocol;
  /**
   * Name of the Deployment, Service and the other objects; the Service's DNS name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag (or the first 12 digits of its digest)
   */
  readonly version?: string;
  /**
   * `app.kubernetes.io/part-of`: the product this service belongs to.
   * @default - the chart's id
   */
  readonly partOf?: string;
  /**
   * A fixed pod count. Cannot be combined with `autoscaling`.
   * @default - the pods needed at peak when `throughput` is given, else 2
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler on CPU. With it the Deployment carries no replica count.
   * @default - no autoscaler
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Expected load and measured per-pod capacity; gives the pod counts at
   * normal and peak load (`capacity`) and the autoscaler's default range.
   * @default - no capacity plan
   */
  readonly throughput?: ThroughputProps;
  /**
   * PodDisruptionBudget.
   * @default - DisruptionBudget.maxUnavailable(1) when more than one pod runs, else none
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * CPU and memory requests and limits. Missing values take the defaults.
   * @default - requests 250m CPU / 256Mi memory, limits 1000m CPU / 256Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Environment variables. Secrets belong in `EnvValue.fromSecretValue(...)`, never in literals.
   * @default - none
   */
  readonly env?: { readonly [name: string]: kplus.EnvValue };
  /**
   * Distributed tracing: Datadog (unified service tagging, agent address,
   * trace-log correlation) or OpenTelemetry (the SDK's environment).
   * @default - no tracing wiring
   */
  readonly tracing?: Tracing;
  /**
   * Istio sidecar injection, sized from the pod's throughput.
   * @default - no sidecar
   */
  readonly mesh?: MeshProps;
  /**
   * The services this one calls (an `ObservableService`, a `MockBackend`, any
   * `IObservableWorkload`), on their port. `NetworkIsolation` allows exactly
   * these calls, and `MeshSidecarScope` scopes the sidecar to them.
   * @default - none
   */
  readonly dependsOn?: IObservableWorkload[];
  /**
   * Destinations outside the cluster the pods call: IP blocks, or DNS names
   * where the CNI enforces them (see `NetworkIsolation`'s `fqdnPolicy`).
   * @default - none
   */
  readonly egress?: EgressRule[];
  /**
   * Entrypoint.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * The service account. Its token is mounted only when one is given.
   * @default - no service account token in the pod
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * The health contract: endpoints and probe timing.
   * @default - '/live', '/ready', '/healthz' with a 2-minute startup probe
   */
  readonly health?: HealthProps;
  /**
   * The node group the pods must run on (required node affinity).
   * @default - any node
   */
  readonly nodeGroup?: NodeGroup;
  /**
   * How pods spread over nodes and zones.
   * @default TopologySpread.acrossHostsAndZones() - preferred, max skew 1
   */
  readonly topologySpread?: TopologySpread;
  /**
   * Container security settings.
   * @default - user and group 65532, read-only root filesystem
   */
  readonly security?: SecurityProps;
  /**
   * The Service type. Only HTTP services can be exposed outside the cluster:
   * a gRPC service's Service is headless.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;
  /**
   * Annotations on the Service, such as a cloud load balancer's settings.
   * @default - none
   */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /**
   * `app.kubernetes.io/component`: the role within the product, such as `front-proxy`.
   * @default - no component label
   */
  readonly component?: string;
  /**
   * More labels on the Deployment and its pods (a team, a cost centre). A
   * label the library writes cannot be replaced.
   * @default - none
   */
  readonly podLabels?: { readonly [key: string]: string };
  /**
   * More annotations on the pods. An annotation the library writes cannot be replaced.
   * @default - none
   */
  readonly podAnnotations?: { readonly [key: string]: string };
  /**
   * Size limit of the writable `/tmp` emptyDir.
   * @default 64Mi
   */
  readonly tmpSize?: Size;
  /**
   * Graceful shutdown: a pre-stop delay while the pod's removal from the
   * endpoints propagates, then the application's own shutdown after SIGTERM.
   * @default - a 10 s pre-stop sleep (Kubernetes 1.30+; none on older targets) and 20 s after SIGTERM: a 30 s grace period
   */
  readonly shutdown?: GracefulShutdownProps;
}

/**
 * A Deployment with the standard health contract, its Service, and the
 * autoscaler and disruption budget a production service needs, from one
 * declaration.
 *
 * HTTP/1.1 services sit behind a ClusterIP Service; gRPC services behind a
 * headless one with native gRPC probes. Liveness probes only the liveness
 * endpoint and readiness only the readiness endpoint; the external health
 * endpoint is published for the front proxy and external monitoring.
 */
export class ObservableService extends Construct implements IObservableWorkload {
  /** The Deployment (cdk8s-plus), for escape hatches. */
  public readonly deployment: kplus.Deployment;
  /** The Service: ClusterIP for HTTP, headless for gRPC. */
  public readonly service: kplus.Service;
  /** The HorizontalPodAutoscaler, when `autoscaling` is given. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The PodDisruptionBudget, when one is written. */
  public readonly disruptionBudget?: kplus.k8s.KubePodDisruptionBudget;

  /** Name of every object, and the Service's DNS label. */
  public readonly name: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** In-cluster DNS name: `<name>.<namespace>.svc.cluster.local`. */
  public readonly dnsName: string;
  /** The port the application and the Service listen on. */
  public readonly port: number;
  /** The application protocol. */
  public readonly protocol: Protocol;
  /** The resolved health contract (endpoints and probe timing). */
  public readonly health: HealthContract;
  /** The parsed image reference. */
  public readonly image: ParsedImage;
  /** The resolved container resources. */
  public readonly resources: ResolvedResources;
  /** How many pods run (a fixed count is min = max). */
  public readonly replicas: ReplicaRange;
  /** Pod counts at normal and peak load, when `throughput` is given. */
  public readonly capacity?: CapacityPlan;
  /** The node group the pods are pinned to, if any. */
  public readonly nodeGroup?: NodeGroup;
  /** The topology spread applied to the pods. */
  public readonly topologySpread: TopologySpread;
  /** Labels selecting this service's pods (stable across versions). */
  public readonly selector: Readonly<Record<string, string>>;
  /** The recommended labels on every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The tracing the service is wired for, if any. */
  public readonly tracing?: Tracing;
  /** The version label value. */
  public readonly version: string;
  /** The product the service belongs to (`app.kubernetes.io/part-of`). */
  public readonly partOf: string;
  /** The Istio sidecar, when `mesh` is given. */
  public readonly mesh?: MeshSidecar;
  /** The graceful shutdown: the pre-stop delay and the grace period. */
  public readonly shutdown: ShutdownPlan;
  /** The services this one calls, as declared. */
  public readonly dependsOn: IObservableWorkload[];
  /** Destinations outside the cluster the pods may reach, as declared (`egress`). */
  public readonly externalEgress: EgressRule[];
  private readonly network: WorkloadNetwork;

  constructor(scope: Construct, id: string, props: ObservableServiceProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, {
      image: ['string', "give a reference such as 'registry.example.com/team/app:1.4.2'"],
      port: ['number', 'give the port the application listens on, such as 8080'],
    });

    const image = parseImage(props.image);
    checker.check(typeof image !== 'string', 'image', typeof image === 'string' ? image : '', "give a reference such as 'registry.example.com/team/app:1.4.2'");
    this.image = typeof image === 'string' ? { ref: props.image, repository: props.image } : { ref: props.image, ...image };
    const identity = resolveIdentity(this, checker, props, { image: typeof image === 'string' ? undefined : image });
    this.name = identity.name;
    this.namespace = identity.namespace;
    this.dnsName = identity.dnsName;
    this.version = identity.version ?? 'latest';
    this.partOf = identity.partOf;
    this.selector = frozen(identity.selector);
    this.labels = frozen(identity.labels);

    checker.check(Number.isInteger(props.port) && props.port >= 1 && props.port <= 65535, 'port', `(${props.port}) must be a whole number from 1 to 65535`, 'give the port the application listens on, such as 8080');
    this.port = props.port;
    this.protocol = props.protocol ?? Protocol.HTTP;

    this.health = frozen(resolveHealth(checker, this.protocol, props.port, props.health));
    this.resources = frozen(resolveResources(checker, props.resources));
    this.capacity = frozen(props.throughput ? capacityPlan(checker, props.throughput) : undefined);
    this.replicas = frozen(replicaRange(checker, props.replicas, props.autoscaling, this.capacity));
    const budget = resolveDisruptionBudget(checker, props.disruptionBudget, this.replicas);
    this.nodeGroup = props.nodeGroup;
    if (this.nodeGroup) checkNodeGroup(checker, this.nodeGroup);
    this.topologySpread = props.topologySpread ?? TopologySpread.acrossHostsAndZones();
    checkSpread(checker, this.topologySpread);
    const security = resolveSecurity(checker, props.security);
    const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
    checker.check(!this.protocol.headless || serviceType === kplus.ServiceType.CLUSTER_IP, 'serviceType', `(${serviceType}) cannot be used with a gRPC service, whose Service is headless`,
      'expose gRPC through a FrontEnvoy or an ingress gateway, and leave serviceType out');
    checkMetadataMap(checker, 'serviceAnnotations', props.serviceAnnotations, 'annotations');
    checkMetadataMap(checker, 'podLabels', props.podLabels, 'labels');
    checkMetadataMap(checker, 'podAnnotations', props.podAnnotations, 'annotations');
    checkProcessStrings(checker, props);
    if (props.serviceAccount !== undefined) {
      const problem = dns1123SubdomainError(String(props.serviceAccount.name));
      checker.check(problem === undefined, 'serviceAccount', `name ${problem}`, 'give a service account whose name is a DNS-1123 subdomain');
    }
    (props.dependsOn ?? []).forEach((d, i) => checker.required(`dependsOn[${i}]`, d?.dnsName, 'string', 'list the workloads the service calls (an ObservableService, a MockBackend, ...)'));
    checker.throwIfAny();
    this.dependsOn = frozenList([...(props.dependsOn ?? [])]);
    const listed = new Set<string>();
    this.dependsOn.forEach((d, i) => {
      if (d.dnsName === this.dnsName) checker.check(false, `dependsOn[${i}]`, `(${d.dnsName}) is the service itself`, 'list only the services it calls');
      if (listed.has(d.dnsName)) checker.check(false, `dependsOn[${i}]`, `(${d.dnsName}) is listed twice`, 'list each service once');
      listed.add(d.dnsName);
    });
    this.externalEgress = frozenList([...(props.egress ?? [])]);
    checkEgressRules(checker, 'egress', this.externalEgress);
    const tmpSize = props.tmpSize ?? DEFAULT_TMP_SIZE;
    checker.check(sizeBytes(tmpSize) >= 1024 * 1024, 'tmpSize', `(${tmpSize.asString()}) must be at least 1Mi`, 'give the scratch space the application writes to /tmp, such as Size.mebibytes(64)');

    const ports: WorkloadPort[] = [{ name: this.protocol.name, port: this.port, appProtocol: this.protocol.name, prop: 'port' }];
    if (this.health.port !== this.port) ports.push({ name: 'health', port: this.health.port, internal: true, prop: 'health.port' });
    this.tracing = props.tracing;
    const shutdown = new ShutdownFeature(props.shutdown);
    const mesh = props.mesh ? new MeshSidecarFeature(props.mesh, () => shutdown.plan?.gracePeriodSeconds) : undefined;
    // The shutdown is bound before the sidecar, which drains for the pod's grace period.
    const features: IPodFeature[] = [...(props.tracing ? [tracingFeature(props.tracing)] : []), shutdown, ...(mesh ? [mesh] : [])];
    const bound = bindFeatures(features, {
      name: this.name, namespace: this.namespace, version: this.version, ports, rpsPerPod: this.capacity?.rpsPerPod, checker,
      kubernetesVersion: KubernetesVersion.targetOf(this),
    }, props.env);
    this.mesh = frozen(mesh?.sidecar);
    this.shutdown = frozen(shutdown.plan!);
    const podAnnotations: Record<string, string> = {
      [ANNOTATION_PROTOCOL]: this.protocol.name,
      [ANNOTATION_HEALTH_LIVE]: this.health.live,
      [ANNOTATION_HEALTH_READY]: this.health.ready,
      [ANNOTATION_HEALTH_HEALTHZ]: this.health.healthz,
      ...bound.podAnnotations,
    };
    const podLabels: Record<string, string> = { ...bound.podLabels };
    addOwn(checker, 'podLabels', props.podLabels, podLabels, this.labels);
    addOwn(checker, 'podAnnotations', props.podAnnotations, podAnnotations, {});
    checker.throwIfAny();

    const { health } = this;
    const workload = buildWorkload(this, {
      identity,
      podAnnotations,
      annotations: this.capacity ? capacityAnnotations(this.capacity) : undefined,
      podLabels,
      image: this.image,
      ports,
      command: props.command,
      args: props.args,
      env: bound.env,
      hostPaths: bound.hostPaths,
      resources: this.resources,
      probes: this.protocol === Protocol.HTTP ? httpProbes(health) : {},
      jsonProbes: this.protocol === Protocol.GRPC
        ? {
          livenessProbe: grpcProbe(health.live, health.port, health.liveness),
          readinessProbe: grpcProbe(health.ready, health.port, health.readiness),
          startupProbe: health.startup ? grpcProbe(health.live, health.port, health.startup) : undefined,
        }
        : undefined,
      replicas: this.replicas,
      disruptionBudget: budget,
      security,
      serviceAccount: props.serviceAccount,
      nodeGroup: this.nodeGroup,
      topologySpread: this.topologySpread,
      tmpSize,
      serviceType,
      headless: this.protocol.headless,
      serviceAnnotations: props.serviceAnnotations,
      preStop: bound.preStop,
      terminationGracePeriodSeconds: bound.terminationGracePeriodSeconds,
      mesh: mesh !== undefined,
    });
    this.network = workload.network;
    this.network.calls.push(
      ...bound.egress.map((d) => ({ host: d.host, port: d.port, purpose: d.purpose, prop: 'tracing' })),
      ...this.dependsOn.map((d, i) => ({ workload: d, port: d.port, purpose: 'dependsOn', prop: `dependsOn[${i}]` })),
    );
    this.network.egressRules.push(...this.externalEgress);
    // A LoadBalancer or NodePort Service is reached from outside the cluster.
    if (serviceType === kplus.ServiceType.LOAD_BALANCER || serviceType === kplus.ServiceType.NODE_PORT) {
      this.network.external = { port: this.port, purpose: 'load balancer' };
    }
    this.deployment = workload.deployment;
    this.service = workload.service;
    this.autoscaler = workload.autoscaler;
    this.disruptionBudget = workload.disruptionBudget;
  }

  /** Whether the service is reached through a headless Service. */
  public get headless(): boolean {
    return this.protocol.headless;
  }

  /**
   * The `service` tag of the Envoy spans of this service's requests (Datadog
   * APM's `trace.envoy.proxy.*` metrics): its name, as its Istio sidecar
   * reports it; undefined without a sidecar, when no Envoy traces its requests.
   */
  public get traceServiceName(): string | undefined {
    return this.mesh?.traceServiceName;
  }

  /**
   * Where the pods send traffic because of their features, such as the
   * tracing backend (and, for a front proxy, the proxy's own spans).
   */
  public get egress(): NetworkDestination[] {
    return frozenList(this.network.calls.flatMap((c) => ('host' in c ? [Object.freeze({ host: c.host, port: c.port, purpose: c.purpose })] : [])));
  }
}

/** Adds the user's labels or annotations to those the library writes; one it writes cannot be replaced. */
function addOwn(checker: PropChecker, prop: string, own: { readonly [key: string]: string } | undefined, into: Record<string, string>, alsoWritten: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(own ?? {})) {
    // Own keys only: 'toString' is a valid label key, and every object inherits one.
    checker.check(!Object.hasOwn(into, key) && !Object.hasOwn(alsoWritten, key), `${prop}.${key}`, 'is written by the library', `remove it from '${prop}'`);
    into[key] = value;
  }
}

/**
 * Checks what the process receives: the command, the arguments and literal
 * environment values, which cannot hold a NUL (nor what kubectl cannot read
 * back); and the Secret and ConfigMap references environment values are read from.
 */
function checkProcessStrings(checker: PropChecker, props: ObservableServiceProps): void {
  for (const prop of ['command', 'args'] as const) {
    (props[prop] ?? []).forEach((arg, i) => {
      const problem = processStringError(arg);
      checker.check(problem === undefined, `${prop}[${i}]`, problem ?? '', 'remove the character');
    });
  }
  for (const [name, value] of Object.entries(props.env ?? {})) {
    if (!checker.check(typeof value === 'object' && value !== null, `env.${name}`, `(${quote(value)}) is not an EnvValue`, 'give EnvValue.fromValue(...) or EnvValue.fromSecretValue(...)')) continue;
    if (value.value !== undefined) {
      const problem = processStringError(value.value);
      checker.check(problem === undefined, `env.${name}`, problem ?? '', 'remove the character');
    }
    const ref = value.valueFrom?.secretKeyRef ?? value.valueFrom?.configMapKeyRef;
    if (ref !== undefined) {
      const nameProblem = dns1123SubdomainError(String(ref.name));
      checker.check(nameProblem === undefined, `env.${name}`, `reads an object whose name ${nameProblem}`, 'give the name of an existing Secret or ConfigMap');
      const keyProblem = secretKeyError(ref.key);
      checker.check(keyProblem === undefined, `env.${name}`, `reads ${keyProblem}`, 'give the key that holds the value');
    }
  }
}

/** The capacity plan as Deployment annotations, for the readiness rules and other tools reading manifests. */
function capacityAnnotations(plan: CapacityPlan): Record<string, string> {
  return {
    [ANNOTATION_NORMAL_RPS]: String(plan.normalRps),
    [ANNOTATION_PEAK_RPS]: String(plan.peakRps),
    [ANNOTATION_RPS_PER_POD]: String(plan.rpsPerPod),
    [ANNOTATION_PODS_AT_NORMAL]: String(plan.podsAtNormal),
    [ANNOTATION_PODS_AT_PEAK]: String(plan.podsAtPeak),
  };
}
