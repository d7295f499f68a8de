import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkIsolation, NodeGroup, ObservableService, OtelCollector, OtelExporter, ProductionReadiness, PrometheusAlerts, Protocol, ServiceLevelObjectives, Tracing } from '../lib';

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
    ProductionReadiness.suppress(this.collector, 'OBS-NET1',
      "it runs in ECK's namespace, whose network policies the observability platform owns (a default deny there would cut ECK's own traffic)");

    // The product's own workloads, isolated together below.
    const product = new Construct(this, 'accounting');

    const nodeGroup = NodeGroup.named('accounting-app');
    const tracing = Tracing.openTelemetry({ collector: this.collector, samplingPercentage: 25, env: 'production' });
    const invoice = new ObservableService(product, 'invoice-api', {
      image: 'ghcr.io/example-accounting/invoice-api:4.1.0',
      port: 8080,
      partOf: 'accounting',
      throughput: { normalRps: 200, peakRps: 900, rpsPerPod: 150 },
      autoscaling: {},
      nodeGroup,
      tracing,
      // The sidecar counts the requests the alerts and objectives below read (Istio's standard metrics).
      mesh: {},
    });
    const tax = new ObservableService(product, 'tax-calculator', {
      image: 'ghcr.io/example-accounting/tax-calculator:1.3.2',
      port: 9090,
      protocol: Protocol.GRPC,
      partOf: 'accounting',
      throughput: { normalRps: 400, peakRps: 1600, rpsPerPod: 500 },
      autoscaling: {},
      nodeGroup,
      tracing,
      mesh: {},
    });

    // The product's services: each may send OTLP to the collector, reach istiod and query DNS,
    // and Prometheus (kube-prometheus-stack, in monitoring) scrapes the sidecars' merged metrics.
    new NetworkIsolation(product, 'isolation', { prometheus: { namespace: 'monitoring', port: 15020 } });

    // The same alerts without Datadog: Prometheus Operator rules on Istio's standard metrics.
    const ruleLabels = { release: 'kube-prometheus-stack' };
    new PrometheusAlerts(this, 'accounting-alerts', {
      services: [invoice, tax],
      runbookUrl: 'https://runbooks.example.com/accounting/{service}/{signal}',
      ruleLabels,
    });

    // Objectives with error budgets over 30 days, and burn-rate alerts (severity page or ticket).
    new ServiceLevelObjectives(this, 'invoice-slo', {
      service: invoice,
      availabilityTarget: 99.9,
      latency: { threshold: Duration.millis(500), target: 99 },
      runbookUrl: 'https://runbooks.example.com/accounting/invoice-api/slo',
      prometheus: { ruleLabels },
    });
    new ServiceLevelObjectives(this, 'tax-slo', {
      service: tax,
      availabilityTarget: 99.95,
      runbookUrl: 'https://runbooks.example.com/accounting/tax-calculator/slo',
      prometheus: { ruleLabels },
    });
  }
}
