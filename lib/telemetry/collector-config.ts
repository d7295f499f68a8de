/**
 * The collector config as data: the processors in their recommended order,
 * the gateway's whole config, and the check of its pipelines.
 */
import { OTLP_GRPC_PORT } from './tracing';
import { OtelExporter, Signal } from './otel-exporter';

/** OTLP over HTTP. */
export const OTLP_HTTP_PORT = 4318;
/** The health_check extension's port, used by the probes. */
export const OTEL_HEALTH_PORT = 13133;

/** A collector config: the sections the pipeline check reads. */
export interface CollectorConfig {
  /** Receivers by component id, such as `otlp`. */
  readonly receivers?: Record<string, unknown>;
  /** Processors by component id, such as `batch`. */
  readonly processors?: Record<string, unknown>;
  /** Exporters by component id, such as `otlp_grpc/elastic`. */
  readonly exporters?: Record<string, unknown>;
  /** Connectors by component id: an exporter of one pipeline and a receiver of another. */
  readonly connectors?: Record<string, unknown>;
  /** Extensions by component id, such as `health_check`. */
  readonly extensions?: Record<string, unknown>;
  /** The extensions that run and the pipelines, each naming its receivers, processors and exporters. */
  readonly service?: CollectorServiceConfig;
}

/** The `service:` section of a collector config. */
export interface CollectorServiceConfig {
  /** The extensions that run. */
  readonly extensions?: string[];
  /** The pipelines by id, such as `traces`. */
  readonly pipelines?: Record<string, CollectorPipeline>;
}

/** One pipeline: the component ids it runs. */
export interface CollectorPipeline {
  /** Its receivers. */
  readonly receivers?: string[];
  /** Its processors, in order. */
  readonly processors?: string[];
  /** Its exporters. */
  readonly exporters?: string[];
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

