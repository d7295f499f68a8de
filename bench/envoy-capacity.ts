/**
 * The largest number of upstream services one FrontEnvoy's ConfigMap holds
 * (Kubernetes rejects objects over 1 MiB), with indented and compact JSON.
 * Usage: npm run bench:envoy-capacity
 */
import { Chart, Testing } from 'cdk8s';
import { ConfigurationError, FrontEnvoy, ObservableService, Protocol, Tracing } from '../lib';
import { CONFIG_MAP_LIMIT_BYTES } from '../lib/envoy/defaults';

/** The config's size for `upstreams` mixed services, or the error when the FrontEnvoy refuses it (over the ConfigMap limit). */
function attempt(upstreams: number, compact: boolean): number | ConfigurationError {
  const chart = new Chart(Testing.app(), 'capacity', { namespace: 'mesh' });
  const services = Array.from({ length: upstreams }, (_v, i) => new ObservableService(chart, `svc-${i}`, {
    image: `registry.example.com/mesh/svc-${i}:1.0.0`, port: i % 2 ? 9090 : 8080, protocol: i % 2 ? Protocol.GRPC : Protocol.HTTP,
  }));
  try {
    const front = new FrontEnvoy(chart, 'front', { routes: services.map((s) => ({ prefix: `/${s.name}/`, service: s })), tracing: Tracing.datadog({ env: 'production' }), compactConfig: compact });
    return Buffer.byteLength(front.configText);
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
}

const fits = (n: number, compact: boolean) => typeof attempt(n, compact) === 'number';

for (const compact of [false, true]) {
  const at100 = attempt(100, compact) as number;
  const perUpstream = ((attempt(200, compact) as number) - at100) / 100;
  // Start from the linear estimate, then step to the exact largest count that the FrontEnvoy accepts.
  let n = Math.floor(100 + (CONFIG_MAP_LIMIT_BYTES - 16 * 1024 - at100) / perUpstream);
  while (fits(n + 1, compact)) n++;
  while (!fits(n, compact)) n--;
  console.log(`${compact ? 'compact' : 'indented'} JSON: ${Math.round(perUpstream)} bytes per upstream (mixed HTTP/gRPC, prefix routes), at most ${n} upstreams per FrontEnvoy`);
  const refused = attempt(n + 1, compact) as ConfigurationError;
  console.log(`  ${n + 1} upstreams: ${refused.message}`);
}
