import { App, Chart } from 'cdk8s';
import { TopologyDiagram } from '../lib';
import { AccountingGrpcChart } from './accounting-grpc';
import { AccountingHttpChart } from './accounting-http';
import { EnvoyDatadogChart } from './envoy-datadog';
import { EnvoyHealthChart } from './envoy-health';
import { IstioBenchmarkChart } from './istio-benchmark';
import { IstioMeshChart } from './istio-mesh';
import { LoadTestInvoiceChart } from './loadtest-invoice';
import { ObservabilityElasticChart } from './observability-elastic';

/** Every example chart, as `cdk8s synth` runs them (see cdk8s.yaml). */
export function buildExamples(app: App): void {
  const http = new AccountingHttpChart(app, 'accounting-http');
  const grpc = new AccountingGrpcChart(app, 'accounting-grpc');
  new EnvoyDatadogChart(app, 'envoy-datadog');
  new EnvoyHealthChart(app, 'envoy-health', { journal: http.journal, ledger: grpc.ledger });
  new ObservabilityElasticChart(app, 'observability-elastic');
  new IstioMeshChart(app, 'istio-mesh');
  new LoadTestInvoiceChart(app, 'loadtest-invoice');
  new IstioBenchmarkChart(app, 'istio-benchmark');
  // A Mermaid picture of each chart, written as dist/<chart>.topology.md.
  for (const chart of app.node.children.filter((c): c is Chart => c instanceof Chart)) new TopologyDiagram(chart);
}

/** Synthesizes every example into the output directory (`npx cdk8s synth` runs this, through tools/synth-app.js). */
export function main(): void {
  const app = new App();
  buildExamples(app);
  app.synth();
}

if (require.main === module) main();
