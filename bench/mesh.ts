/**
 * `npm run bench`: the full stack (services with Datadog tracing and the Istio
 * sidecar, front Envoys of 250 routes, the readiness rules enforced) against
 * the same manifests written by hand with plain cdk8s-plus-27 (scenario.ts),
 * at 1,000 and 5,000 services (`BENCH_SERVICES=2000` or `=1000,3000` for other
 * sizes). Runs are paired and alternate (baseline, library, baseline,
 * library, ...), each in a process of its own, so that drift in the machine's
 * load falls on both; `BENCH_RUNS` pairs per size (default 5: on a shared machine a run varies by 10 % or more). The headline is
 * the median of the pairs' total-time ratios.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

interface Result {
  readonly scenario: string;
  readonly services: number;
  readonly wallMs: number;
  readonly peakRssMB: number;
  readonly documents: number;
  readonly bytes: number;
}

const sizes = (process.env.BENCH_SERVICES ?? '1000,5000').split(',').map(Number);
const pairs = Number(process.env.BENCH_RUNS ?? 5);
const script = path.join(__dirname, 'scenario.js');

function run(scenario: string, services: number): Result {
  const out = execFileSync(process.execPath, [script, scenario], {
    encoding: 'utf8', env: { ...process.env, BENCH_SERVICES: String(services) }, maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function stats(label: string, results: Result[]): void {
  const walls = results.map((r) => r.wallMs);
  const r = results[0];
  console.log(`  ${label.padEnd(30)} median ${seconds(median(walls))}  min ${seconds(Math.min(...walls))}  max ${seconds(Math.max(...walls))}  `
    + `peak RSS ${Math.max(...results.map((x) => x.peakRssMB)).toFixed(0)} MB  ${(median(walls) / r.services).toFixed(3)} ms/service  `
    + `${r.documents} documents  ${(r.bytes / 1024 / 1024).toFixed(1)} MiB`);
}

console.log(`Node ${process.version}, ${pairs} alternating pairs per size`);
const headlines: string[] = [];
for (const services of sizes) {
  console.log(`\n${services} services`);
  const baseline: Result[] = [];
  const library: Result[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const b = run('baseline', services);
    const l = run('library', services);
    baseline.push(b);
    library.push(l);
    ratios.push(l.wallMs / b.wallMs);
    console.log(`  pair ${i + 1}: baseline ${seconds(b.wallMs)} (${b.peakRssMB.toFixed(0)} MB), library ${seconds(l.wallMs)} (${l.peakRssMB.toFixed(0)} MB), ratio ${(l.wallMs / b.wallMs).toFixed(2)}`);
  }
  stats('baseline (plain cdk8s-plus-27)', baseline);
  stats('library (cdk8s-observable)', library);
  console.log(`  ratios: median ${median(ratios).toFixed(2)}, min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}`);
  headlines.push(`total time ratio vs cdk8s-plus baseline: ${median(ratios).toFixed(2)} at ${services} services`);
}
console.log('');
for (const line of headlines) console.log(line);
