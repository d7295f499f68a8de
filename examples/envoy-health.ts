import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { FrontEnvoy, ObservableService, Protocol, Tracing } from '../lib';

/**
 * Article 002: an HTTP/1.1 service (ClusterIP: Envoy sees one VIP) and a gRPC
 * service (headless: Envoy sees every pod) behind one front Envoy. Envoy
 * answers the load balancer on its own path from its clusters' health; the
 * applications' `/healthz` stays reachable through Envoy for external monitoring.
 */
export class EnvoyHealthChart extends Chart {
  public readonly frontEnvoy: FrontEnvoy;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'accounting', ...props });

    const journal = new ObservableService(this, 'journal-api', {
      image: 'ghcr.io/example-accounting/journal-api:2.14.0',
      port: 8080,
      partOf: 'accounting',
      replicas: 3,
    });
    const ledger = new ObservableService(this, 'ledger', {
      image: 'ghcr.io/example-accounting/ledger:1.8.3',
      port: 9090,
      protocol: Protocol.GRPC,
      partOf: 'accounting',
      replicas: 4,
    });

    this.frontEnvoy = new FrontEnvoy(this, 'accounting-front-envoy', {
      partOf: 'accounting',
      routes: [
        { prefix: '/ledger.v1.Ledger/', service: ledger, timeout: Duration.seconds(5), minHealthyPercent: 50 },
        { prefix: '/journal/', service: journal },
      ],
      tracing: Tracing.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local', samplingPercentage: 20 }),
      upstreamHealthCheck: { interval: Duration.seconds(10), intervalJitter: Duration.seconds(2) },
      replicas: 3,
    });
  }
}
