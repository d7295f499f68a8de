import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { DatadogMonitors, FrontEnvoy, FrontLoadBalancer, NetworkIsolation, NodeGroup, ObservableService, ProductionReadiness, ServiceLevelObjectives, Tracing } from '../lib';

/**
 * Distributed tracing through the front proxy: app → load balancer → front Envoy → app pods, with Envoy's
 * spans sent to the Datadog agent through the agent's ClusterIP Service
 * (`datadog.datadog.svc.cluster.local:8126`), so a slow request shows whether
 * the load balancer, Envoy or the application took the time.
 */
export class EnvoyDatadogChart extends Chart {
  public readonly frontEnvoy: FrontEnvoy;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'expenses', ...props });

    // One tracing value for the proxy and the service behind it, so their
    // spans join one trace (both write and read Datadog trace headers).
    const tracing = Tracing.datadog({ env: 'production', samplingPercentage: 100 });

    const nodeGroup = NodeGroup.named('expenses-app');
    const api = new ObservableService(this, 'expenses-api', {
      image: 'ghcr.io/example-accounting/expenses-api:3.2.0',
      port: 8080,
      partOf: 'expenses',
      throughput: { normalRps: 150, peakRps: 600, rpsPerPod: 100 },
      autoscaling: {},
      nodeGroup,
      // Unified service tagging (env, service, version) and the agent's ClusterIP Service.
      tracing,
    });

    this.frontEnvoy = new FrontEnvoy(this, 'expenses-front-envoy', {
      partOf: 'expenses',
      routes: [{ prefix: '/', service: api, timeout: Duration.seconds(10) }],
      throughput: { normalRps: 150, peakRps: 600, rpsPerPod: 1500 },
      autoscaling: {},
      nodeGroup,
      // Full sampling first; lower it once the proxy's CPU and latency cost is measured.
      tracing,
      // An internet-facing AWS NLB (layer 4): client IPs reach Envoy as the peer, no
      // X-Forwarded-For entry is trusted, and the target group's deregistration delay
      // matches Envoy's drain.
      loadBalancer: FrontLoadBalancer.awsNlb(),
      // On termination Envoy fails its health check, serves while the NLB deregisters it
      // (about 2 failed checks 10 s apart), then drains its listeners before it exits.
      shutdown: { deregistrationDelay: Duration.seconds(20), drainTime: Duration.seconds(10) },
    });

    // Error rate and p99 of the proxy, from its own spans (service:expenses-front-envoy,
    // env:production); no Istio here, so no control-plane monitors.
    new DatadogMonitors(this, 'monitors', {
      services: [],
      frontProxies: [this.frontEnvoy],
      env: 'production',
      notify: ['@slack-expenses-oncall'],
      runbookUrl: 'https://runbooks.example.com/expenses/{signal}',
      controlPlane: false,
    });

    // The API is outside the mesh: Prometheus counts its requests from the front Envoy's statistics.
    new ServiceLevelObjectives(this, 'expenses-slo', {
      service: api,
      frontProxy: this.frontEnvoy,
      availabilityTarget: 99.5,
      runbookUrl: 'https://runbooks.example.com/expenses/expenses-api/slo',
      prometheus: {},
    });
    ProductionReadiness.suppress(this.frontEnvoy, 'OBS-SLO1',
      "the edge's objectives are those of the API behind it: the proxy adds no user-facing promise of its own");

    // The NLB keeps the clients' addresses (IP targets): Envoy's listener is open to any
    // address; everything else follows the declarations (Envoy → API, both → the agent, DNS).
    new NetworkIsolation(this, 'isolation', { prometheus: { namespace: 'monitoring', port: 9902 } });
  }
}
