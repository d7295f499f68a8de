import { createHash } from 'crypto';
import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { PropChecker, PropProblem } from '../common/errors';
import { ImageReference, parseImage } from '../common/image';
import { ANNOTATION_PREFIX, recommendedLabels, selectorLabels } from '../common/labels';
import { dns1035LabelError, dns1123LabelError } from '../common/names';
import { AutoscalingProps, ReplicaRange, replicaRange, resolveDisruptionBudget } from '../service/capacity';
import { NodeGroup, TopologySpread, checkNodeGroup, checkSpread } from '../service/placement';
import { ResolvedResources, resolveResources } from '../service/resources';
import { DEFAULT_TMP_SIZE, buildWorkload, resolveSecurity } from '../service/workload';
import { IOtlpGrpcEndpoint, OTLP_GRPC_PORT } from './tracing';

/**
 * The collector image: the contrib distribution, which carries the k8s
 * attributes processor and the Datadog exporter.
 * Release: 0.162.0 (OpenTelemetry Collector Helm chart 0.176.0 ships it).
 */
export const DEFAULT_OTEL_COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.162.0';
/** OTLP over HTTP. */
export const OTLP_HTTP_PORT = 4318;
/** The health_check extension's port, used by the probes. */
export const OTEL_HEALTH_PORT = 13133;
/** Elastic APM Server's port, which accepts OTLP/gRPC. */
export const ELASTIC_APM_PORT = 8200;
const CONFIG_DIR = '/etc/otelcol';

/** A telemetry signal. */
export enum Signal {
  TRACES = 'traces',
  METRICS = 'metrics',
  LOGS = 'logs',
}

/** A key of a Kubernetes Secret, read into an environment variable of the collector. */
export interface SecretKey {
  readonly secret: kplus.ISecret;
  readonly key: string;
}

/** Options of {@link OtelExporter.elasticApm}. */
export interface ElasticApmExporterOptions {
  /** APM Server host, such as `apm-server-apm-http.elastic-system.svc` (ECK names it `<name>-apm-http`). */
  readonly host: string;
  /** @default 8200 */
  readonly port?: number;
  /** The APM Server secret token (ECK keeps it in `<name>-apm-token`, key `secret-token`). */
  readonly secretToken: SecretKey;
  /**
   * Send without TLS (an APM Server with TLS disabled). Verification is never skipped silently.
   * @default false
   */
  readonly insecure?: boolean;
  /** @default 'elastic' */
  readonly name?: string;
}

/** Options of {@link OtelExporter.otlp}. */
export interface OtlpExporterOptions {
  /** `host:port` for gRPC, or a URL for HTTP. */
  readonly endpoint: string;
  /** @default 'grpc' */
  readonly protocol?: 'grpc' | 'http';
  /** A bearer token for the `Authorization` header. */
  readonly bearerToken?: SecretKey;
  /** @default false */
  readonly insecure?: boolean;
  /** Component name suffix. */
  readonly name: string;
}

/** Options of {@link OtelExporter.datadog}. */
export interface DatadogExporterOptions {
  /** The Datadog API key. */
  readonly apiKey: SecretKey;
  /** @default 'datadoghq.com' */
  readonly site?: string;
}

/**
 * Where the collector sends telemetry. Credentials are read from Secrets into
 * environment variables and referenced as `${env:VAR}`: the config (a
 * ConfigMap) never holds one.
 */
export class OtelExporter {
  /** OTLP/gRPC to an Elastic APM Server, authenticated with its secret token (article 001). */
  public static elasticApm(options: ElasticApmExporterOptions): OtelExporter {
    const name = options.name ?? 'elastic';
    const tokenVar = envVarFor(name, 'SECRET_TOKEN');
    const port = options.port ?? ELASTIC_APM_PORT;
    const problems = [
      ...nameProblems(options.name),
      ...(HOST.test(options.host) ? [] : [{ prop: 'host', problem: `("${options.host}") must be a host name or IP address, without scheme, port or path`, fix: "give the APM Server's host, such as 'apm-server.elastic.svc.cluster.local', and 'port' apart" }]),
      ...(Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [{ prop: 'port', problem: `(${port}) must be a port from 1 to 65535`, fix: `use ${ELASTIC_APM_PORT}` }]),
    ];
    return new OtelExporter(`otlp_grpc/${name}`, {
      endpoint: `${options.host}:${port}`,
      headers: { Authorization: `Bearer \${env:${tokenVar}}` },
      ...(options.insecure ? { tls: { insecure: true } } : {}),
    }, [{ name: tokenVar, ...options.secretToken }], problems);
  }

