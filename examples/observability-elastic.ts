import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { NodeGroup, ObservableService, OtelCollector, OtelExporter, ProductionReadiness, PrometheusAlerts, Protocol, Tracing } from '../lib';

/**
 * Applications send traces, metrics and logs with the
 * OpenTelemetry SDK to a Collector gateway, which adds Kubernetes metadata
 * and exports to Elastic APM Server over OTLP. The APM secret token stays in
 * the Secret ECK created; the collector reads it into an environment variable.
 */
export class ObservabilityElasticChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'accounting', ...props });

    // The collector runs beside the ECK ApmServer "apm-server", in its namespace: ECK
    // writes the APM secret token and the public CA there, and a pod reads Secrets
    // of its own namespace only. The exporter trusts ECK's self-signed CA.
    this.collector = new OtelCollector(this, 'otel-collector', {
      namespace: 'observability',
      // The gateway belongs to the observability platform, not to the product that declares it.
      partOf: 'observability',
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      nodeGroup: NodeGroup.named('observability'),
      exporters: [OtelExporter.eckApmServer({ apmServer: 'apm-server', namespace: 'observability' })],
    });

    ProductionReadiness.suppress(this.collector, 'OBS-CAP1',
      'the gateway is sized by telemetry volume and its memory limiter, not by request rate');

    const nodeGroup = NodeGroup.named('accounting-app');
    const tracing = Tracing.openTelemetry({ collector: this.collector, samplingPercentage: 25, env: 'production' });
    const invoice = new ObservableService(this, 'invoice-api', {
      image: 'ghcr.io/example-accounting/invoice-api:4.1.0',
      port: 8080,
      partOf: 'accounting',
      throughput: { normalRps: 200, peakRps: 900, rpsPerPod: 150 },
      autoscaling: {},
      nodeGroup,
      tracing,
    });
    const tax = new ObservableService(this, 'tax-calculator', {
      image: 'ghcr.io/example-accounting/tax-calculator:1.3.2',
      port: 9090,
      protocol: Protocol.GRPC,
      partOf: 'accounting',
      throughput: { normalRps: 400, peakRps: 1600, rpsPerPod: 500 },
      autoscaling: {},
      nodeGroup,
      tracing,
    });

    // The same alerts without Datadog: Prometheus Operator rules on Istio's standard metrics.
    new PrometheusAlerts(this, 'accounting-alerts', {
      services: [invoice, tax],
      runbookUrl: (signal, service) => `https://runbooks.example.com/accounting/${service.name}/${signal}`,
      ruleLabels: { release: 'kube-prometheus-stack' },
    });
  }
}
