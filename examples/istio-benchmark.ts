import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ProductionReadiness, ProxyBenchmark } from '../lib';

/**
 * The first phase of load testing a mesh, Istio's own harness on the team's cluster:
 * Fortio client → Fortio server at 1000 req/s with 1 KB payloads, once
 * without sidecars and once with, to measure what the proxy costs here.
 */
export class IstioBenchmarkChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'istio-benchmark', ...props });
    new ProxyBenchmark(this, 'sidecar-cost');
    const why = 'benchmark tooling, sized for the test rather than for production traffic';
    for (const rule of ['OBS-CAP1', 'OBS-CAP2', 'OBS-PLC1']) ProductionReadiness.suppress(this, rule, why);
  }
}
