import { BootstrapSpec, RouteSpec, UpstreamSpec } from '../../lib/envoy/bootstrap';
import { DEFAULT_ACTIVE_HEALTH_CHECK, DEFAULT_CIRCUIT_BREAKERS, DEFAULT_OUTLIER_DETECTION } from '../../lib/envoy/defaults';
import { Tracing } from '../../lib/telemetry/tracing';

/** A bootstrap spec with FrontEnvoy's defaults around the given routes and upstreams. */
export function bootstrapSpec(routes: RouteSpec[], upstreams: UpstreamSpec[], tracing: Tracing | undefined = Tracing.datadog()): BootstrapSpec {
  return {
    serviceName: 'front',
    listenerPort: 8080,
    adminPort: 9901,
    probePort: 9902,
    healthPath: '/_envoy/health',
    routes,
    upstreams,
    tracing,
    activeHealthCheck: DEFAULT_ACTIVE_HEALTH_CHECK,
    outlierDetection: DEFAULT_OUTLIER_DETECTION,
    circuitBreakers: DEFAULT_CIRCUIT_BREAKERS,
    xffNumTrustedHops: 1,
    clientSamplingPercent: 0,
    ipFamily: 'IPv4',
  };
}