  /** Any OTLP endpoint, over gRPC (`otlp_grpc`) or HTTP (`otlp_http`). */
  public static otlp(options: OtlpExporterOptions): OtelExporter {
    const tokenVar = envVarFor(options.name, 'BEARER_TOKEN');
    const config: Record<string, unknown> = { endpoint: options.endpoint };
    if (options.bearerToken) config.headers = { Authorization: `Bearer \${env:${tokenVar}}` };
    if (options.insecure) config.tls = { insecure: true };
    const http = options.protocol === 'http';
    // otlp_http takes a base URL; otlp_grpc a gRPC target, host:port with an optional scheme.
    const endpointOk = (http ? HTTP_URL : GRPC_TARGET).test(options.endpoint);
    const problems = [
      ...nameProblems(options.name),
      ...(endpointOk ? [] : [{
        prop: 'endpoint', problem: `("${options.endpoint}") is not ${http ? 'an http(s) URL' : 'a gRPC target (host:port, optionally with https://)'}`,
        fix: http ? "give a URL such as 'https://otlp.example.com:4318'" : "give a target such as 'tempo.tracing.svc.cluster.local:4317'",
      }]),
    ];
    return new OtelExporter(`${http ? 'otlp_http' : 'otlp_grpc'}/${options.name}`, config, options.bearerToken ? [{ name: tokenVar, ...options.bearerToken }] : [], problems);
  }

  /** The Datadog exporter, with the API key from a Secret. */
  public static datadog(options: DatadogExporterOptions): OtelExporter {
    const site = options.site ?? 'datadoghq.com';
    const problems = HOST.test(site) ? [] : [{ prop: 'site', problem: `("${site}") must be a Datadog site host name`, fix: "use a site such as 'datadoghq.com' or 'datadoghq.eu'" }];
    return new OtelExporter('datadog', { api: { key: '${env:DD_API_KEY}', site } }, [{ name: 'DD_API_KEY', ...options.apiKey }], problems);
  }

  private constructor(
    /** Component id in the collector config, such as `otlp_grpc/elastic`. */
    public readonly id: string,
    /** The exporter's config. */
    public readonly config: Readonly<Record<string, unknown>>,
    /** Environment variables read from Secrets. */
    public readonly secretEnv: ReadonlyArray<{ readonly name: string } & SecretKey>,
    /** What is wrong with the options (`prop` names the option); the collector reports each under `exporters[i].<prop>`. */
    public readonly problems: readonly PropProblem[],
  ) {}
}

/** A host name or an IPv4 address (no scheme, port or path). */
const HOST = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;
const GRPC_TARGET = /^(https?:\/\/)?[A-Za-z0-9.-]+:\d{1,5}$/;

/** Exporter names become part of the component id and of a variable name. */
function nameProblems(name: string | undefined): PropProblem[] {
  if (name === undefined || /^[a-z0-9][a-z0-9_-]*$/i.test(name)) return [];
  return [{ prop: 'name', problem: `("${name}") must be letters, digits, '_' and '-'`, fix: "give a name such as 'tempo'" }];
}

