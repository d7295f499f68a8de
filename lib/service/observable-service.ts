import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker } from '../common/errors';
import { ImageReference, isPinned, parseImage } from '../common/image';
import { ANNOTATION_PREFIX, recommendedLabels, selectorLabels } from '../common/labels';
import { dns1035LabelError, dns1123LabelError, labelValueError } from '../common/names';
import { AutoscalingProps, CapacityPlan, DisruptionBudget, ReplicaRange, ThroughputProps, capacityPlan, replicaRange, resolveDisruptionBudget } from './capacity';
import { HealthContract, HealthProps, grpcProbe, httpProbes, resolveHealth } from './health';
import { NodeGroup, TopologySpread, checkNodeGroup, checkSpread, topologySpreadConstraints } from './placement';
import { Protocol } from './protocol';
import { ResolvedResources, resolveResources } from './resources';

/**
 * The non-root user and group the container runs as unless told otherwise:
 * 65532 is the `nonroot` user of distroless and Chainguard images.
 */
export const DEFAULT_RUN_AS_ID = 65532;

/** Default size of the writable `/tmp` emptyDir. */
export const DEFAULT_TMP_SIZE = Size.mebibytes(64);

/** Pod annotations publishing the health contract for tools outside the cluster config. */
export const ANNOTATION_HEALTH_LIVE = `${ANNOTATION_PREFIX}/health-live`;
export const ANNOTATION_HEALTH_READY = `${ANNOTATION_PREFIX}/health-ready`;
export const ANNOTATION_HEALTH_HEALTHZ = `${ANNOTATION_PREFIX}/health-healthz`;
export const ANNOTATION_PROTOCOL = `${ANNOTATION_PREFIX}/protocol`;

/** Security settings of the container. Every default is the strict one; loosen explicitly. */
export interface SecurityProps {
  /**
   * The user id the container runs as. Must not be 0.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * The group id the container runs as, also the volumes' fsGroup.
   * @default 65532
   */
  readonly runAsGroup?: number;
  /**
   * Whether the root filesystem is read-only. `/tmp` is always writable.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}

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
   * Size limit of the writable `/tmp` emptyDir.
   * @default 64Mi
   */
  readonly tmpSize?: Size;
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
export class ObservableService extends Construct {
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
  public readonly image: ImageReference & { readonly ref: string };
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

