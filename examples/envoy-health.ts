import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { FrontEnvoy, NetworkIsolation, NodeGroup, ObservableService, ProductionReadiness, ServiceLevelObjectives, Tracing } from '../lib';

/** The accounting product's services, defined in their own charts. */
export interface EnvoyHealthChartProps extends ChartProps {
  /** The HTTP/1.1 journal API (AccountingHttpChart). */
  readonly journal: ObservableService;
  /** The gRPC ledger (AccountingGrpcChart). */
  readonly ledger: ObservableService;
}

/**
 * An HTTP/1.1 service (ClusterIP: Envoy sees one VIP) and a gRPC
 * service (headless: Envoy sees every pod) behind one front Envoy. Envoy
 * answers the load balancer on its own path from its clusters' health; the
 * applications' `/healthz` stays reachable through Envoy for external monitoring.
 * The namespace is isolated: only the flows the declarations imply are allowed.
 */
export class EnvoyHealthChart extends Chart {
  public readonly frontEnvoy: FrontEnvoy;
  public readonly isolation: NetworkIsolation;

  constructor(scope: Construct, id: string, props: EnvoyHealthChartProps) {
    super(scope, id, { namespace: 'accounting', ...props });
    const { journal, ledger } = props;

    this.frontEnvoy = new FrontEnvoy(this, 'accounting-front-envoy', {
      partOf: 'accounting',
      routes: [
        { prefix: '/ledger.v1.Ledger/', service: ledger, timeout: Duration.seconds(5), minHealthyPercent: 50 },
        { prefix: '/journal/', service: journal },
      ],
      tracing: Tracing.openTelemetry({ host: 'otel-collector.observability.svc.cluster.local', samplingPercentage: 20 }),
      upstreamHealthCheck: { interval: Duration.seconds(10), intervalJitter: Duration.seconds(2) },
      // All of the product's traffic passes the proxy; one Envoy pod serves 2000 req/s.
      throughput: { normalRps: 1100, peakRps: 3600, rpsPerPod: 2000 },
      autoscaling: {},
      nodeGroup: NodeGroup.named('accounting-edge'),
      // The load balancer's subnets: it opens its own connections to the Envoy pods.
      clientCidrs: ['10.0.0.0/22'],
    });

    // Least-privilege network policies from the declarations above: load balancer →
    // Envoy, Envoy → both services and its collector, the journal → its database, DNS.
    // Prometheus (kube-prometheus-stack, in monitoring) scrapes Envoy's statistics on its probe port.
    this.isolation = new NetworkIsolation(this, 'isolation', { include: [journal, ledger], prometheus: { namespace: 'monitoring', port: 9902 } });

    // The journal is outside the mesh: its objectives read the front Envoy's statistics of its
    // cluster (the final responses Envoy sent for it), which Prometheus scrapes on the probe port.
    new ServiceLevelObjectives(this, 'journal-slo', {
      service: journal,
      frontProxy: this.frontEnvoy,
      availabilityTarget: 99.9,
      latency: { threshold: Duration.millis(500), target: 99 },
      runbookUrl: 'https://runbooks.example.com/accounting/journal-api/slo',
      prometheus: { ruleLabels: { release: 'kube-prometheus-stack' } },
    });
    ProductionReadiness.suppress(ledger, 'OBS-SLO1',
      'a gRPC service outside the mesh: no metric counts its gRPC statuses until it joins the mesh, which the ledger team plans');
    ProductionReadiness.suppress(this.frontEnvoy, 'OBS-SLO1',
      "the edge's objectives are those of the services behind it (the journal's here): the proxy adds no user-facing promise of its own");
  }
}
