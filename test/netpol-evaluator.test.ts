import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Connection, Endpoint, NetworkPolicyEvaluator, PodModel, World } from './support/netpol-evaluator';
import { Manifest } from './support/synth';

/**
 * The evaluator against the Kubernetes documentation's NetworkPolicy examples
 * and the connections the page says they allow or deny (test/fixtures/netpol).
 */
const FIXTURES = path.join(__dirname, 'fixtures', 'netpol');

interface FlowCase {
  readonly from?: string; readonly to?: string; readonly fromIP?: string; readonly toIP?: string; readonly fromNode?: string; readonly toNode?: string;
  readonly fromHostNetworkPod?: { ns: string; labels: Record<string, string>; node: string };
  readonly reply_of?: { from: string; to: string; port: number; proto: string };
  readonly port?: number; readonly proto?: string;
  readonly expect: 'allow' | 'deny' | 'undefined';
  readonly most_common?: 'allow' | 'deny';
  readonly cni_without_endport?: 'allow' | 'deny';
  readonly rule: string;
  readonly note?: string;
}

interface Suite { readonly policy: string; readonly also_present?: string[]; readonly inline?: string; readonly cases: FlowCase[] }

const flows = parse(fs.readFileSync(path.join(FIXTURES, 'flows.yaml'), 'utf8')) as {
  world: { nodes: Record<string, { ip: string }>; namespaces: Record<string, { labels: Record<string, string> }>; pods: Record<string, { ns: string; labels: Record<string, string>; ip: string; node: string }> };
  suites: Suite[];
};

const world: World = {
  namespaces: Object.fromEntries(Object.entries(flows.world.namespaces).map(([name, ns]) => [name, ns.labels])),
  nodes: Object.fromEntries(Object.entries(flows.world.nodes).map(([name, node]) => [name, node.ip])),
  pods: Object.entries(flows.world.pods).map(([name, p]): PodModel => ({ name, namespace: p.ns, labels: p.labels, ip: p.ip, node: p.node })),
};

/** A policy of the suite: an example file as is, a page snippet wrapped as the page says, or an inline synthetic one. */
function policyOf(suite: Suite, file: string): Manifest {
  if (suite.inline && file === suite.policy) return parse(suite.inline) as Manifest;
  // The host-network case has no policy of its own: its peer is a role=frontend pod, which
  // test-network-policy's podSelector would admit were host-network pods matched by selectors.
  if (file === 'synthetic/hostnetwork-peer.yaml') return policyOf(suite, 'networkpolicy.yaml');
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  if (!file.startsWith('page-inline/') || file.endsWith('egress-namespaces.yaml')) return parse(text) as Manifest;
  // "wrap as ingress rule of a policy selecting role=db in default"
  const snippet = parse(text.split('\n').filter((l) => l.trim() !== '...').join('\n')) as Manifest;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'snippet', namespace: 'default' }, spec: { podSelector: { matchLabels: { role: 'db' } }, ...snippet } };
}

function endpoint(pod: string | undefined, ip: string | undefined, node: string | undefined): Endpoint {
  if (pod) return { pod };
  if (ip) return { ip };
  return { node: node! };
}

const cases = flows.suites.flatMap((suite) => suite.cases.map((c, i) => [`${suite.policy} #${i + 1} ${c.rule}${c.note ? ` (${c.note})` : ''}`, suite, c] as const));

test('every case of flows.yaml is run', () => {
  expect(cases.length).toBe(63);
});

describe.each(cases)('%s', (_name, suite, c) => {
  test(`is ${c.expect}${c.most_common ? ` (most common: ${c.most_common})` : ''}`, () => {
    const policies = [suite.policy, ...(suite.also_present ?? [])].map((f) => policyOf(suite, f));
    let pods = world.pods;
    let from = endpoint(c.from, c.fromIP, c.fromNode);
    if (c.fromHostNetworkPod) {
      pods = [...pods, { name: 'host-network', namespace: c.fromHostNetworkPod.ns, labels: c.fromHostNetworkPod.labels, ip: '', node: c.fromHostNetworkPod.node, hostNetwork: true }];
      from = { pod: 'host-network' };
    }
    const evaluator = new NetworkPolicyEvaluator({ ...world, pods }, policies);
    const connection: Connection = c.reply_of
      ? { from: { pod: c.reply_of.from }, to: { pod: c.reply_of.to }, port: c.reply_of.port, protocol: c.reply_of.proto }
      : { from, to: endpoint(c.to, c.toIP, c.toNode), port: c.port!, protocol: c.proto! };
    // A reply is part of its connection: the evaluator judges connections, so the reply's verdict is the request's (R-REPLY).
    expect(evaluator.verdict(connection)).toBe(c.expect === 'undefined' && c.most_common ? c.most_common : c.expect);
    if (c.cni_without_endport) {
      expect(new NetworkPolicyEvaluator({ ...world, pods }, policies, { endPort: false }).verdict(connection)).toBe(c.cni_without_endport);
    }
  });
});

