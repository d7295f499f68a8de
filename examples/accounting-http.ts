import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodeGroup, ObservableService, Startup } from '../lib';

/**
 * The accounting product's journal API: an HTTP/1.1
 * service behind a ClusterIP Service, sized from its expected traffic.
 */
export class AccountingHttpChart extends Chart {
  public readonly journal: ObservableService;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'accounting', ...props });

    this.journal = new ObservableService(this, 'journal-api', {
      image: 'ghcr.io/example-accounting/journal-api:2.14.0',
      port: 8080,
      partOf: 'accounting',
      // Load test: one pod sustains 120 req/s within the p99 objective at 70% CPU.
      throughput: { normalRps: 300, peakRps: 1200, rpsPerPod: 120 },
      autoscaling: {},
      resources: {
        cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(1500) },
        memory: { request: Size.mebibytes(512), limit: Size.mebibytes(512) },
      },
      env: {
        DATABASE_HOST: kplus.EnvValue.fromValue('journal-db.accounting.svc.cluster.local'),
      },
      health: { startup: Startup.probe({ maxStartupTime: Duration.seconds(90) }) },
      nodeGroup: NodeGroup.named('accounting-app'),
    });
  }
}
