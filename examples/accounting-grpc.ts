import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { NodeGroup, ObservableService, Protocol } from '../lib';

/**
 * The accounting product's ledger: a gRPC (HTTP/2) service behind a headless
 * Service, probed with native Kubernetes gRPC probes.
 */
export class AccountingGrpcChart extends Chart {
  public readonly ledger: ObservableService;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'accounting', ...props });

    this.ledger = new ObservableService(this, 'ledger', {
      image: 'ghcr.io/example-accounting/ledger:1.8.3',
      port: 9090,
      protocol: Protocol.GRPC,
      partOf: 'accounting',
      throughput: { normalRps: 800, peakRps: 2400, rpsPerPod: 400 },
      autoscaling: { targetCpuUtilization: 65 },
      nodeGroup: NodeGroup.named('accounting-app'),
    });
  }
}
