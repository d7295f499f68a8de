/**
 * The pod feature that connects a workload to its tracing backend: Datadog
 * unified service tagging, or the OpenTelemetry SDK's environment.
 * @internal
 */
import * as path from 'path';
import { EnvFieldPaths, EnvValue } from 'cdk8s-plus-27';
import { hostError, portError } from '../common/addresses';
import { PropChecker, PropProblem, PropProblems, quote } from '../common/errors';
import { labelValueError } from '../common/names';
import { HostPathMount, IPodFeature, PodContext, PodFeatureBinding } from '../workload/pod-feature';
import { DEFAULT_DATADOG_APM_SOCKET, DatadogAgent, PropagationStyle, Tracing, TracingProvider } from './tracing';

/** Unified service tagging labels (docs.datadoghq.com/getting_started/tagging/unified_service_tagging). */
export const DD_LABEL_ENV = 'tags.datadoghq.com/env';
export const DD_LABEL_SERVICE = 'tags.datadoghq.com/service';
export const DD_LABEL_VERSION = 'tags.datadoghq.com/version';
/** Opt-in label of the Datadog admission controller. */
export const DD_ADMISSION_LABEL = 'admission.datadoghq.com/enabled';

/** The tracing of a workload as a pod feature: checked as a service uses it, then its environment, labels and mounts. */
export function tracingFeature(tracing: Tracing): IPodFeature {
  return {
    prop: 'tracing',
    bind: (context: PodContext): PodFeatureBinding => {
      if (!checkTracing(context.checker, tracing)) return {};
      const wiring = tracing.provider === TracingProvider.DATADOG ? datadogWiring(context.checker, tracing, context) : openTelemetryWiring(tracing, context);
      // Spans go over the network unless the agent is reached on the node (host IP, Unix socket).
      const { collectorHost: host, collectorPort: port } = tracing;
      return { ...wiring, egress: host !== undefined && port !== undefined ? [{ host, port, purpose: 'traces' }] : [] };
    },
  };
}

/** The problems of each tracing value, found once: a value shared by a thousand services is checked once. */
const tracingProblems = new WeakMap<Tracing, readonly PropProblem[]>();

/**
 * Checks a tracing value wherever it is used (a service, the front proxy, a
 * mesh's Telemetry): the sampling percentage, where spans go (the agent's
 * Service, an OTLP host, a port, the agent's socket) and, for OpenTelemetry,
 * the environment. Returns whether it is a tracing value at all.
 */
export function checkTracing(checker: PropChecker, tracing: Tracing): boolean {
  if (!(tracing instanceof Tracing)) {
    checker.check(false, 'tracing', `(${quote(tracing)}) is not a tracing value`, 'give Tracing.datadog(...) or Tracing.openTelemetry(...)');
    return false;
  }
  let problems = tracingProblems.get(tracing);
  if (!problems) {
    const found = new PropProblems();
    checkTracingValue(found, tracing);
    tracingProblems.set(tracing, problems = found.problems);
  }
  for (const p of problems) checker.check(false, p.prop, p.problem, p.fix);
  return true;
}

