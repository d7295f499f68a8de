/**
 * The largest number of upstream services one FrontEnvoy's ConfigMap holds
 * (Kubernetes rejects objects over 1 MiB), with indented and compact JSON.
 * Usage: npm run bench:envoy-capacity
 */
import { Chart, Testing } from 'cdk8s';
import { CONFIG_MAP_LIMIT_BYTES, FrontEnvoy, ObservableService, Protocol, Tracing } from '../lib';

function configBytes(upstreams: number, compact: boolean): number {
  const chart = new Chart(Testing.app(), 'capacity', { namespace: 'mesh' });
  const services = Array.from({ length: upstreams }, (_v, i) => new ObservableService(chart, `svc-${i}`, {
    image: `registry.example.com/mesh/svc-${i}:1.0.0`, port: i % 2 ? 9090 : 8080, protocol: i % 2 ? Protocol.GRPC : Protocol.HTTP,
  }));
  const front = new FrontEnvoy(chart, 'front', { routes: services.map((s) => ({ prefix: `/${s.name}/`, service: s })), tracing: Tracing.datadog(), compactConfig: compact });
  return Buffer.byteLength(front.configText);
}

for (const compact of [false, true]) {
  const perUpstream = (configBytes(200, compact) - configBytes(100, compact)) / 100;
  const base = configBytes(100, compact) - 100 * perUpstream;
  let n = Math.floor((CONFIG_MAP_LIMIT_BYTES - 16 * 1024 - base) / perUpstream);
  while (configBytes(n + 1, compact) <= CONFIG_MAP_LIMIT_BYTES - 16 * 1024) n++;
  while (configBytes(n, compact) > CONFIG_MAP_LIMIT_BYTES - 16 * 1024) n--;
  console.log(`${compact ? 'compact' : 'indented'} JSON: ${Math.round(perUpstream)} bytes per upstream (mixed HTTP/gRPC, prefix routes), at most ${n} upstreams per FrontEnvoy`);
}
