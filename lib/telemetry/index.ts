export { checkCollectorPipelines } from './collector-config';
export type { CollectorConfig, CollectorPipeline, CollectorServiceConfig } from './collector-config';
export { DEFAULT_OTEL_COLLECTOR_IMAGE, OtelCollector } from './otel-collector';
export type { OtelCollectorProps } from './otel-collector';
export { OtelExporter, OtlpProtocol, Signal } from './otel-exporter';
export type { DatadogExporterOptions, EckApmServerExporterOptions, ElasticApmExporterOptions, OtlpExporterOptions, SecretKey } from './otel-exporter';
export { DatadogAgent, PropagationStyle, Tracing, TracingProvider } from './tracing';
export type { DatadogAgentServiceOptions, DatadogTracingOptions, IOtlpGrpcEndpoint, OpenTelemetryTracingOptions } from './tracing';
