import { Chart, Testing } from 'cdk8s';
import { Level, LoadTest, NetworkIsolation, ObservableService, ProductionReadiness } from '../lib';
import { evaluate } from '../lib/readiness/engine';
import { networkPolicyMatchesWorkload, networkPolicySelectsWorkload } from '../lib/readiness/rules/network-policies';
import { Manifest, synth } from './support/synth';

const rules = [networkPolicySelectsWorkload, networkPolicyMatchesWorkload];
const findings = (manifests: Manifest[]) => evaluate(manifests.map((manifest) => ({ manifest, suppressions: new Map() })), {}, rules)
  .map((f) => `${f.ruleId} ${f.level} ${f.resource}: ${f.message}`);

function isolatedShop(): Manifest[] {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const web = new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
  new LoadTest(chart, 'web-load', { target: { service: web }, qps: 10 });
  new NetworkIsolation(chart, 'isolation');
  return synth(chart);
}

function unisolated(name: string, namespace: string): Manifest[] {
  const chart = new Chart(Testing.app(), name, { namespace });
  new ObservableService(chart, name, { image: `a/${name}:1`, port: 8080 });
  return synth(chart);
}

const deployment = (ms: Manifest[], name: string) => ms.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!;

test('manifests without a NetworkIsolation policy: nothing to say', () => {
  expect(findings(unisolated('api', 'shop'))).toEqual([]);
});

test('an isolated product: every workload, the Job too, has its policy, and every policy its workload', () => {
  expect(findings(isolatedShop())).toEqual([]);
});

test('OBS-NET1 warns for a workload no policy selects, and for one only the default deny selects', () => {
  const elsewhere = unisolated('billing', 'billing');
  const stowaway = unisolated('cron', 'shop');
  expect(findings([...isolatedShop(), deployment(elsewhere, 'billing'), deployment(stowaway, 'cron')])).toEqual([
    'OBS-NET1 warning Deployment/billing/billing: no NetworkPolicy selects its pods: they accept and open any connection',
    'OBS-NET1 warning Deployment/shop/cron: only policies without rules (a default deny) select its pods: every connection to and from them is denied',
  ]);
});

test('OBS-NET2 is an error for a policy whose workload is gone; the default deny and policies of others are not its business', () => {
  const manifests = isolatedShop().filter((m) => !(m.kind === 'Deployment' && m.metadata.name === 'web'));
  const foreign = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'legacy', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'gone' } }, policyTypes: ['Ingress'] } };
  expect(findings([...manifests, foreign])).toEqual([
    'OBS-NET2 error NetworkPolicy/shop/web: its pod selector {"matchLabels":{"app.kubernetes.io/name":"web"}} matches no workload in the manifests',
  ]);
});

test('the rules are in the pack: ProductionReadiness reports them and honours a suppression', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new ObservableService(chart, 'web', { image: 'a/web:1', port: 8080 });
  new NetworkIsolation(chart, 'isolation');
  const other = new Chart(app, 'other', { namespace: 'other' });
  const api = new ObservableService(other, 'api', { image: 'a/api:1', port: 8080 });
  ProductionReadiness.suppress(api, 'OBS-NET1', 'isolated by the platform team\'s own policies');
  const net = ProductionReadiness.check(app).filter((f) => f.ruleId.startsWith('OBS-NET'));
  expect(net.map((f) => [f.ruleId, f.level, f.resource, f.suppressedReason])).toEqual([
    ['OBS-NET1', Level.WARNING, 'Deployment/other/api', "isolated by the platform team's own policies"],
  ]);
});