/** The checks of {@link checkTracing}, on a tracing value. */
function checkTracingValue(checker: PropProblems, tracing: Tracing): void {
  const p = tracing.samplingPercentage;
  checker.check(Number.isFinite(p) && p >= 0 && p <= 100, 'tracing.samplingPercentage', `(${p}) must be a percentage from 0 to 100`, 'give a share such as 100 (everything) or 10');
  const agent = tracing.datadogAgent;
  if (agent?.mode === 'unix-socket') {
    const problem = socketPathError(agent.socketPath);
    checker.check(problem === undefined, 'tracing.agent', `socket path ${problem}`, `use the agent's own socket, ${DEFAULT_DATADOG_APM_SOCKET}`);
  } else if (agent?.mode === 'cluster-service') {
    // Kubernetes DNS names a Service `<service>.<namespace>.svc.cluster.local`: a DNS-1035 and a DNS-1123 label.
    const host = agent.host ?? '';
    const match = /^([a-z]([-a-z0-9]{0,61}[a-z0-9])?)\.([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\.svc\.cluster\.local$/.exec(host);
    checker.check(match !== null, 'tracing.agent', `(${quote(host)}) is not the DNS name of a Service: the service must be a DNS-1035 label and the namespace a DNS-1123 label`,
      "give DatadogAgent.clusterService({ service: 'datadog', namespace: 'datadog' }) as the agent's chart names them");
  } else if (tracing.provider === TracingProvider.OPENTELEMETRY) {
    const host = tracing.collectorHost;
    if (checker.check(host !== undefined && host !== '', 'tracing', 'has no OTLP endpoint', 'give Tracing.openTelemetry({ collector }) or ({ host })')) {
      const problem = hostError(host);
      checker.check(problem === undefined, 'tracing.host', problem ?? '', "give the collector's host name, such as 'otel.observability.svc.cluster.local', and its port apart");
    }
    const env = tracing.env;
    if (env !== undefined) checker.check(typeof env === 'string' && env.length > 0, 'tracing.env', `(${quote(env)}) must be a non-empty text`, "give the environment, such as 'production'");
  }
  if (tracing.collectorPort !== undefined || agent?.mode === 'host-ip') {
    const problem = portError(Number(tracing.collectorPort));
    checker.check(typeof tracing.collectorPort === 'number' && problem === undefined, 'tracing.port', problem ?? `(${quote(tracing.collectorPort)}) must be a port`, 'give the port the backend listens on, such as 4317 or 8126');
  }
}

/**
 * Host directories a socket's directory must neither be, lie under, nor
 * contain: the node's configuration, kernel interfaces and devices, system
 * binaries and libraries, the kubelet's state (pod volumes and Secrets), the
 * pod's writable /tmp and its service account token. Mounting an ancestor of
 * one (`/var`, `/var/run`, `/`) would hand the pod the node's container
 * runtime socket and the kubelet's Secrets: a read-only mount does not stop a
 * connect(2) to a socket.
 */
const PROTECTED_DIRECTORIES = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var/lib/kubelet', '/tmp', '/var/run/secrets', '/run/secrets'];
/** sun_path holds 108 bytes with the terminating NUL (Linux include/uapi/linux/un.h, UNIX_PATH_MAX). */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Why a Unix socket path cannot be mounted from the node: it must be
 * absolute and normalized (no '.', '..', '//' or trailing '/'), of plain path
 * characters, fit `sun_path`, and its directory (the one directory mounted)
 * must be a dedicated one: not a protected directory, under one or above one.
 */
export function socketPathError(socket: unknown): string | undefined {
  if (typeof socket !== 'string' || !/^\/[A-Za-z0-9._\/-]+$/.test(socket)) return `(${quote(socket)}) must be an absolute path of letters, digits, '.', '_', '-' and '/'`;
  if (path.posix.normalize(socket) !== socket || socket.endsWith('/') || socket.split('/').some((s) => s === '.' || s === '..')) {
    return `(${quote(socket)}) must be a normalized path: no '.', '..', '//' or trailing '/'`;
  }
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) return `(${quote(socket)}) is longer than a Unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes)`;
  const dir = path.posix.dirname(socket);
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`) || outer === '/';
  const clash = PROTECTED_DIRECTORIES.find((p) => within(dir, p) || within(p, dir));
  if (clash !== undefined || dir === '/') {
    return `(${quote(socket)}) would mount ${dir} from the node, ${dir === '/' || clash === undefined ? 'its root' : within(dir, clash) ? `which is ${clash} or under it` : `which holds ${clash}`}: the socket must sit in a directory of its own`;
  }
  return undefined;
}

/** A sampling percentage as the 0-to-1 ratio the SDKs take, without float noise. */
function ratio(percentage: number): string {
  let text = ratios.get(percentage);
  if (text === undefined) ratios.set(percentage, text = String(Number((percentage / 100).toFixed(6))));
  return text;
}

/** Ratios by percentage, and Datadog's sampling rules by percentage: the same few values for every service. */
const ratios = new Map<number, string>();
const samplingRules = new Map<number, string>();

/** DD_TRACE_SAMPLING_RULES for a sampling percentage: one rule for every trace. */
function datadogSamplingRules(percentage: number): string {
  let text = samplingRules.get(percentage);
  if (text === undefined) samplingRules.set(percentage, text = JSON.stringify([{ sample_rate: Number(ratio(percentage)) }]));
  return text;
}

/**
 * An Envoy that traces its own requests (the front proxy): unified service
 * tagging, so its spans carry env, service and version like the services'.
 * Envoy's Datadog tracer (dd-trace-cpp) reads DD_ENV, DD_SERVICE and
 * DD_VERSION, which take precedence over Envoy's config (dd-trace-cpp
 * include/datadog/tracer_config.h); its OpenTelemetry tracer reads
 * OTEL_RESOURCE_ATTRIBUTES through the environment resource detector.
 * Nothing else of a service's wiring applies: Envoy reaches its collector
 * through a cluster of its own config and samples by its own settings.
 */
export function proxyTracingFeature(tracing: Tracing): IPodFeature {
  return {
    prop: 'tracing',
    bind: (context: PodContext): PodFeatureBinding => tracing.provider === TracingProvider.DATADOG
      ? datadogTagging(context.checker, tracing, context)
      : { env: otelResourceEnv(tracing, context) },
  };
}

/** Unified service tagging: the tag labels, and DD_ENV, DD_SERVICE, DD_VERSION read from them. */
function datadogTagging(checker: PropChecker, tracing: Tracing, workload: PodContext): { podLabels: Record<string, string>; env: Array<readonly [string, EnvValue]> } {
  const env = tracing.env;
  if (checker.check(env !== undefined && env.length > 0, 'tracing.env', 'is required for tracing with Datadog (unified service tagging)',
    "give Tracing.datadog({ env: 'production' }) so traces, logs and metrics share env, service and version")) {
    const error = labelValueError(env!);
    checker.check(error === undefined, 'tracing.env', error ?? '', 'use a label value such as production');
  }
  const fromLabel = (label: string) => EnvValue.fromFieldRef(EnvFieldPaths.POD_LABEL, { key: label });
  return {
    podLabels: { [DD_LABEL_ENV]: env ?? '', [DD_LABEL_SERVICE]: workload.name, [DD_LABEL_VERSION]: workload.version },
    env: [['DD_ENV', fromLabel(DD_LABEL_ENV)], ['DD_SERVICE', fromLabel(DD_LABEL_SERVICE)], ['DD_VERSION', fromLabel(DD_LABEL_VERSION)]],
  };
}

function datadogWiring(checker: PropChecker, tracing: Tracing, workload: PodContext): PodFeatureBinding {
  const tagging = datadogTagging(checker, tracing, workload);
  const podLabels = tagging.podLabels;
  const vars: Array<readonly [string, EnvValue]> = [];
  const hostPaths: HostPathMount[] = [];
  if (tracing.admissionController) {
    // The admission controller injects DD_ENV/DD_SERVICE/DD_VERSION from the
    // labels above and the agent address; only the opt-in label is ours to write.
    podLabels[DD_ADMISSION_LABEL] = 'true';
  } else {
    vars.push(...tagging.env);
    const agent = tracing.datadogAgent as DatadogAgent;
    if (agent.mode === 'unix-socket') {
      const socket = agent.socketPath as string;
      const dir = path.posix.dirname(socket);
      hostPaths.push({ name: 'datadog-apm-socket', hostPath: dir, mountPath: dir });
      vars.push(['DD_TRACE_AGENT_URL', EnvValue.fromValue(`unix://${socket}`)]);
    } else {
      const host = agent.mode === 'host-ip' ? EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP) : EnvValue.fromValue(agent.host as string);
      vars.push(['DD_AGENT_HOST', host], ['DD_TRACE_AGENT_PORT', EnvValue.fromValue(String(agent.port))]);
    }
  }
  vars.push(
    // Trace and span ids in the logs, so the backend links logs to traces.
    ['DD_LOGS_INJECTION', EnvValue.fromValue('true')],
    // DD_TRACE_SAMPLE_RATE is deprecated; sampling rules replace it.
    ['DD_TRACE_SAMPLING_RULES', EnvValue.fromValue(datadogSamplingRules(tracing.samplingPercentage))],
    ['DD_TRACE_PROPAGATION_STYLE', EnvValue.fromValue(tracing.servicePropagation.join(','))],
  );
  return { env: vars, podLabels, hostPaths };
}

