/**
 * `npm run bench`: a mesh of 1,000 services (mixed HTTP/1.1 and gRPC, 2 pods
 * each, tracing and the sidecar on) behind front Envoys, with the readiness
 * rules enforced and Envoy validation on, against a baseline of the same
 * 1,000 Deployments and Services written by hand in plain cdk8s-plus-27
 * (equivalent content; see baseline() in scenario.ts), in the same run.
 * Each scenario runs in a child process (compiled once up front), so its
 * peak memory is its own.
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

const runs = Number(process.env.BENCH_RUNS ?? 3);
const script = path.join(__dirname, 'scenario.js');

function run(scenario: string): Result {
  const out = execFileSync(process.execPath, [script, scenario], { encoding: 'utf8', env: process.env, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop() as string) as Result;
}

/** The median run by wall time. */
function median(scenario: string): Result {
  const results = Array.from({ length: runs }, () => run(scenario)).sort((a, b) => a.wallMs - b.wallMs);
  return results[Math.floor(results.length / 2)];
}

function show(label: string, r: Result): void {
  console.log(`${label.padEnd(34)} wall ${(r.wallMs / 1000).toFixed(2)} s   peak RSS ${r.peakRssMB.toFixed(0)} MB   ${r.documents} documents   ${(r.bytes / 1024 / 1024).toFixed(1)} MiB   ${(r.wallMs / r.documents).toFixed(3)} ms/document`);
}

const baseline = median('baseline');
const mesh = median('mesh');
console.log(`median of ${runs} runs each, ${mesh.services} services, Node ${process.version}`);
show('baseline (plain cdk8s-plus-27)', baseline);
show('mesh (cdk8s-observable)', mesh);
const ratio = (mesh.wallMs / mesh.documents) / (baseline.wallMs / baseline.documents);
console.log(`ratio per document vs cdk8s-plus baseline: ${ratio.toFixed(2)}`);
