import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DatadogMonitors, DatadogServiceDashboard, MeshDestinationRule, MeshPeerAuthentication, MeshSidecarScope, MeshTelemetry, NetworkIsolation, NetworkPeer, NodeGroup, ObservableService, Protocol,
  ServiceLevelObjectives, SidecarSizing, Tracing,
} from '../lib';

/**
 * Production-ready services in an Istio mesh. Each service
 * declares its peak throughput and measured per-pod capacity; the autoscaler
 * range and the sidecar's resources follow from them. The Sidecar resources
 * scope each proxy's config to what it calls, mTLS is STRICT namespace-wide,
 * and the mesh's tracing samples as the services do. The namespace is isolated:
 * gateway → checkout → ledger, DNS, istiod and the Datadog agent, nothing else.
 */
export class IstioMeshChart extends Chart {
  public readonly isolation: NetworkIsolation;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', ...props });

    const tracing = Tracing.datadog({ env: 'production', samplingPercentage: 10 });
    const nodeGroup = NodeGroup.named('payments-app');

    const ledger = new ObservableService(this, 'ledger', {
      image: 'ghcr.io/example-payments/ledger:5.0.4',
      port: 9090,
      protocol: Protocol.GRPC,
      partOf: 'payments',
      throughput: { normalRps: 1500, peakRps: 6000, rpsPerPod: 800 },
      autoscaling: {},
      nodeGroup,
      tracing,
      // Istio 1.24's figures: ~0.20 vCPU and 60 MB per 1000 req/s through the proxy.
      mesh: {},
    });

    const checkout = new ObservableService(this, 'checkout-api', {
      image: 'ghcr.io/example-payments/checkout-api:2.7.1',
      port: 8080,
      partOf: 'payments',
      throughput: { normalRps: 700, peakRps: 2800, rpsPerPod: 350 },
      autoscaling: {},
      nodeGroup,
      tracing,
      mesh: {
        // Replaced by this service's own load test ("don't guess, measure").
        sizing: SidecarSizing.measured({ cpuMillisPer1000Rps: 280, memoryMiBPer1000Rps: 55, source: 'single-service load test 2026-10, 350 req/s per pod' }),
        // It reads its config from the ledger at start-up, through the mesh.
        holdApplicationUntilProxyStarts: true,
      },
      // The one service it calls: the Sidecar scope and the network policies follow.
      dependsOn: [ledger],
    });

    new MeshSidecarScope(this, 'checkout-scope', { service: checkout });
    new MeshSidecarScope(this, 'ledger-scope', { service: ledger });
    new MeshDestinationRule(this, 'ledger-rule', { service: ledger });
    new MeshDestinationRule(this, 'checkout-rule', { service: checkout });
    new MeshPeerAuthentication(this, 'mtls');
    new MeshTelemetry(this, 'tracing', { tracing });
    this.isolation = new NetworkIsolation(this, 'isolation', {
      // Clients reach the checkout through the mesh's ingress gateway (Istio's gateway chart
      // labels its pods istio: <release name less "istio-">), which no declaration here names.
      allowIngress: [{ to: checkout, from: NetworkPeer.pods('istio-system', { istio: 'ingressgateway' }), purpose: 'mesh ingress gateway' }],
    });

    // Data-plane error rate and p99 per service and mesh-wide, and the control
    // plane's injection, validation and xDS failures.
    new DatadogMonitors(this, 'monitors', {
      services: [checkout, ledger],
      env: 'production',
      notify: ['@slack-payments-oncall', '@pagerduty-payments'],
      runbookUrl: 'https://runbooks.example.com/payments/{service}/{signal}',
    });
    // Objectives with error budgets, and burn-rate alerts: pages to PagerDuty, tickets to Slack.
    // The SLOs' ids are Datadog's, read back after the first apply
    // (kubectl get datadogslo checkout-api-availability -o jsonpath='{.status.id}').
    const notify = { page: ['@pagerduty-payments'], ticket: ['@slack-payments-oncall'] };
    new ServiceLevelObjectives(this, 'checkout-slo', {
      service: checkout,
      availabilityTarget: 99.9,
      latency: { threshold: Duration.millis(250), target: 99 },
      runbookUrl: 'https://runbooks.example.com/payments/checkout-api/slo',
      datadog: { env: 'production', notify, sloIds: { availability: '5f1c0e7a9b3d4c2e8f6a1b0d9c8e7f6a', latency: '0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d' } },
    });
    new ServiceLevelObjectives(this, 'ledger-slo', {
      service: ledger,
      availabilityTarget: 99.95,
      runbookUrl: 'https://runbooks.example.com/payments/ledger/slo',
      datadog: { env: 'production', notify, sloIds: { availability: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b' } },
    });
    // The dashboard adds the SLOs' error-budget widgets (budget left, burn rate by window).
    new DatadogServiceDashboard(this, 'payments-dashboard', { title: 'Payments: mesh health', env: 'production' });
  }
}
