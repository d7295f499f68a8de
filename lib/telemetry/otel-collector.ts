import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PropChecker, quote } from '../common/errors';
import { resolveIdentity } from '../common/identity';
import { KubernetesVersion } from '../common/kubernetes-version';
import { parseImage } from '../common/image';
import { addValidationLast, oncePerSynthesis } from '../common/synthesis';
import { yaml } from '../common/yaml';
import { AutoscalingProps, ReplicaRange, replicaRange, resolveDisruptionBudget } from '../workload/capacity';
import { RenderedConfigFile, SettledRendering } from '../workload/config-file';
import { EgressRule, checkEgressRules } from '../workload/egress';
import { ImageRef, buildWorkload, clusterScoped } from '../workload/kernel';
import { NodeGroup, TopologySpread, checkNodeGroup, checkSpread } from '../workload/placement';
import { bindFeatures } from '../workload/pod-feature';
import { ResolvedResources, resolveResources } from '../workload/resources';
import { DEFAULT_TMP_SIZE, resolveSecurity } from '../workload/security';
import { GracefulShutdownProps, ShutdownFeature } from '../workload/shutdown';
import { CollectorConfig, OTEL_HEALTH_PORT, OTLP_HTTP_PORT, checkCollectorPipelines, collectorConfig } from './collector-config';
import { OtelExporter, SecretKey, Signal } from './otel-exporter';
import { IOtlpGrpcEndpoint, OTLP_GRPC_PORT } from './tracing';

/**
 * The collector image: the contrib distribution, which carries the k8s
 * attributes processor and the Datadog exporter.
 * Release 0.158.0, the newest that could be confirmed: pinned with its digest
 * (sha256:c5918f78992ee73b0d6f0e599423ac5ec52dd5d9726733114d6eca53d5a32ed5)
 * in public manifests; the component names used here (`otlp_grpc`, `otlp_http`
 * since 0.144.0, `k8s_attributes` since 0.146.0) are in the contrib CHANGELOG.
 */
export const DEFAULT_OTEL_COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.158.0';
const CONFIG_DIR = '/etc/otelcol';

/** The namespace of a Secret object given to an exporter, when it is one this app makes (an imported name has none). */
function secretNamespace(ref: SecretKey): string | undefined {
  const secret = ref.secret as Partial<kplus.Secret> | undefined;
  return secret?.metadata?.namespace;
}
const CONFIG_FILE = 'collector.yaml';

/** Props of an {@link OtelCollector}. */
export interface OtelCollectorProps {
  /** Where telemetry goes; at least one. */
  readonly exporters: OtelExporter[];
  /**
   * Signals with a pipeline.
   * @default traces, metrics and logs
   */
  readonly signals?: Signal[];
  /**
   * Name of the objects, and the Service's DNS label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the objects.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * The collector image, pinned.
   * @default DEFAULT_OTEL_COLLECTOR_IMAGE
   */
  readonly image?: string;
  /**
   * A fixed pod count; ignored with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler on CPU instead of a fixed count.
   * @default - none
   */
  readonly autoscaling?: AutoscalingProps;
  /**
   * CPU and memory; the memory limiter works against the memory limit.
   * @default - requests 250m / 512Mi, limits 1000m / 512Mi
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The node group the pods must run on.
   * @default - any node
   */
  readonly nodeGroup?: NodeGroup;
  /**
   * How the pods spread over nodes and zones.
   * @default TopologySpread.acrossHostsAndZones()
   */
  readonly topologySpread?: TopologySpread;
  /**
   * `app.kubernetes.io/part-of`: the product the gateway belongs to.
   * @default - the chart's id
   */
  readonly partOf?: string;
  /**
   * Graceful shutdown: a pre-stop delay while the pod leaves the Service's
   * endpoints, then time to flush what it has batched.
   * @default - a 10 s pre-stop sleep (Kubernetes 1.30+) and 20 s after SIGTERM
   */
  readonly shutdown?: GracefulShutdownProps;
  /**
   * Destinations outside the cluster the collector may reach: each exporter
   * endpoint outside the cluster must be covered by one when `NetworkIsolation`
   * isolates the collector (the library cannot resolve a name to addresses).
   * @default - none
   */
  readonly egress?: EgressRule[];
}

/** Collector memory request and limit; the memory limiter keeps usage at 80% of the limit. */
export const DEFAULT_COLLECTOR_MEMORY = Size.mebibytes(512);