  constructor(scope: Construct, id: string, props: ObservableServiceProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    const chart = Chart.of(this);

    this.name = props.name ?? id;
    const nameError = dns1035LabelError(this.name);
    checker.check(nameError === undefined, props.name === undefined ? 'name (from the construct id)' : 'name', nameError ?? '', "give a 'name' of lower-case letters, digits and '-' that starts with a letter");
    this.namespace = props.namespace ?? chart.namespace ?? 'default';
    const nsError = dns1123LabelError(this.namespace);
    checker.check(nsError === undefined, 'namespace', nsError ?? '', 'use an existing namespace name');
    this.dnsName = `${this.name}.${this.namespace}.svc.cluster.local`;

    const image = parseImage(props.image);
    checker.check(typeof image !== 'string', 'image', typeof image === 'string' ? image : '', "give a reference such as 'registry.example.com/team/app:1.4.2'");
    this.image = typeof image === 'string' ? { ref: props.image, repository: props.image } : { ref: props.image, ...image };

    checker.check(Number.isInteger(props.port) && props.port >= 1 && props.port <= 65535, 'port', `(${props.port}) must be a whole number from 1 to 65535`, 'give the port the application listens on, such as 8080');
    this.port = props.port;
    this.protocol = props.protocol ?? Protocol.HTTP;

    const version = props.version ?? this.image.tag ?? this.image.digest?.split(':')[1]?.slice(0, 12) ?? 'latest';
    const versionError = labelValueError(version);
    checker.check(versionError === undefined, props.version === undefined ? 'version (from the image tag)' : 'version', versionError ?? '', "give 'version' as a label value such as '1.4.2'");
    const partOf = props.partOf ?? chart.node.id;
    const partOfError = labelValueError(partOf);
    checker.check(partOfError === undefined, props.partOf === undefined ? 'partOf (from the chart id)' : 'partOf', partOfError ?? '', "give 'partOf' as the product's name, a label value");

    this.health = resolveHealth(checker, this.protocol, props.port, props.health);
    this.resources = resolveResources(checker, props.resources);
    this.capacity = props.throughput ? capacityPlan(checker, props.throughput) : undefined;
    this.replicas = replicaRange(checker, props.replicas, props.autoscaling, this.capacity);
    const budget = resolveDisruptionBudget(checker, props.disruptionBudget, this.replicas);
    this.nodeGroup = props.nodeGroup;
    if (this.nodeGroup) checkNodeGroup(checker, this.nodeGroup);
    this.topologySpread = props.topologySpread ?? TopologySpread.acrossHostsAndZones();
    checkSpread(checker, this.topologySpread);
    const security = resolveSecurity(checker, props.security);
    const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
    checker.check(!this.protocol.headless || serviceType === kplus.ServiceType.CLUSTER_IP, 'serviceType', `(${serviceType}) cannot be used with a gRPC service, whose Service is headless`,
      'expose gRPC through a FrontEnvoy or an ingress gateway, and leave serviceType out');
    if (props.component !== undefined) {
      const componentError = labelValueError(props.component);
      checker.check(componentError === undefined && props.component.length > 0, 'component', componentError ?? 'is empty', 'give the role as a label value, such as front-proxy');
    }
    checker.throwIfAny();

    this.selector = selectorLabels(this.name);
    this.labels = recommendedLabels(this.name, version, partOf, props.component);
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels } };

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata,
      select: false,
      // With an autoscaler the Deployment carries no count (the autoscaler owns it).
      replicas: this.replicas.targetCpuUtilization === undefined ? this.replicas.min : undefined,
      podMetadata: {
        labels: { ...this.labels },
        annotations: {
          [ANNOTATION_PROTOCOL]: this.protocol.name,
          [ANNOTATION_HEALTH_LIVE]: this.health.live,
          [ANNOTATION_HEALTH_READY]: this.health.ready,
          [ANNOTATION_HEALTH_HEALTHZ]: this.health.healthz,
        },
      },
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: props.serviceAccount !== undefined,
      securityContext: { ensureNonRoot: true, user: security.runAsUser, group: security.runAsGroup, fsGroup: security.runAsGroup },
      // The port is declared in `ports`, not `portNumber`: with `portNumber`
      // cdk8s-plus adds a TCP startup probe of its own.
      containers: [{
        name: 'app',
        image: props.image,
        // A pinned image never changes under its tag: pulling again on every
        // start only adds a registry dependency. Kubernetes' own default.
        imagePullPolicy: isPinned(this.image) ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS,
        ports: this.health.port === this.port
          ? [{ number: this.port, name: this.protocol.name }]
          : [{ number: this.port, name: this.protocol.name }, { number: this.health.port, name: 'health' }],
        command: props.command,
        args: props.args,
        envVariables: props.env,
        ...(this.protocol === Protocol.HTTP ? httpProbes(this.health) : {}),
        resources: this.resources,
        securityContext: {
          ensureNonRoot: true,
          user: security.runAsUser,
          group: security.runAsGroup,
          readOnlyRootFilesystem: security.readOnlyRootFilesystem,
          allowPrivilegeEscalation: false,
          privileged: false,
          // cdk8s-plus-27's Capability enum has no ALL; Kubernetes accepts it (core/v1 Capabilities).
          capabilities: { drop: ['ALL' as kplus.Capability] },
        },
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { ...this.selector } }));
    const tmp = kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: props.tmpSize ?? DEFAULT_TMP_SIZE });
    this.deployment.containers[0].mount('/tmp', tmp);
    if (this.nodeGroup) {
      this.deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(this.nodeGroup.labelKey, this.nodeGroup.name)));
    }
    this.addPodSpecPatches();

    this.service = new kplus.Service(this, 'Service', {
      metadata: { ...metadata, annotations: props.serviceAnnotations ? { ...props.serviceAnnotations } : undefined },
      type: serviceType,
      clusterIP: this.protocol.headless ? 'None' : undefined,
      ports: [{ port: this.port, targetPort: this.port, name: this.protocol.name, protocol: kplus.Protocol.TCP }],
    });
    for (const [key, value] of Object.entries(this.selector)) this.service.selectLabel(key, value);
    // cdk8s-plus-27's ServicePort has no appProtocol (core/v1 ServicePort.appProtocol, GA since 1.20).
    ApiObject.of(this.service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', this.protocol.name));

    if (this.replicas.targetCpuUtilization !== undefined) {
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata,
        target: this.deployment,
        minReplicas: this.replicas.min,
        maxReplicas: this.replicas.max,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(this.replicas.targetCpuUtilization))],
      });
    }
    if (budget) {
      this.disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: {
          selector: { matchLabels: { ...this.selector } },
          [budget.kind]: kplus.k8s.IntOrString.fromNumber(budget.count),
          // Pods that are not ready can always be evicted, so a crash-looping
          // pod never blocks a node drain (policy/v1, beta and on by default in 1.27).
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
  }

  /** Whether the service is reached through a headless Service. */
  public get headless(): boolean {
    return this.protocol.headless;
  }

  /**
   * Pod spec fields cdk8s-plus-27 cannot express, added as JSON patches on
   * the Deployment: native gRPC probes (no `Probe.fromGrpc`), the seccomp
   * profile and topology spread constraints.
   *
   * The patched JSON is passed through the generated `toJson_KubeDeploymentProps`
   * mapping, which keeps only fields of the Kubernetes 1.27 schema and reads
   * IntOrString fields from `{ value }` objects: patch values must be in that form.
   */
  private addPodSpecPatches(): void {
    const deployment = ApiObject.of(this.deployment);
    const container = '/spec/template/spec/containers/0';
    const { health } = this;
    // Pod Security Standards "restricted" requires a seccomp profile.
    const patches = [JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' })];
    if (this.protocol === Protocol.GRPC) {
      patches.push(
        JsonPatch.add(`${container}/livenessProbe`, grpcProbe(health.live, health.port, health.liveness)),
        JsonPatch.add(`${container}/readinessProbe`, grpcProbe(health.ready, health.port, health.readiness)),
      );
      if (health.startup) {
        patches.push(JsonPatch.add(`${container}/startupProbe`, grpcProbe(health.live, health.port, health.startup)));
      }
    }
    const constraints = topologySpreadConstraints(this.topologySpread, this.selector);
    if (constraints.length > 0) {
      patches.push(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', constraints));
    }
    deployment.addJsonPatch(...patches);
  }
}

function resolveSecurity(checker: PropChecker, security: SecurityProps | undefined): Required<SecurityProps> {
  const resolved = {
    runAsUser: security?.runAsUser ?? DEFAULT_RUN_AS_ID,
    runAsGroup: security?.runAsGroup ?? DEFAULT_RUN_AS_ID,
    readOnlyRootFilesystem: security?.readOnlyRootFilesystem ?? true,
  };
  checker.check(Number.isInteger(resolved.runAsUser) && resolved.runAsUser > 0, 'security.runAsUser', `(${resolved.runAsUser}) must be a non-root user id, a whole number above 0`, `use ${DEFAULT_RUN_AS_ID} or the image's own non-root user id`);
  checker.check(Number.isInteger(resolved.runAsGroup) && resolved.runAsGroup >= 0, 'security.runAsGroup', `(${resolved.runAsGroup}) must be a whole number`, `use ${DEFAULT_RUN_AS_ID}`);
  return resolved;
}
