/**
 * The pod feature that connects a workload to its tracing backend: Datadog
 * unified service tagging, or the OpenTelemetry SDK's environment.
 * @internal
 */
import { EnvFieldPaths, EnvValue } from 'cdk8s-plus-27';
import { PropChecker } from '../common/errors';
import { labelValueError } from '../common/names';
import { HostPathMount, IPodFeature, PodContext, PodFeatureBinding } from '../workload/pod-feature';
import { DatadogAgent, PropagationStyle, Tracing, TracingProvider } from './tracing';

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
      checkSampling(context.checker, tracing);
      const wiring = tracing.provider === TracingProvider.DATADOG ? datadogWiring(context.checker, tracing, context) : openTelemetryWiring(context.checker, tracing, context);
      // Spans go over the network unless the agent is reached on the node (host IP, Unix socket).
      const { collectorHost: host, collectorPort: port } = tracing;
      return { ...wiring, egress: host !== undefined && port !== undefined ? [{ host, port, purpose: 'traces' }] : [] };
    },
  };
}

/** Checks the sampling percentage of a tracing value. */
export function checkSampling(checker: PropChecker, tracing: Tracing): void {
  const p = tracing.samplingPercentage;
  checker.check(Number.isFinite(p) && p >= 0 && p <= 100, 'tracing.samplingPercentage', `(${p}) must be a percentage from 0 to 100`, 'give a share such as 100 (everything) or 10');
}

/** A sampling percentage as the 0-to-1 ratio the SDKs take, without float noise. */
function ratio(percentage: number): string {
  return String(Number((percentage / 100).toFixed(6)));
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
      checker.check(socket.startsWith('/') && socket.lastIndexOf('/') > 0, 'tracing.agent', `socket path ("${socket}") must be an absolute path inside a directory`, `use ${'/var/run/datadog/apm.socket'}`);
      const dir = socket.slice(0, socket.lastIndexOf('/'));
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
    ['DD_TRACE_SAMPLING_RULES', EnvValue.fromValue(JSON.stringify([{ sample_rate: Number(ratio(tracing.samplingPercentage)) }]))],
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

/** `OTEL_RESOURCE_ATTRIBUTES`: the pod (from the Downward API variables), the version and the environment. */
function resourceAttributes(tracing: Tracing, workload: PodContext): readonly [string, EnvValue] {
  const attributes = [...DOWNWARD_ATTRIBUTES.map(([name, , attribute]) => `${attribute}=$(${name})`), `service.version=${workload.version}`];
  if (tracing.env) attributes.push(`deployment.environment.name=${tracing.env}`);
  return ['OTEL_RESOURCE_ATTRIBUTES', EnvValue.fromValue(attributes.join(','))];
}

/** The resource environment alone, for an Envoy (its tracer reads only the attributes). */
function otelResourceEnv(tracing: Tracing, workload: PodContext): Array<readonly [string, EnvValue]> {
  return [...downwardEnv(), resourceAttributes(tracing, workload)];
}

function openTelemetryWiring(checker: PropChecker, tracing: Tracing, workload: PodContext): PodFeatureBinding {
  const host = tracing.collectorHost;
  checker.check(host !== undefined && host.length > 0, 'tracing', 'has no OTLP endpoint', 'give Tracing.openTelemetry({ collector }) or ({ host })');
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