/** The pod's Kubernetes resource attributes, from Downward API variables. */
const DOWNWARD_ATTRIBUTES: ReadonlyArray<readonly [string, EnvFieldPaths, string]> = [
  ['K8S_POD_NAME', EnvFieldPaths.POD_NAME, 'k8s.pod.name'],
  ['K8S_NAMESPACE_NAME', EnvFieldPaths.POD_NAMESPACE, 'k8s.namespace.name'],
  ['K8S_NODE_NAME', EnvFieldPaths.NODE_NAME, 'k8s.node.name'],
  ['K8S_POD_UID', EnvFieldPaths.POD_UID, 'k8s.pod.uid'],
];

/** The Downward API variables the resource attributes refer to: defined first, since Kubernetes expands $(VAR) only for variables defined earlier in the list. */
function downwardEnv(): Array<readonly [string, EnvValue]> {
  return DOWNWARD_ATTRIBUTES.map(([name, path]) => [name, EnvValue.fromFieldRef(path)] as const);
}

/**
 * A resource attribute's value as `OTEL_RESOURCE_ATTRIBUTES` carries it:
 * percent-encoded, as the OpenTelemetry specification asks for characters
 * outside W3C Baggage's `baggage-octet` (open-telemetry/opentelemetry-specification
 * specification/resource/sdk.md, "Specifying resource information via an
 * environment variable"). Every character but letters, digits and `-_.!~*'()`
 * is encoded, so no ',' or '=' adds an attribute, and no `$(` makes Kubernetes expand a variable.
 */
