export type { ActiveHealthCheckTiming, CircuitBreakerSpec, JsonObject, OutlierDetectionSpec, UpstreamHealthCheck, UpstreamSpec } from './bootstrap';
export { DEFAULT_ENVOY_IMAGE, MAX_UPSTREAMS_COMPACT, MAX_UPSTREAMS_INDENTED } from './defaults';
export { FrontEnvoy } from './front-envoy';
export { FrontLoadBalancer, IpFamily } from './load-balancer';
export type { AwsNlbOptions, Layer4Options, Layer7Options } from './load-balancer';
export type {
  FrontEnvoyHealthCheckProps, FrontEnvoyProps, FrontEnvoyRoute, FrontEnvoyShutdownProps, RetryProps, UpstreamCircuitBreakerProps, UpstreamHealthCheckProps,
  UpstreamOutlierDetectionProps,
} from './props';
export { EnvoyConfigError, validateEnvoyConfig } from './validate';
export type { EnvoyConfigIssue, EnvoyConfigIssueKind } from './validate';
