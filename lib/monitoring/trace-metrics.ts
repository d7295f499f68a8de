/** The APM trace metrics of Envoy's spans, which the monitors, the SLOs and the dashboard read. */

/**
 * Envoy's APM trace metrics: every span of Envoy's Datadog tracer is named
 * `envoy.proxy` (envoyproxy/envoy source/extensions/tracers/datadog/tracer.cc),
 * and Datadog derives `trace.<span name>.hits` and `.errors` (counts) and the
 * `trace.<span name>` latency distribution, tagged with the span's service
 * and env (docs.datadoghq.com/tracing/metrics/metrics_namespace).
 */
export const ENVOY_HITS = 'trace.envoy.proxy.hits';
export const ENVOY_ERRORS = 'trace.envoy.proxy.errors';
export const ENVOY_LATENCY = 'trace.envoy.proxy';