export function resourceAttributeValue(value: string): string {
  return encodeURIComponent(value);
}

/** `OTEL_RESOURCE_ATTRIBUTES`: the pod (from the Downward API variables), the version and the environment. */
function resourceAttributes(tracing: Tracing, workload: PodContext): readonly [string, EnvValue] {
  const attributes = [...DOWNWARD_ATTRIBUTES.map(([name, , attribute]) => `${attribute}=$(${name})`), `service.version=${resourceAttributeValue(workload.version)}`];
  if (tracing.env) attributes.push(`deployment.environment.name=${resourceAttributeValue(tracing.env)}`);
  return ['OTEL_RESOURCE_ATTRIBUTES', EnvValue.fromValue(attributes.join(','))];
}

/** The resource environment alone, for an Envoy (its tracer reads only the attributes). */
function otelResourceEnv(tracing: Tracing, workload: PodContext): Array<readonly [string, EnvValue]> {
  return [...downwardEnv(), resourceAttributes(tracing, workload)];
}

function openTelemetryWiring(tracing: Tracing, workload: PodContext): PodFeatureBinding {
  const host = tracing.collectorHost;
  const propagators = tracing.servicePropagation.filter((p) => p !== PropagationStyle.DATADOG);
  return {
    env: [
      ...downwardEnv(),
      ['OTEL_SERVICE_NAME', EnvValue.fromValue(workload.name)],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', EnvValue.fromValue(`http://${host}:${tracing.collectorPort}`)],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', EnvValue.fromValue('grpc')],
      // Follow the caller's decision (the front proxy's), sample new traces at the ratio.
      ['OTEL_TRACES_SAMPLER', EnvValue.fromValue('parentbased_traceidratio')],
      ['OTEL_TRACES_SAMPLER_ARG', EnvValue.fromValue(ratio(tracing.samplingPercentage))],
      ['OTEL_PROPAGATORS', EnvValue.fromValue(propagators.join(','))],
      resourceAttributes(tracing, workload),
    ],
  };
}
