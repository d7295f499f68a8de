import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { FrontEnvoy, NetworkIsolation, NodeGroup, ObservableService, Tracing } from '../lib';

/**
 * Article 000: app → load balancer → front Envoy → app pods, with Envoy's
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
      serviceType: kplus.ServiceType.LOAD_BALANCER,
      serviceAnnotations: {
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/_envoy/health',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'HTTP',
      },
    });

    // The NLB keeps the clients' addresses (IP targets): Envoy's listener is open to any
    // address; everything else follows the declarations (Envoy → API, both → the agent, DNS).
    new NetworkIsolation(this, 'isolation');
  }
}
