import { Testing } from 'cdk8s';
import { FrontEnvoy, validateEnvoyConfig } from 'cdk8s-observable';
import { Accounting } from './main';

test('the accounting chart', () => {
  const app = Testing.app();
  const chart = new Accounting(app, 'accounting');
  expect(Testing.synth(chart)).toMatchSnapshot();
});

test('a FrontEnvoy in front of the journal validates against the Envoy schema the package ships', () => {
  const app = Testing.app();
  const chart = new Accounting(app, 'accounting');
  const front = new FrontEnvoy(chart, 'front', { routes: [{ prefix: '/', service: chart.journal }] });
  expect(validateEnvoyConfig(front.config)).toEqual([]);
  const config = JSON.parse(JSON.stringify(front.config));
  config.static_resources.clusters[0].lb_policy = 'ROUND_ROBBIN';
  expect(validateEnvoyConfig(config)).toEqual([expect.objectContaining({ path: 'static_resources.clusters[0].lb_policy', kind: 'unknown-enum' })]);
  expect(Testing.synth(chart).length).toBeGreaterThan(0);
});
