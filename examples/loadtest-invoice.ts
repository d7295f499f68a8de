import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LoadTest, MockBackend, ObservableService, ProductionReadiness } from '../lib';

/**
 * The second phase of load testing a mesh: a single-service load test. The invoice API
 * runs alone in its own namespace; its dependencies are nginx mocks under
 * their real names, so the service's config is unchanged; Fortio holds a
 * fixed rate and reports the latency percentiles in its log.
 */
export class LoadTestInvoiceChart extends Chart {
  public readonly loadTest: LoadTest;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'loadtest', ...props });

    const customers = new MockBackend(this, 'customer-api', {
      routes: [{ path: '/v1/customers/42', body: '{"id":42,"name":"Example KK","taxRegion":"JP-13"}' }],
    });
    const taxRates = new MockBackend(this, 'tax-rates', {
      routes: [
        { path: '/v1/rates/JP-13', body: '{"region":"JP-13","standard":0.10,"reduced":0.08}' },
        { path: '/v1/rates/unknown', status: 404, body: '{"error":"unknown region"}' },
      ],
    });
    const invoice = new ObservableService(this, 'invoice-api', {
      image: 'ghcr.io/example-accounting/invoice-api:4.1.0',
      port: 8080,
      replicas: 2,
      env: {
        CUSTOMER_API_URL: kplus.EnvValue.fromValue(`http://${customers.dnsName}:8080`),
        TAX_RATES_URL: kplus.EnvValue.fromValue(`http://${taxRates.dnsName}:8080`),
      },
    });
    // Twice the 150 req/s one pod should sustain, on two pods, for 5 minutes.
    this.loadTest = new LoadTest(this, 'invoice-load', {
      target: { service: invoice, path: '/v1/invoices?customer=42' },
      qps: 300,
      connections: 16,
      duration: Duration.minutes(5),
      payloadSize: 512,
      headers: { 'Content-Type': 'application/json' },
    });

    const why = 'load-test tooling, sized for the test rather than for production traffic';
    for (const rule of ['OBS-CAP1', 'OBS-CAP2', 'OBS-PLC1']) ProductionReadiness.suppress(this, rule, why);
  }
}