describe('cases the page states without an example', () => {
  const pods: PodModel[] = [
    { name: 'api', namespace: 'shop', labels: { app: 'api', tier: 'backend' }, ip: '10.244.1.1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] },
    { name: 'web', namespace: 'shop', labels: { app: 'web', tier: 'frontend' }, ip: '10.244.1.2', ports: [{ name: 'http', containerPort: 3000 }] },
    { name: 'job', namespace: 'shop', labels: { app: 'job' }, ip: '10.244.1.3' },
    { name: 'canary', namespace: 'shop', labels: { app: 'api', track: 'canary' }, ip: '10.244.1.4', ports: [{ name: 'http', containerPort: 8080 }] },
  ];
  const shopWorld: World = { namespaces: { shop: { 'kubernetes.io/metadata.name': 'shop' } }, pods };
  const policy = (spec: Manifest): Manifest => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec });
  const to = (pod: string, port: number, protocol = 'TCP'): Connection => ({ from: { pod: 'web' }, to: { pod }, port, protocol });

  test('a named port is resolved against the destination pod: the same name is a different number on each pod', () => {
    const e = new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] })]);
    expect(e.verdict(to('api', 8080))).toBe('allow');
    expect(e.verdict(to('api', 9090))).toBe('deny');
    expect(e.verdict({ from: { pod: 'api' }, to: { pod: 'web' }, port: 3000, protocol: 'TCP' })).toBe('allow');
    expect(e.verdict({ from: { pod: 'api' }, to: { pod: 'web' }, port: 8080, protocol: 'TCP' })).toBe('deny');
    // A named port matches the protocol of the container port too.
    const udp = new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })]);
    expect(udp.verdict(to('api', 53, 'UDP'))).toBe('allow');
    expect(udp.verdict(to('api', 53, 'TCP'))).toBe('deny');
  });

  test('an egress rule with a named port cannot match an address, which has no container ports', () => {
    const e = new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })]);
    expect(e.verdict({ from: { pod: 'web' }, to: { ip: '203.0.113.1' }, port: 8080, protocol: 'TCP' })).toBe('deny');
    expect(e.verdict(to('api', 8080))).toBe('allow');
  });

  test('matchExpressions: In, NotIn (which also matches an absent key), Exists, DoesNotExist', () => {
    const select = (expression: Manifest) => new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: { matchExpressions: [expression] }, policyTypes: ['Ingress'] })]);
    const isolated = (e: NetworkPolicyEvaluator, pod: string) => e.verdict(to(pod, 8080)) === 'deny';
    const inBackend = select({ key: 'tier', operator: 'In', values: ['backend'] });
    expect(['api', 'web', 'job', 'canary'].filter((p) => isolated(inBackend, p))).toEqual(['api']);
    const notInBackend = select({ key: 'tier', operator: 'NotIn', values: ['backend'] });
    expect(['api', 'job', 'canary'].filter((p) => isolated(notInBackend, p))).toEqual(['job', 'canary']);
    const exists = select({ key: 'track', operator: 'Exists' });
    expect(['api', 'job', 'canary'].filter((p) => isolated(exists, p))).toEqual(['canary']);
    const absent = select({ key: 'track', operator: 'DoesNotExist' });
    expect(['api', 'job', 'canary'].filter((p) => isolated(absent, p))).toEqual(['api', 'job']);
  });

  test('an IPv6 block with an exception', () => {
    const e = new NetworkPolicyEvaluator(shopWorld, [policy({
      podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:ff00::/40'] } }], ports: [{ port: 443 }] }],
    })]);
    const out = (ip: string) => e.verdict({ from: { pod: 'web' }, to: { ip }, port: 443, protocol: 'TCP' });
    expect(out('2001:db8:1::5')).toBe('allow');
    expect(out('2001:db8:ff12::1')).toBe('deny');
    expect(out('2001:db9::1')).toBe('deny');
    expect(out('203.0.113.1')).toBe('deny');
  });

  test('a port without a number allows every port of its protocol; ports without a peer allow from anywhere', () => {
    const e = new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'UDP' }] }] })]);
    expect(e.verdict(to('api', 5353, 'UDP'))).toBe('allow');
    expect(e.verdict({ from: { ip: '198.51.100.1' }, to: { pod: 'api' }, port: 1, protocol: 'UDP' })).toBe('allow');
    expect(e.verdict(to('api', 8080))).toBe('deny');
  });

  test('a pod is not isolated in a direction no policy names for it, even with a policy of the other direction', () => {
    const e = new NetworkPolicyEvaluator(shopWorld, [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'] })]);
    expect(e.verdict(to('api', 8080))).toBe('allow');
    expect(e.verdict({ from: { pod: 'api' }, to: { pod: 'web' }, port: 3000, protocol: 'TCP' })).toBe('deny');
  });
});