/**
 * An OpenTelemetry Collector gateway (opentelemetry.io/docs/collector/deployment/gateway): applications send OTLP
 * to it, which decouples them from the backend; it adds Kubernetes metadata
 * and exports to Elastic APM, any OTLP backend or Datadog.
 *
 * Writes the config into a ConfigMap, a Deployment and Service (OTLP gRPC
 * 4317, HTTP 4318), a ServiceAccount with least-privilege RBAC for the k8s
 * attributes processor, and a disruption budget. Usable as the target of
 * `Tracing.openTelemetry({ collector })`.
 */
export class OtelCollector extends Construct implements IOtlpGrpcEndpoint {
  /** The collector's Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The Service receiving OTLP (gRPC 4317, HTTP 4318). */
  public readonly service: kplus.Service;
  /** The autoscaler, when `autoscaling` is given. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The disruption budget, when more than one pod runs. */
  public readonly disruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  /** The ConfigMap holding `collector.yaml`, rendered from `config` at synth. */
  public readonly configMap: kplus.ConfigMap;
  /** The ServiceAccount the k8s attributes processor reads the API with. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** Read access to pods, namespaces and replicasets, nothing else. */
  public readonly clusterRole: kplus.k8s.KubeClusterRole;
  /** Binds the ClusterRole to the ServiceAccount. */
  public readonly clusterRoleBinding: kplus.k8s.KubeClusterRoleBinding;
  /**
   * The collector config, as data: an escape hatch. It is rendered into the
   * ConfigMap (and its hash onto the pods) when the app synthesizes, so an
   * edit made after construction reaches the output; synth checks the
   * pipelines of exactly the text written.
   */
  public readonly config: CollectorConfig;
  /** The config's text and hash, once per settled synthesis for the check, the ConfigMap and the hash that rolls the pods. */
  private readonly rendering = new SettledRendering(this, 'collector', () => yaml().stringify(this.config, { lineWidth: 0 }));
  /** Name of the objects, and the Service's DNS label. */
  public readonly name: string;
  /** Namespace of the objects. */
  public readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`. */
  public readonly dnsName: string;
  /** Host of the OTLP/gRPC receiver. */
  public readonly otlpGrpcHost: string;
  /** Port of the OTLP/gRPC receiver. */
  public readonly otlpGrpcPort = OTLP_GRPC_PORT;
  /** The resolved container resources. */
  public readonly resources: ResolvedResources;
  /** How many pods run. */
  public readonly replicas: ReplicaRange;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    checker.requireProps(props, { exporters: ['array', 'give at least one exporter, such as OtelExporter.elasticApm(...)'] });
    props.exporters.forEach((e, i) => checker.check(e instanceof OtelExporter, `exporters[${i}]`, `(${quote(e)}) is not an exporter`, 'give OtelExporter.elasticApm(...), .eckApmServer(...), .otlp(...) or .datadog(...)'));
    checker.throwIfAny();
    const imageRef = props.image ?? DEFAULT_OTEL_COLLECTOR_IMAGE;
    const parsed = parseImage(imageRef);
    checker.check(typeof parsed !== 'string', 'image', typeof parsed === 'string' ? parsed : '', `use ${DEFAULT_OTEL_COLLECTOR_IMAGE}`);
    const image: ImageRef = typeof parsed === 'string' ? { ref: imageRef, repository: imageRef } : { ref: imageRef, ...parsed };
    const identity = resolveIdentity(this, checker, { ...props, component: 'telemetry-gateway' }, { image: typeof parsed === 'string' ? undefined : parsed });
    this.name = identity.name;
    this.namespace = identity.namespace;
    this.dnsName = identity.dnsName;
    this.otlpGrpcHost = this.dnsName;

    checker.check(props.exporters.length > 0, 'exporters', 'is empty', 'give at least one exporter, such as OtelExporter.elasticApm(...)');
    const ids = props.exporters.map((e) => e.id);
    checker.check(new Set(ids).size === ids.length, 'exporters', `name the same component twice (${ids.map(quote).join(', ')})`, 'give each OTLP exporter its own name');
    const envNames = props.exporters.flatMap((e) => e._secretEnv.map((s) => s.name));
    checker.check(new Set(envNames).size === envNames.length, 'exporters', `read two credentials into the same variable (${envNames.map(quote).join(', ')})`, 'give the exporters distinct names');
    props.exporters.forEach((e, i) => {
      for (const p of e._problems) checker.check(false, `exporters[${i}].${p.prop}`, p.problem, p.fix);
      // Where the Secrets are is judged once their names and namespace are valid.
      if (e._problems.length > 0) return;
      // A pod reads Secrets of its own namespace only (kubernetes.io/docs/concepts/configuration/secret):
      // a collector elsewhere would fail to start with CreateContainerConfigError.
      // A Secret is elsewhere when the exporter says where its Secrets are (ECK's), or when a
      // Secret object given to it was made in another namespace.
      const elsewhere = new Map<string, string[]>();
      for (const ref of [...e._secretEnv, ...e._secretFiles]) {
        const namespace = secretNamespace(ref) ?? e._secretsNamespace;
        if (namespace === undefined || namespace === this.namespace) continue;
        elsewhere.set(namespace, [...new Set([...(elsewhere.get(namespace) ?? []), ref.secretName ?? ref.secret?.name ?? ''])]);
      }
      for (const [namespace, secrets] of elsewhere) {
        checker.check(false, `exporters[${i}]`,
          `reads the Secret${secrets.length > 1 ? 's' : ''} ${secrets.join(' and ')} in namespace ${namespace}, but the collector runs in namespace ${this.namespace}`,
          `run the collector in ${namespace} (namespace: '${namespace}'), or copy the Secrets into ${this.namespace} with a tool that keeps them in sync (emberstack's Reflector, the External Secrets Operator) and give the copies`);
      }
    });
    const signals = props.signals ?? [Signal.TRACES, Signal.METRICS, Signal.LOGS];
    checker.check(signals.length > 0 && new Set(signals).size === signals.length, 'signals', 'must list each signal at most once, and at least one', 'use Signal.TRACES, Signal.METRICS and Signal.LOGS');
    signals.forEach((signal, i) => checker.check(Object.values(Signal).includes(signal), `signals[${i}]`, `(${quote(signal)}) is not a signal the collector has a pipeline type for`,
      'use Signal.TRACES, Signal.METRICS or Signal.LOGS'));

    this.resources = resolveResources(checker, props.resources ?? {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
      memory: { request: DEFAULT_COLLECTOR_MEMORY, limit: DEFAULT_COLLECTOR_MEMORY },
    });
    this.replicas = replicaRange(checker, props.autoscaling ? undefined : props.replicas ?? 2, props.autoscaling, undefined);
    const budget = resolveDisruptionBudget(checker, undefined, this.replicas);
    if (props.nodeGroup) checkNodeGroup(checker, props.nodeGroup);
    const topologySpread = props.topologySpread ?? TopologySpread.acrossHostsAndZones();
    checkSpread(checker, topologySpread);
    const security = resolveSecurity(checker, undefined);
    // A pre-stop delay while the pod leaves the Service's endpoints, then the process's own shutdown.
    const shutdown = bindFeatures([new ShutdownFeature(props.shutdown)], {
      name: identity.name, namespace: identity.namespace, version: identity.version ?? 'latest', ports: [], checker, kubernetesVersion: KubernetesVersion.targetOf(this),
    });
    checkEgressRules(checker, 'egress', props.egress ?? []);

    this.config = collectorConfig(props.exporters, signals);
    for (const problem of checkCollectorPipelines(this.config)) checker.check(false, 'exporters', `give a collector config where ${problem}`, 'report this as a bug of cdk8s-observable');
    checker.throwIfAny();

    const metadata = { name: this.name, namespace: this.namespace, labels: { ...identity.labels } };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: true });
    const file = new RenderedConfigFile(this, {
      configMapName: `${this.name}-config`,
      namespace: this.namespace,
      labels: identity.labels,
      fileName: CONFIG_FILE,
      mountPath: CONFIG_DIR,
      volumeName: 'collector-config',
      render: () => this.configYaml,
      hash: () => this.rendering.hash(),
    });
    this.configMap = file.configMap;
    const named = new Map<string, kplus.ISecret>();
    const secret = (ref: SecretKey): kplus.ISecret => {
      if (ref.secret) return ref.secret;
      const name = ref.secretName as string;
      if (!named.has(name)) named.set(name, kplus.Secret.fromSecretName(this, `Secret-${name}`, name));
      return named.get(name)!;
    };
    const env = props.exporters.flatMap((e) => e._secretEnv.map((s) => [s.name, kplus.EnvValue.fromSecretValue({ secret: secret(s), key: s.key })] as const));
    const workload = buildWorkload(this, {
      identity,
      podAnnotations: {},
      image,
      ports: [
        { name: 'otlp-grpc', port: OTLP_GRPC_PORT, appProtocol: 'grpc' },
        { name: 'otlp-http', port: OTLP_HTTP_PORT, appProtocol: 'http' },
        { name: 'health', port: OTEL_HEALTH_PORT, internal: true },
      ],
      args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
      env,
      resources: this.resources,
      probes: {
        // The health_check extension reports the collector's status: ready
        // once the pipelines run. Liveness only asks whether the process
        // still accepts connections, so a struggling exporter does not restart it.
        liveness: kplus.Probe.fromTcpSocket({ port: OTEL_HEALTH_PORT, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
        readiness: kplus.Probe.fromHttpGet('/', { port: OTEL_HEALTH_PORT, periodSeconds: Duration.seconds(5), failureThreshold: 3 }),
        startup: kplus.Probe.fromHttpGet('/', { port: OTEL_HEALTH_PORT, periodSeconds: Duration.seconds(2), failureThreshold: 30 }),
      },
      replicas: this.replicas,
      disruptionBudget: budget,
      security,
      serviceAccount: this.serviceAccount,
      nodeGroup: props.nodeGroup,
      topologySpread,
      tmpSize: DEFAULT_TMP_SIZE,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      headless: false,
      preStop: shutdown.preStop,
      terminationGracePeriodSeconds: shutdown.terminationGracePeriodSeconds,
      // The k8s attributes processor watches pods, namespaces and replicasets.
      callsKubernetesApi: true,
    });
    props.exporters.forEach((e, i) => workload.network.calls.push(...e._destinations.map((d) => ({ ...d, prop: `exporters[${i}]` }))));
    workload.network.egressRules.push(...(props.egress ?? []));
    this.deployment = workload.deployment;
    this.service = workload.service;
    this.autoscaler = workload.autoscaler;
    this.disruptionBudget = workload.disruptionBudget;
    file.mountOn(this.deployment);
    // CA certificates the exporters trust, each file mounted read-only from its Secret.
    for (const f of props.exporters.flatMap((e) => e._secretFiles)) {
      const dir = f.path.slice(0, f.path.lastIndexOf('/'));
      const volume = kplus.Volume.fromSecret(this, `SecretVolume-${f.volume}`, secret(f), { name: f.volume, items: { [f.key]: { path: f.path.slice(dir.length + 1) } } });
      this.deployment.containers[0].mount(dir, volume, { readOnly: true });
    }

    // Least privilege for the k8s attributes processor: read pods and
    // namespaces, and replicasets to find a pod's deployment. Nothing else.
    // Cluster-scoped, so named `<namespace>.<name>`: neither part can hold a
    // '.', so team-a/otel and team/a-otel stay apart (with '-' both were
    // team-a-otel). RBAC names take any path segment, '.' included
    // (kubernetes pkg/apis/rbac/validation/validation.go: ValidateRBACName is
    // path.IsValidPathSegmentName: not '.' or '..', no '/' or '%').
    const rbacName = `${this.namespace}.${this.name}`;
    this.clusterRole = clusterScoped(new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: rbacName, labels: { ...identity.labels } },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'watch', 'list'] },
      ],
    }));
    this.clusterRoleBinding = clusterScoped(new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: rbacName, labels: { ...identity.labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    }));

    // Last, after the app's own validations: one that edits `config` is checked and written as edited.
    addValidationLast(this, () => this.validateConfig());
  }

  /**
   * The collector config as written to the ConfigMap, rendered from `config`
   * now (during a synthesis, once the app's own validations have run, once for
   * that synthesis: the check, the ConfigMap and the hash that rolls the pods
   * share one rendering).
   */
  public get configYaml(): string {
    return this.rendering.text();
  }

  /** Checks the pipelines of the config text synth writes; returns the problems (once per synthesis). */
  public validateConfig(): string[] {
    const text = this.configYaml;
    return oncePerSynthesis(this, `collector:${this.node.path}:${this.rendering.hash(text)}`,
      () => checkCollectorPipelines(yaml().parse(text) as CollectorConfig).map((p) => `${this.node.path}: collector config: ${p}`));
  }
}
