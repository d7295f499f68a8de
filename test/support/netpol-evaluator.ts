/**
 * A NetworkPolicy evaluator for the tests: given pods, namespaces and nodes,
 * and a set of networking.k8s.io/v1 NetworkPolicy manifests, it says whether
 * a connection is allowed, following kubernetes.io "Network Policies"
 * (test/fixtures/netpol/SOURCE.md; the rule ids below are those of flows.yaml):
 *
 * - a pod is isolated in a direction when a policy of its namespace selects it
 *   with that direction in its (effective) policyTypes; a pod no policy
 *   selects in a direction allows everything in it (R-NONISOLATED);
 * - `policyTypes` omitted means Ingress, plus Egress when the policy has
 *   egress rules (R-POLICYTYPES-DEFAULT);
 * - the allowed connections of a direction are the union of the rules of the
 *   policies selecting the pod (R-ADDITIVE); a connection needs the source's
 *   egress and the destination's ingress (R-BOTH-ENDS);
 * - peers: `podSelector` alone means pods of the policy's namespace,
 *   `namespaceSelector` alone every pod of the namespaces it selects, both in
 *   one peer the pods matching both (R-AND), separate peers OR (R-OR); an
 *   `ipBlock` matches addresses in the block less its `except` blocks;
 * - ports: none means all; a port's protocol defaults to TCP; `endPort` makes
 *   an inclusive range (unless the CNI lacks it: then the single port); a
 *   named port is resolved against the destination pod's container ports;
 * - a pod's own node and the pod itself are always allowed (R-NODE-ALWAYS,
 *   R-SELF); host-network pods are treated as their node's address, the most
 *   common behaviour (R-HOSTNETWORK); protocols other than TCP, UDP and SCTP
 *   are undefined (R-L4-ONLY).
 *
 * Label selectors and address blocks are the library's own functions, which
 * these document cases test as well.
 */
import { ipInCidr, parseCidr, parseIp } from '../../lib/common/addresses';
import { LabelSelectorJson, labelSelectorMatches } from '../../lib/common/labels';
import { Manifest } from './synth';

/** A container port of a pod. */
export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** A pod of the world. */
export interface PodModel {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly node?: string;
  readonly ports?: readonly ContainerPort[];
  /** Runs on the host network: its address is its node's. */
  readonly hostNetwork?: boolean;
}

/** Namespaces (with their labels), pods and nodes (with their addresses). */
export interface World {
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly pods: readonly PodModel[];
  readonly nodes?: Readonly<Record<string, string>>;
}

/** An end of a connection: a pod by name, an address, or a node by name. */
export type Endpoint = { readonly pod: string } | { readonly ip: string } | { readonly node: string };

/** A connection attempt. */
export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: string;
}

/** What the documentation says of a connection. */
export type Verdict = 'allow' | 'deny' | 'undefined';

/** CNI behaviour the documentation leaves open. */
export interface EvaluatorOptions {
  /** Whether the CNI supports `endPort` (without it, only `port` is allowed). Default true. */
  readonly endPort?: boolean;
}

interface Resolved {
  readonly ip: string;
  /** The pod, when the end is a pod on the pod network. */
  readonly pod?: PodModel;
  /** The node the end is (a node, or a host-network pod's node). */
  readonly node?: string;
}

const L4 = ['TCP', 'UDP', 'SCTP'];

export class NetworkPolicyEvaluator {
  private readonly policies: Manifest[];

  constructor(private readonly world: World, policies: readonly Manifest[], private readonly options: EvaluatorOptions = {}) {
    this.policies = policies.filter((p) => p.apiVersion === 'networking.k8s.io/v1' && p.kind === 'NetworkPolicy');
  }

  /** The verdict on a connection. */
  public verdict(c: Connection): Verdict {
    if (!L4.includes(c.protocol)) return 'undefined';
    const from = this.resolve(c.from);
    const to = this.resolve(c.to);
    if (from.pod && from.pod === to.pod) return 'allow';
    const egress = !from.pod || this.allows(from.pod, 'Egress', to, c);
    const ingress = !to.pod || this.allows(to.pod, 'Ingress', from, c);
    return egress && ingress ? 'allow' : 'deny';
  }

