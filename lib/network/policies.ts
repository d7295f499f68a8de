/**
 * The policy objects of a set of flows, as plain data: a default deny per
 * namespace, one networking.k8s.io/v1 NetworkPolicy per isolated workload with
 * exactly its flows, and, for DNS-name egress, a cilium.io/v2 CiliumNetworkPolicy.
 */
import { DNS_PORT, NAMESPACE_NAME_LABEL } from './defaults';
import { FlowPeer, NetworkFlow, PeerKind, peerKey } from './flows';

/** The spec of a namespace's default deny: every pod isolated for ingress and egress, nothing allowed. */
export function defaultDenySpec(): Record<string, unknown> {
  return { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
}

/** A flow end as a NetworkPolicyPeer; `undefined` for any address (a rule without `from`). */
export function policyPeer(peer: FlowPeer): Record<string, unknown> | undefined {
  if (peer.kind === PeerKind.PODS) {
    return {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
      ...(peer.selector ? { podSelector: { matchLabels: { ...peer.selector } } } : {}),
    };
  }
  if (peer.kind === PeerKind.CIDR) return { ipBlock: { cidr: peer.cidr, ...(peer.except ? { except: [...peer.except] } : {}) } };
  return undefined;
}

/** The flows grouped by their other end into rules, ports in the order first seen. */
function rules(flows: readonly NetworkFlow[], other: (f: NetworkFlow) => FlowPeer, field: 'from' | 'to'): Array<Record<string, unknown>> {
  const groups = new Map<string, { peer: FlowPeer; ports: Array<{ protocol: string; port: number }> }>();
  for (const flow of flows) {
    const peer = other(flow);
    const key = peerKey(peer);
    const group = groups.get(key) ?? { peer, ports: [] };
    groups.set(key, group);
    if (!group.ports.some((p) => p.port === flow.port && p.protocol === flow.protocol)) group.ports.push({ protocol: flow.protocol, port: flow.port });
  }
  return [...groups.values()].map(({ peer, ports }) => {
    const policy = policyPeer(peer);
    return { ...(policy ? { [field]: [policy] } : {}), ports };
  });
}

/** The NetworkPolicy spec of one isolated workload: its pods, isolated both ways, with exactly the flows to and from them. */
export function networkPolicySpec(workload: FlowPeer, flows: readonly NetworkFlow[]): Record<string, unknown> {
  const key = peerKey(workload);
  const ingress = rules(flows.filter((f) => peerKey(f.to) === key), (f) => f.from, 'from');
  const egress = rules(flows.filter((f) => peerKey(f.from) === key && f.to.kind !== PeerKind.FQDN), (f) => f.to, 'to');
  return {
    podSelector: { matchLabels: { ...workload.selector } },
    policyTypes: ['Ingress', 'Egress'],
    ...(ingress.length > 0 ? { ingress } : {}),
    ...(egress.length > 0 ? { egress } : {}),
  };
}

/**
 * The CiliumNetworkPolicy spec for a workload's DNS-name egress, or
 * `undefined` when it has none: `toFQDNs` with the ports of each name, and the
 * DNS rule Cilium needs to see the lookups (toFQDNs only learns addresses
 * from DNS answers that pass its DNS proxy: cilium/cilium
 * examples/kubernetes-dns/dns-port.yaml). Policies are additive, so this one
 * and the workload's NetworkPolicy both apply.
 */
export function ciliumFqdnSpec(workload: FlowPeer, flows: readonly NetworkFlow[], dns: { readonly namespace: string; readonly selector: Readonly<Record<string, string>> }): Record<string, unknown> | undefined {
  const key = peerKey(workload);
  const byName = new Map<string, Array<{ port: string; protocol: string }>>();
  for (const flow of flows.filter((f) => peerKey(f.from) === key && f.to.kind === PeerKind.FQDN)) {
    byName.set(flow.to.fqdn!, [...(byName.get(flow.to.fqdn!) ?? []), { port: String(flow.port), protocol: flow.protocol }]);
  }
  if (byName.size === 0) return undefined;
  const dnsLabels = Object.fromEntries(Object.entries(dns.selector).map(([k, v]) => [`k8s:${k}`, v]));
  return {
    endpointSelector: { matchLabels: { ...workload.selector } },
    egress: [
      {
        toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': dns.namespace, ...dnsLabels } }],
        toPorts: [{ ports: [{ port: String(DNS_PORT), protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
      },
      ...[...byName.entries()].map(([name, ports]) => ({
        toFQDNs: [name.startsWith('*.') ? { matchPattern: name } : { matchName: name }],
        toPorts: [{ ports }],
      })),
    ],
  };
}
