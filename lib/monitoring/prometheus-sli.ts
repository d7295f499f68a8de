/**
 * Where Prometheus reads a service's requests: its Istio sidecar's standard
 * metrics, or, for a service outside the mesh behind a `FrontEnvoy`, the
 * proxy's upstream cluster statistics. Both the alerts and the SLOs read them
 * through this one place.
 */
import { clusterName } from '../envoy/routes';
import { ObservableService } from '../service/observable-service';
import { Protocol } from '../service/protocol';

/**
 * Istio standard metrics (istio/proxy source/extensions/filters/http/istio_stats/istio_stats.cc;
 * istio.io/latest/docs/reference/config/metrics), as reported by the
 * destination's sidecar: each request counted once, where it was served.
 */
export const ISTIO_REQUESTS_TOTAL = 'istio_requests_total';
export const ISTIO_REQUEST_DURATION = 'istio_request_duration_milliseconds';

/**
 * Envoy's upstream cluster statistics in Prometheus form: `cluster.<name>.upstream_rq_<N>xx`
 * becomes `envoy_cluster_upstream_rq_xx{envoy_cluster_name, envoy_response_code_class="N"}`
 * (envoyproxy/envoy source/common/config/well_known_names.cc tag extraction),
 * counting final responses only (cluster_stats.rst: a retried 503 followed by
 * a 200 counts one 200).
 */
export const ENVOY_UPSTREAM_RQ_XX = 'envoy_cluster_upstream_rq_xx';
export const ENVOY_UPSTREAM_RQ_TIME = 'envoy_cluster_upstream_rq_time';

/**
 * The histogram bounds (ms) of Envoy's and so Istio's latency histograms:
 * envoyproxy/envoy source/common/stats/histogram_impl.cc defaultBuckets(),
 * the default istio/api annotation/annotations.gen.go states for
 * `sidecar.istio.io/statsHistogramBuckets`.
 */
export const DEFAULT_LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];
/**
 * The bounds a latency objective may use: those under 10^6, whose `le` label
 * Prometheus 3 writes without an exponent (it formats bounds as Go's
 * strconv 'g' does: 1800000 becomes "1.8e+06", which leMatcher does not match).
 */
export const OBJECTIVE_BUCKETS_MS: readonly number[] = DEFAULT_LATENCY_BUCKETS_MS.filter((b) => b < 1e6);

/**
 * gRPC status codes that count as the server failing (grpc/grpc doc/statuscodes.md):
 * UNKNOWN 2, DEADLINE_EXCEEDED 4, UNIMPLEMENTED 12, INTERNAL 13,
 * UNAVAILABLE 14, DATA_LOSS 15. A gRPC call answered with any status is an
 * HTTP 200, so the HTTP code alone would count these as successes.
 */
export const GRPC_SERVER_ERRORS = '2|4|12|13|14|15';

/**
 * A histogram bucket bound as a label matcher that holds on Prometheus 2 and
 * 3: Envoy writes `le="250"`, which Prometheus 3 stores as `le="250.0"`
 * (prometheus/prometheus docs/migration.md; Pyrra's prometheus3.go does the same).
 */
export function leMatcher(boundMs: number): string {
  const text = String(boundMs).replace('.', '\\\\.');
  return Number.isInteger(boundMs) ? `le=~"${text}(\\\\.0)?"` : `le=~"${text}"`;
}

/** The requests of one service, as one source counts them. */
export interface PrometheusSli {
  /** Which metrics: the sidecar's or the front proxy's. */
  readonly source: 'istio' | 'envoy-upstream';
  /** The histogram bounds a latency threshold may be, in milliseconds. */
  readonly bucketsMs: readonly number[];
  /** The share of failed requests over a window (`5m`, `1h`, ...). */
  errorRatio(window: string): string;
  /** The share of requests slower than `thresholdMs` (a bucket bound) over a window. */
  slowRatio(thresholdMs: number, window: string): string;
  /** The `q` quantile of the latency in milliseconds over a window. */
  latencyQuantile(q: number, window: string): string;
}

const rate = (metric: string, labels: string[], window: string) => `sum(rate(${metric}{${labels.join(',')}}[${window}]))`;
/** A count that may have no series yet (no error so far) as zero, so that the ratio still has a value. */
const orZero = (expr: string) => `(${expr} or vector(0))`;

/** The sidecar's metrics for a service in the mesh. */
export function istioSli(service: ObservableService): PrometheusSli {
  const base = ['reporter="destination"', `destination_service_name="${service.name}"`, `destination_service_namespace="${service.namespace}"`];
  const grpc = service.protocol === Protocol.GRPC;
  return {
    source: 'istio',
    bucketsMs: OBJECTIVE_BUCKETS_MS,
    errorRatio: (w) => {
      // gRPC: the failing statuses, plus HTTP 5xx answered without one (the proxy's own 503s).
      const errors = grpc
        ? `${orZero(rate(ISTIO_REQUESTS_TOTAL, [...base, `grpc_response_status=~"${GRPC_SERVER_ERRORS}"`], w))} + ${orZero(rate(ISTIO_REQUESTS_TOTAL, [...base, `grpc_response_status!~"${GRPC_SERVER_ERRORS}"`, 'response_code=~"5.."'], w))}`
        : orZero(rate(ISTIO_REQUESTS_TOTAL, [...base, 'response_code=~"5.."'], w));
      return `(${errors}) / ${rate(ISTIO_REQUESTS_TOTAL, base, w)}`;
    },
    slowRatio: (ms, w) => `1 - (${rate(`${ISTIO_REQUEST_DURATION}_bucket`, [...base, leMatcher(ms)], w)} / ${rate(`${ISTIO_REQUEST_DURATION}_count`, base, w)})`,
    latencyQuantile: (q, w) => `histogram_quantile(${q}, sum by (le) (rate(${ISTIO_REQUEST_DURATION}_bucket{${base.join(',')}}[${w}])))`,
  };
}

/** The front proxy's upstream cluster statistics for an HTTP service it routes to. */
export function envoyUpstreamSli(service: ObservableService): PrometheusSli {
  const base = [`envoy_cluster_name="${clusterName(service)}"`];
  return {
    source: 'envoy-upstream',
    bucketsMs: OBJECTIVE_BUCKETS_MS,
    errorRatio: (w) => `${orZero(rate(ENVOY_UPSTREAM_RQ_XX, [...base, 'envoy_response_code_class="5"'], w))} / ${rate(ENVOY_UPSTREAM_RQ_XX, base, w)}`,
    slowRatio: (ms, w) => `1 - (${rate(`${ENVOY_UPSTREAM_RQ_TIME}_bucket`, [...base, leMatcher(ms)], w)} / ${rate(`${ENVOY_UPSTREAM_RQ_TIME}_count`, base, w)})`,
    latencyQuantile: (q, w) => `histogram_quantile(${q}, sum by (le) (rate(${ENVOY_UPSTREAM_RQ_TIME}_bucket{${base.join(',')}}[${w}])))`,
  };
}
