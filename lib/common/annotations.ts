/**
 * Annotations this library writes for other tools (and for its own readiness
 * rules, which read manifests from any source). One place, so the writer and
 * the readers cannot drift apart.
 */

/** Annotation prefix for facts this library publishes. */
export const ANNOTATION_PREFIX = 'observable.cdk8s.io';

/** Pod annotations publishing the health contract. */
export const ANNOTATION_HEALTH_LIVE = `${ANNOTATION_PREFIX}/health-live`;
export const ANNOTATION_HEALTH_READY = `${ANNOTATION_PREFIX}/health-ready`;
export const ANNOTATION_HEALTH_HEALTHZ = `${ANNOTATION_PREFIX}/health-healthz`;
/** Pod annotation naming the application protocol (`http`, `grpc`). */
export const ANNOTATION_PROTOCOL = `${ANNOTATION_PREFIX}/protocol`;
/** Workload annotations stating the capacity plan. */
export const ANNOTATION_NORMAL_RPS = `${ANNOTATION_PREFIX}/normal-rps`;
export const ANNOTATION_PEAK_RPS = `${ANNOTATION_PREFIX}/peak-rps`;
export const ANNOTATION_RPS_PER_POD = `${ANNOTATION_PREFIX}/rps-per-pod`;
export const ANNOTATION_PODS_AT_NORMAL = `${ANNOTATION_PREFIX}/pods-at-normal`;
export const ANNOTATION_PODS_AT_PEAK = `${ANNOTATION_PREFIX}/pods-at-peak`;
/** Pod annotation with a hash of the mounted config: a config change rolls the pods. */
export const ANNOTATION_CONFIG_HASH = `${ANNOTATION_PREFIX}/config-hash`;
/** Prefix of the annotation by which a manifest suppresses a readiness rule: `observable.cdk8s.io/suppress.<RULE-ID>: <reason>`. */
export const SUPPRESS_ANNOTATION_PREFIX = `${ANNOTATION_PREFIX}/suppress.`;
