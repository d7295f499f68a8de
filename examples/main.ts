import { App } from 'cdk8s';
import { AccountingGrpcChart } from './accounting-grpc';
import { AccountingHttpChart } from './accounting-http';
import { EnvoyDatadogChart } from './envoy-datadog';
import { EnvoyHealthChart } from './envoy-health';
import { IstioMeshChart } from './istio-mesh';
import { ObservabilityElasticChart } from './observability-elastic';

/** Every example chart, as `cdk8s synth` runs them (see cdk8s.yaml). */
export function buildExamples(app: App): void {
  const http = new AccountingHttpChart(app, 'accounting-http');
  const grpc = new AccountingGrpcChart(app, 'accounting-grpc');
  new EnvoyDatadogChart(app, 'envoy-datadog');
  new EnvoyHealthChart(app, 'envoy-health', { journal: http.journal, ledger: grpc.ledger });
  new ObservabilityElasticChart(app, 'observability-elastic');
  new IstioMeshChart(app, 'istio-mesh');
}

if (require.main === module) {
  const app = new App();
  buildExamples(app);
  app.synth();
}
