/**
 * The allowed flows of a set of workloads, derived from what they declare:
 * the calls they make, the external egress they name, who reaches them from
 * outside, and the cluster services every pod needs (DNS, istiod).
 */
import { IConstruct } from 'constructs';
import { serviceDnsName } from '../common/addresses';
import { PropProblem } from '../common/errors';
import { EgressRule, TransportProtocol } from '../workload/egress';
import { Call, WorkloadNetwork, networkOf } from '../workload/network';
import { IObservableWorkload } from '../workload/observable-workload';
import { DNS_PORT, ISTIOD_POD_LABELS, ISTIOD_XDS_PORT } from './defaults';

/** What a peer of a flow is. */
export enum PeerKind {
  /** Pods of a namespace, all or those matching a selector. */
  PODS = 'pods',
  /** An IP block. */
  CIDR = 'cidr',
  /** A DNS name outside the cluster. */
  FQDN = 'fqdn',
  /** Any address. */
  ANYWHERE = 'anywhere',
}

/** One end of an allowed flow. */
export interface FlowPeer {
  /** Pods (of a namespace, all or those matching `selector`), an IP block, a DNS name outside the cluster, or any address. */
  readonly kind: PeerKind;
  /** A readable name: the workload's, `kube-dns`, `istiod`, the block or the DNS name. */
  readonly name: string;
  /** The pods' namespace (kind `pods`). */
  readonly namespace?: string;
  /** Labels selecting the pods; every pod of the namespace when absent (kind `pods`). */
  readonly selector?: Readonly<Record<string, string>>;
  /** The block (kind `cidr`). */
  readonly cidr?: string;
  /** Blocks inside `cidr` left out. */
  readonly except?: string[];
  /** The DNS name or `*.` pattern (kind `fqdn`). */
  readonly fqdn?: string;
  /** The Service DNS name of a workload that has one. */
  readonly dnsName?: string;
  /** Whether a `NetworkIsolation` isolates these pods (writes their policy). */
  readonly isolated: boolean;
}

/** A connection `NetworkIsolation` allows; everything else from and to the isolated pods is denied. */
export interface NetworkFlow {
  /** Where the connection starts. */
  readonly from: FlowPeer;
  /** Where it goes. */
  readonly to: FlowPeer;
  /** The destination port, as the pod or address receiving it listens on. */
  readonly port: number;
  /** The transport protocol. */
  readonly protocol: TransportProtocol;
  /** Why: `dependsOn`, `load balancer`, `traces`, `dns`, `xds`, `exporter`, `load test`, `metrics`, ... */
  readonly purpose: string;
}

/** A peer named by hand (see `NetworkPeer`). */
export interface PeerSpec {
  /** Pods, an IP block, or any address (never a DNS name). */
  readonly kind: PeerKind;
  /** The pods' namespace (kind `pods`). */
  readonly namespace?: string;
  /** Labels selecting the pods; every pod of the namespace when absent. */
  readonly selector?: Readonly<Record<string, string>>;
  /** The block (kind `cidr`). */
  readonly cidr?: string;
  /** Blocks inside `cidr` left out. */
  readonly except?: string[];
}

/** A flow added by hand to one workload. */
export interface ExtraFlow {
  readonly network: WorkloadNetwork;
  readonly direction: 'ingress' | 'egress';
  readonly peer: PeerSpec;
  readonly port: number;
  readonly protocol: TransportProtocol;
  readonly purpose: string;
}

/** What the derivation reads besides the workloads. */
export interface FlowContext {
  /** The isolated workloads. */
  readonly isolated: readonly WorkloadNetwork[];
  /** Every workload of the app: callers of the isolated ones, and a host's pods by its Service name. */
  readonly known: readonly WorkloadNetwork[];
  /** The workloads another NetworkIsolation of the app isolates. */
  readonly elsewhere: ReadonlySet<WorkloadNetwork>;
  /** Cluster DNS: its pods, and addresses (NodeLocal DNSCache) if any. */
  readonly dns: { readonly namespace: string; readonly selector: Readonly<Record<string, string>>; readonly cidrs: readonly string[] };
  /** istiod's namespace. */
  readonly istioNamespace: string;
  /** The Kubernetes API's addresses, when given. */
  readonly kubernetesApi?: { readonly cidrs: readonly string[]; readonly port: number };
  /** Prometheus, when it scrapes the workloads. */
  readonly prometheus?: { readonly namespace: string; readonly selector?: Readonly<Record<string, string>>; readonly port: number };
  /** Whether DNS-name egress is written (for Cilium). */
  readonly fqdn: boolean;
  /** Calls a workload's sidecar makes besides its own (the mesh's tracing backend). */
  readonly sidecarCalls: (network: WorkloadNetwork) => ReadonlyArray<Call & { readonly owner: IConstruct }>;
  /** Flows added by hand. */
  readonly extra: readonly ExtraFlow[];
  /** The isolation's path, for messages. */
  readonly isolationPath: string;
}

