import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NodeGroup, ObservableService, Protocol } from 'cdk8s-observable';

export class Accounting extends Chart {
  public readonly journal: ObservableService;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'accounting' });

    // HTTP/1.1 behind a ClusterIP Service, probes on /live and /ready.
    this.journal = new ObservableService(this, 'journal-api', {
      image: 'ghcr.io/example-accounting/journal-api:2.14.0',
      port: 8080,
      throughput: { normalRps: 300, peakRps: 1200, rpsPerPod: 120 }, // measured per pod
      autoscaling: {},                                                // 3..10 pods on CPU
      nodeGroup: NodeGroup.named('accounting-app'),
    });

    // gRPC behind a headless Service, native gRPC probes.
    new ObservableService(this, 'ledger', {
      image: 'ghcr.io/example-accounting/ledger:1.8.3',
      port: 9090,
      protocol: Protocol.GRPC,
    });
  }
}

const app = new App();
const { journal } = new Accounting(app, 'accounting');
console.log(journal.dnsName, journal.capacity?.podsAtPeak); // journal-api.accounting.svc.cluster.local 10
app.synth();