function envVarFor(name: string, suffix: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${suffix}`;
}

/** A collector config: the sections the pipeline check reads. */
export interface CollectorConfig {
  readonly receivers?: Record<string, unknown>;
  readonly processors?: Record<string, unknown>;
  readonly exporters?: Record<string, unknown>;
  readonly connectors?: Record<string, unknown>;
  readonly extensions?: Record<string, unknown>;
  readonly service?: {
    readonly extensions?: string[];
    readonly pipelines?: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>;
  };
}

/**
 * Checks that every component a pipeline (or `service.extensions`) names is
 * defined, and that every defined component is used. The collector refuses to
 * start on the first; the second is dead config that misleads its readers.
 */
export function checkCollectorPipelines(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const pipelines = config.service?.pipelines ?? {};
  if (Object.keys(pipelines).length === 0) problems.push('service.pipelines is empty: the collector has nothing to run');
  const used: Record<string, Set<string>> = { receivers: new Set(), processors: new Set(), exporters: new Set(), extensions: new Set() };
  const connectors = new Set(Object.keys(config.connectors ?? {}));
  for (const [pipeline, spec] of Object.entries(pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const id of spec[kind] ?? []) {
        used[kind].add(id);
        const defined = id in (config[kind] ?? {}) || (kind !== 'processors' && connectors.has(id));
        if (!defined) problems.push(`service.pipelines.${pipeline}.${kind} names "${id}", which is not defined under ${kind}`);
      }
    }
    if ((spec.receivers ?? []).length === 0) problems.push(`service.pipelines.${pipeline} has no receivers`);
    if ((spec.exporters ?? []).length === 0) problems.push(`service.pipelines.${pipeline} has no exporters`);
  }
  for (const id of config.service?.extensions ?? []) {
    used.extensions.add(id);
    if (!(id in (config.extensions ?? {}))) problems.push(`service.extensions names "${id}", which is not defined under extensions`);
  }
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const id of Object.keys(config[kind] ?? {})) {
      if (!used[kind].has(id)) problems.push(`${kind}.${id} is defined but no pipeline uses it`);
    }
  }
  for (const id of connectors) {
    if (!used.receivers.has(id) || !used.exporters.has(id)) problems.push(`connectors.${id} must be an exporter of one pipeline and a receiver of another`);
  }
  return problems;
}

/**
 * The processors, in the recommended order: the memory limiter first (it
 * refuses data before the collector runs out of memory), the k8s attributes
 * (pod, namespace, deployment and node of the sender), the batch last.
 */
export function collectorProcessors(): Record<string, unknown> {
  return {
    memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
    k8s_attributes: {
      auth_type: 'serviceAccount',
      passthrough: false,
      extract: { metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name'] },
      pod_association: [
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
        { sources: [{ from: 'connection' }] },
      ],
    },
    batch: { send_batch_size: 8192, timeout: '200ms' },
  };
}

/** The whole collector config for a gateway. */
export function collectorConfig(exporters: readonly OtelExporter[], signals: readonly Signal[]): CollectorConfig {
  const processors = collectorProcessors();
  const exporterIds = exporters.map((e) => e.id);
  const pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> = {};
  for (const signal of signals) pipelines[signal] = { receivers: ['otlp'], processors: Object.keys(processors), exporters: [...exporterIds] };
  return {
    extensions: { health_check: { endpoint: `0.0.0.0:${OTEL_HEALTH_PORT}` } },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
    },
    processors,
    exporters: Object.fromEntries(exporters.map((e) => [e.id, e.config])),
    service: { extensions: ['health_check'], pipelines },
  };
}

/** Props of an {@link OtelCollector}. */
export interface OtelCollectorProps {
  /** Where telemetry goes; at least one. */
  readonly exporters: OtelExporter[];
  /**
   * Signals with a pipeline.
   * @default traces, metrics and logs
   */
  readonly signals?: Signal[];
  /** @default - the construct id */
  readonly name?: string;
  /** @default - the chart's namespace, or `default` */
  readonly namespace?: string;
  /** @default DEFAULT_OTEL_COLLECTOR_IMAGE */
  readonly image?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** @default - none */
  readonly autoscaling?: AutoscalingProps;
  /**
   * The memory limiter works against the memory limit.
   * @default - requests 250m / 512Mi, limits 1000m / 512Mi
   */
  readonly resources?: kplus.ContainerResources;
  /** @default - any node */
  readonly nodeGroup?: NodeGroup;
  /** @default TopologySpread.acrossHostsAndZones() */
  readonly topologySpread?: TopologySpread;
  /** `app.kubernetes.io/part-of`. @default 'observability' */
  readonly partOf?: string;
}

/** Collector memory request and limit; the memory limiter keeps usage at 80% of the limit. */
export const DEFAULT_COLLECTOR_MEMORY = Size.mebibytes(512);

/**
 * An OpenTelemetry Collector gateway (article 001): applications send OTLP
 * to it, which decouples them from the backend; it adds Kubernetes metadata
 * and exports to Elastic APM, any OTLP backend or Datadog.
 *
 * Writes the config into a ConfigMap, a Deployment and Service (OTLP gRPC
 * 4317, HTTP 4318), a ServiceAccount with least-privilege RBAC for the k8s
 * attributes processor, and a disruption budget. Usable as the target of
 * `Tracing.openTelemetry({ collector })`.
 */
export class OtelCollector extends Construct implements IOtlpGrpcEndpoint {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  public readonly disruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  public readonly configMap: kplus.ConfigMap;
  public readonly serviceAccount: kplus.ServiceAccount;
  public readonly clusterRole: kplus.k8s.KubeClusterRole;
  public readonly clusterRoleBinding: kplus.k8s.KubeClusterRoleBinding;
  /** The collector config, as data. */
  public readonly config: CollectorConfig;
  public readonly configYaml: string;
  public readonly name: string;
  public readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`. */
  public readonly dnsName: string;
  public readonly otlpGrpcHost: string;
  public readonly otlpGrpcPort = OTLP_GRPC_PORT;
  public readonly resources: ResolvedResources;
  public readonly replicas: ReplicaRange;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    const checker = new PropChecker(this);
    this.name = props.name ?? id;
    const nameError = dns1035LabelError(this.name);
    checker.check(nameError === undefined, 'name', nameError ?? '', "give a name such as 'otel-collector'");
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    const nsError = dns1123LabelError(this.namespace);
    checker.check(nsError === undefined, 'namespace', nsError ?? '', 'use an existing namespace name');
    this.dnsName = `${this.name}.${this.namespace}.svc.cluster.local`;
    this.otlpGrpcHost = this.dnsName;

    checker.check(props.exporters.length > 0, 'exporters', 'is empty', 'give at least one exporter, such as OtelExporter.elasticApm(...)');
    const ids = props.exporters.map((e) => e.id);
    checker.check(new Set(ids).size === ids.length, 'exporters', `name the same component twice (${ids.join(', ')})`, 'give each OTLP exporter its own name');
    const envNames = props.exporters.flatMap((e) => e.secretEnv.map((s) => s.name));
    checker.check(new Set(envNames).size === envNames.length, 'exporters', `read two credentials into the same variable (${envNames.join(', ')})`, 'give the exporters distinct names');
    props.exporters.forEach((e, i) => {
      for (const p of e.problems) checker.check(false, `exporters[${i}].${p.prop}`, p.problem, p.fix);
    });
    const signals = props.signals ?? [Signal.TRACES, Signal.METRICS, Signal.LOGS];
    checker.check(signals.length > 0 && new Set(signals).size === signals.length, 'signals', 'must list each signal at most once, and at least one', 'use Signal.TRACES, Signal.METRICS and Signal.LOGS');

    const imageRef = props.image ?? DEFAULT_OTEL_COLLECTOR_IMAGE;
    const parsed = parseImage(imageRef);
    checker.check(typeof parsed !== 'string', 'image', typeof parsed === 'string' ? parsed : '', `use ${DEFAULT_OTEL_COLLECTOR_IMAGE}`);
    const image: ImageReference & { ref: string } = typeof parsed === 'string' ? { ref: imageRef, repository: imageRef } : { ref: imageRef, ...parsed };
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

    this.config = collectorConfig(props.exporters, signals);
    for (const problem of checkCollectorPipelines(this.config)) checker.check(false, 'exporters', `give a collector config where ${problem}`, 'report this as a bug of cdk8s-observable');
    checker.throwIfAny();
    this.configYaml = stringify(this.config, { lineWidth: 0 });

    const labels = recommendedLabels(this.name, image.tag ?? 'latest', props.partOf ?? 'observability', 'telemetry-gateway');
    const selector = selectorLabels(this.name);
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...labels } };
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: true });
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { ...metadata, name: `${this.name}-config` },
      data: { 'collector.yaml': this.configYaml },
    });

    const env = props.exporters.flatMap((e) => e.secretEnv.map((s) => [s.name, kplus.EnvValue.fromSecretValue({ secret: s.secret, key: s.key })] as const));
    const workload = buildWorkload(this, {
      name: this.name,
      namespace: this.namespace,
      labels,
      selector,
      podAnnotations: { [`${ANNOTATION_PREFIX}/config-hash`]: createHash('sha256').update(this.configYaml).digest('hex').slice(0, 16) },
      image,
      ports: [
        { name: 'otlp-grpc', port: OTLP_GRPC_PORT, appProtocol: 'grpc' },
        { name: 'otlp-http', port: OTLP_HTTP_PORT, appProtocol: 'http' },
        { name: 'health', port: OTEL_HEALTH_PORT, internal: true },
      ],
      args: [`--config=${CONFIG_DIR}/collector.yaml`],
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
    });
    this.deployment = workload.deployment;
    this.service = workload.service;
    this.autoscaler = workload.autoscaler;
    this.disruptionBudget = workload.disruptionBudget;
    this.deployment.containers[0].mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'collector-config' }), { readOnly: true });

    // Least privilege for the k8s attributes processor: read pods and
    // namespaces, and replicasets to find a pod's deployment. Nothing else.
    this.clusterRole = new kplus.k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: `${this.namespace}-${this.name}`, labels: { ...labels } },
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'watch', 'list'] },
      ],
    });
    this.clusterRoleBinding = new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: `${this.namespace}-${this.name}`, labels: { ...labels } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    });

    this.node.addValidation({ validate: () => checkCollectorPipelines(this.config).map((p) => `${this.node.path}: collector config: ${p}`) });
  }
}