/** The flows, and the problems found, by the construct whose props must change. */
export interface DerivedFlows {
  readonly flows: NetworkFlow[];
  readonly problems: Map<IConstruct, PropProblem[]>;
}

/** The peer of a workload's pods. */
export function workloadPeer(network: WorkloadNetwork, isolated: boolean): FlowPeer {
  const { name, namespace, selector, dnsName } = network.pods;
  return { kind: PeerKind.PODS, name, namespace, selector, dnsName, isolated };
}

/** A peer named by hand, as a flow end. */
export function handPeer(peer: PeerSpec): FlowPeer {
  if (peer.kind === PeerKind.CIDR) return { kind: PeerKind.CIDR, name: peer.cidr!, cidr: peer.cidr, except: peer.except, isolated: false };
  if (peer.kind === PeerKind.ANYWHERE) return { kind: PeerKind.ANYWHERE, name: 'anywhere', isolated: false };
  const labels = Object.entries(peer.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return { kind: PeerKind.PODS, name: labels ? `${peer.namespace}/${labels}` : `${peer.namespace}/*`, namespace: peer.namespace, selector: peer.selector, isolated: false };
}

/** A key telling peers apart: the same key, the same pods or addresses. */
export function peerKey(peer: FlowPeer): string {
  return JSON.stringify([peer.kind, peer.namespace ?? null, peer.selector ?? null, peer.cidr ?? null, peer.except ?? null, peer.fqdn ?? null]);
}

/** Derives the allowed flows of the isolated workloads, and what keeps them from being derived. */
export function deriveFlows(context: FlowContext): DerivedFlows {
  const isolated = new Set(context.isolated);
  const isIsolated = (n: WorkloadNetwork) => isolated.has(n) || context.elsewhere.has(n);
  const isolatedNamespaces = new Set(context.isolated.map((n) => n.pods.namespace));
  const flows = new Map<string, NetworkFlow>();
  const problems = new Map<IConstruct, PropProblem[]>();
  const problem = (owner: IConstruct, p: PropProblem) => problems.set(owner, [...(problems.get(owner) ?? []), p]);
  const add = (from: FlowPeer, to: FlowPeer, port: number, protocol: TransportProtocol, purpose: string) => {
    const key = `${peerKey(from)}>${peerKey(to)}:${protocol}/${port}`;
    if (!flows.has(key)) flows.set(key, { from, to, port, protocol, purpose });
  };
  const dnsPeers: FlowPeer[] = [
    { kind: PeerKind.PODS, name: 'kube-dns', namespace: context.dns.namespace, selector: context.dns.selector, isolated: false },
    ...context.dns.cidrs.map((cidr) => handPeer({ kind: PeerKind.CIDR, cidr })),
  ];
  const istiod: FlowPeer = { kind: PeerKind.PODS, name: 'istiod', namespace: context.istioNamespace, selector: ISTIOD_POD_LABELS, isolated: false };

  for (const network of context.isolated) {
    const self = workloadPeer(network, true);
    for (const dns of dnsPeers) {
      add(self, dns, DNS_PORT, TransportProtocol.UDP, 'dns');
      add(self, dns, DNS_PORT, TransportProtocol.TCP, 'dns');
    }
    if (network.pods.mesh) add(self, istiod, ISTIOD_XDS_PORT, TransportProtocol.TCP, 'xds');

    for (const call of callsOf(network, context)) {
      const target = resolveCall(call, context.known, isIsolated);
      if (target === undefined) {
        const host = (call as { host: string }).host;
        const covered = network.egressRules.some((r) => r.covers(host, call.port))
          || context.extra.some((e) => e.network === network && e.direction === 'egress' && e.peer.kind !== PeerKind.PODS && e.port === call.port);
        if (!covered) {
          problem(call.owner, {
            prop: call.prop,
            problem: `sends to ${host}:${call.port}, outside the cluster, which no egress rule covers: ${context.isolationPath} would deny it`,
            fix: `declare the destination in the workload's 'egress' (EgressRule.cidr('<block>', { ports: [${call.port}] }), or EgressRule.fqdn('${host}', ...) with fqdnPolicy: FqdnPolicy.CILIUM), or in the NetworkIsolation's 'allowEgress'`,
          });
        }
        continue;
      }
      if (!target.isolated && isolatedNamespaces.has(target.namespace!)) {
        problem(call.owner, {
          prop: call.prop,
          problem: `calls ${target.dnsName ?? target.name} in namespace ${target.namespace}, which ${context.isolationPath} isolates without knowing those pods: their ingress would be denied`,
          fix: `bring the construct of ${target.name} under the NetworkIsolation (its scope, or 'include'), or keep the NetworkIsolation out of namespace ${target.namespace}`,
        });
        continue;
      }
      add(self, target, call.port, TransportProtocol.TCP, call.purpose);
    }

    network.egressRules.forEach((rule, i) => {
      if (rule.kind === 'fqdn' && !context.fqdn) {
        problem(network.owner, {
          prop: `egress[${i}]`,
          problem: `(${rule.destination}) is a DNS name, which a networking.k8s.io/v1 NetworkPolicy cannot express: ${context.isolationPath} would deny it`,
          fix: "set fqdnPolicy: FqdnPolicy.CILIUM on the NetworkIsolation (clusters running Cilium), or give the destination's addresses with EgressRule.cidr(...)",
        });
        return;
      }
      for (const port of rule.ports) add(self, egressPeer(rule), port, rule.protocol, rule.purpose);
    });

    if (network.pods.kubernetesApi && context.kubernetesApi) {
      for (const cidr of context.kubernetesApi.cidrs) add(self, handPeer({ kind: PeerKind.CIDR, cidr }), context.kubernetesApi.port, TransportProtocol.TCP, 'kubernetes api');
    }
    const external = network.external;
    if (external) {
      const sources = external.cidrs ? external.cidrs.map((cidr) => handPeer({ kind: PeerKind.CIDR, cidr })) : [handPeer({ kind: PeerKind.ANYWHERE })];
      for (const source of sources) add(source, self, external.port, TransportProtocol.TCP, external.purpose);
    }
    const prometheus = context.prometheus;
    if (prometheus && network.pods.kind === 'Deployment') {
      const scraper = handPeer({ kind: PeerKind.PODS, namespace: prometheus.namespace, selector: prometheus.selector });
      add(scraper, self, prometheus.port, TransportProtocol.TCP, 'metrics');
      // A workload that serves its own metrics elsewhere (a front proxy's statistics on its probe port) is scraped there too.
      if (network.metricsPort !== undefined && network.metricsPort !== prometheus.port) add(scraper, self, network.metricsPort, TransportProtocol.TCP, 'metrics');
    }
  }

  // Calls from workloads this isolation does not hold (another chart's, say) into those it does.
  const ours = new Set(context.isolated.map((n) => peerKey(workloadPeer(n, true))));
  for (const caller of context.known.filter((n) => !isolated.has(n))) {
    for (const call of callsOf(caller, context)) {
      const target = resolveCall(call, context.known, isIsolated);
      if (target && ours.has(peerKey(target))) add(workloadPeer(caller, isIsolated(caller)), target, call.port, TransportProtocol.TCP, call.purpose);
    }
  }
  // Flows by hand come last.
  for (const extra of context.extra) {
    const self = workloadPeer(extra.network, true);
    const peer = handPeer(extra.peer);
    if (extra.direction === 'ingress') add(peer, self, extra.port, extra.protocol, extra.purpose);
    else add(self, peer, extra.port, extra.protocol, extra.purpose);
  }
  return { flows: [...flows.values()], problems };
}

/** The calls a workload's pods make, its sidecar's included, each with the construct that declares it. */
function callsOf(network: WorkloadNetwork, context: FlowContext): Array<Call & { readonly owner: IConstruct }> {
  return [...network.calls.map((c) => ({ ...c, owner: c.owner ?? network.owner })), ...(network.pods.mesh ? context.sidecarCalls(network) : [])];
}

/** The peer of an egress rule. */
function egressPeer(rule: EgressRule): FlowPeer {
  return rule.kind === 'cidr'
    ? handPeer({ kind: PeerKind.CIDR, cidr: rule.destination, except: rule.except.length > 0 ? rule.except : undefined })
    : { kind: PeerKind.FQDN, name: rule.destination, fqdn: rule.destination, isolated: false };
}

/**
 * Where a call goes: a workload's pods (found by construct, or by its Service
 * name among the app's workloads), every pod of a namespace (a Service the
 * library did not build), or `undefined` outside the cluster.
 */
function resolveCall(call: Call, known: readonly WorkloadNetwork[], isolated: (n: WorkloadNetwork) => boolean): FlowPeer | undefined {
  if ('workload' in call) {
    const network = networkOf(call.workload);
    return network ? workloadPeer(network, isolated(network)) : foreignPeer(call.workload);
  }
  const service = serviceDnsName(call.host);
  if (!service) return undefined;
  const network = known.find((n) => n.pods.dnsName !== undefined && n.pods.name === service.service && n.pods.namespace === service.namespace);
  if (network) return workloadPeer(network, isolated(network));
  return { kind: PeerKind.PODS, name: call.host, namespace: service.namespace, dnsName: call.host, isolated: false };
}

/** The pods of a workload built outside the library, by its selector. */
function foreignPeer(workload: IObservableWorkload): FlowPeer {
  return { kind: PeerKind.PODS, name: workload.name, namespace: workload.namespace, selector: workload.selector, dnsName: workload.dnsName, isolated: false };
}