  /** Whether a connection is allowed. */
  public allowed(c: Connection): boolean {
    return this.verdict(c) === 'allow';
  }

  /** Whether `pod` lets the connection through in `direction`, `other` being the far end. */
  private allows(pod: PodModel, direction: 'Ingress' | 'Egress', other: Resolved, c: Connection): boolean {
    const selecting = this.policies.filter((p) => namespaceOf(p) === pod.namespace && labelSelectorMatches(p.spec?.podSelector ?? {}, pod.labels)
      && effectiveTypes(p).includes(direction));
    if (selecting.length === 0) return true;
    if (other.node !== undefined && other.node === pod.node) return true;
    const destination = direction === 'Ingress' ? pod : other.pod;
    const field = direction === 'Ingress' ? 'ingress' : 'egress';
    const peersField = direction === 'Ingress' ? 'from' : 'to';
    return selecting.some((p) => ((p.spec?.[field] ?? []) as Manifest[]).some((rule) => {
      const peers = (rule[peersField] ?? []) as Manifest[];
      const peerOk = peers.length === 0 || peers.some((peer) => this.peerMatches(peer, namespaceOf(p), other));
      const ports = (rule.ports ?? []) as Manifest[];
      return peerOk && (ports.length === 0 || ports.some((port) => this.portMatches(port, c, destination)));
    }));
  }

  private peerMatches(peer: Manifest, policyNamespace: string, end: Resolved): boolean {
    if (peer.ipBlock) {
      const ip = parseIp(end.ip);
      const block = parseCidr(peer.ipBlock.cidr);
      if (!ip || typeof block === 'string') throw new Error(`unreadable ipBlock ${JSON.stringify(peer.ipBlock)}`);
      return ipInCidr(ip, block) && !((peer.ipBlock.except ?? []) as string[]).some((e) => ipInCidr(ip, parseCidr(e) as Exclude<ReturnType<typeof parseCidr>, string>));
    }
    if (!peer.podSelector && !peer.namespaceSelector) throw new Error(`a peer must name pods, namespaces or a block: ${JSON.stringify(peer)}`);
    const pod = end.pod;
    if (!pod) return false;
    const namespaceOk = peer.namespaceSelector
      ? labelSelectorMatches(peer.namespaceSelector as LabelSelectorJson, this.world.namespaces[pod.namespace] ?? {})
      : pod.namespace === policyNamespace;
    return namespaceOk && (!peer.podSelector || labelSelectorMatches(peer.podSelector as LabelSelectorJson, pod.labels));
  }

  private portMatches(port: Manifest, c: Connection, destination: PodModel | undefined): boolean {
    if ((port.protocol ?? 'TCP') !== c.protocol) return false;
    if (port.port === undefined) return true;
    if (typeof port.port === 'string') {
      return (destination?.ports ?? []).some((p) => p.name === port.port && (p.protocol ?? 'TCP') === c.protocol && p.containerPort === c.port);
    }
    if (port.endPort !== undefined && (this.options.endPort ?? true)) return c.port >= port.port && c.port <= port.endPort;
    return c.port === port.port;
  }

  private resolve(end: Endpoint): Resolved {
    if ('ip' in end) return { ip: end.ip };
    if ('node' in end) return { ip: this.nodeIp(end.node), node: end.node };
    const pod = this.world.pods.find((p) => p.name === end.pod);
    if (!pod) throw new Error(`no pod ${end.pod}`);
    return pod.hostNetwork ? { ip: this.nodeIp(pod.node!), node: pod.node } : { ip: pod.ip, pod, node: undefined };
  }

  private nodeIp(node: string): string {
    const ip = this.world.nodes?.[node];
    if (!ip) throw new Error(`no node ${node}`);
    return ip;
  }
}

function namespaceOf(policy: Manifest): string {
  return policy.metadata?.namespace ?? 'default';
}

/** The policy types in effect: as written, else Ingress plus Egress when there are egress rules. */
function effectiveTypes(policy: Manifest): string[] {
  const written = policy.spec?.policyTypes as string[] | undefined;
  if (written) return written;
  return (policy.spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}
