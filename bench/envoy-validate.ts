/**
 * Times validateEnvoyConfig on a bootstrap with many upstream clusters.
 * Usage: npm run bench:envoy [-- <upstreams>]   (default 500)
 */
import { performance } from 'perf_hooks';
import { validateEnvoyConfig } from '../lib';
import { bootstrap } from '../lib/envoy/bootstrap';
import { UpstreamSpec } from '../lib/envoy/bootstrap';
import { bootstrapSpec } from '../test/support/envoy-spec';

const count = Number(process.argv[2] ?? 500);
const upstreams: UpstreamSpec[] = Array.from({ length: count }, (_v, i) => {
  const grpc = i % 2 === 1;
  return {
    cluster: `svc-${i}.mesh`,
    host: `svc-${i}.mesh.svc.cluster.local`,
    port: grpc ? 9090 : 8080,
    http2: grpc,
    headless: grpc,
    healthCheck: grpc ? { grpcService: 'readiness' } : { httpPath: '/ready' },
    minHealthyPercent: 25,
  };
});
const routes = upstreams.map((u, i) => ({ match: { prefix: `/svc-${i}/` }, cluster: u.cluster, timeoutMs: 15000, retry: { retryOn: '5xx,reset,connect-failure', numRetries: 2 } }));
const spec = bootstrapSpec(routes, upstreams);
const config = bootstrap(spec);

function time(label: string): number {
  const start = performance.now();
  const issues = validateEnvoyConfig(config);
  const ms = performance.now() - start;
  if (issues.length > 0) throw new Error(`unexpected issues: ${JSON.stringify(issues.slice(0, 3))}`);
  console.log(`${label}: ${ms.toFixed(1)} ms`);
  return ms;
}

console.log(`validateEnvoyConfig on a bootstrap with ${count} upstream clusters and ${count} routes (${JSON.stringify(config).length} bytes of JSON)`);
time('first call (reads the schema)');
const runs = Array.from({ length: 5 }, (_v, i) => time(`warm call ${i + 1}`)).sort((a, b) => a - b);
console.log(`median warm: ${runs[2].toFixed(1)} ms`);
