import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { portError } from '../common/addresses';
import { ConfigurationError, PropChecker, quote } from '../common/errors';
import { frozenList } from '../common/frozen';
import { NameRule, resolveIdentity } from '../common/identity';
import { checkMetadataMap } from '../common/labels';
import { dns1123LabelError } from '../common/names';
import { compareText, lineTextError } from '../common/text';
import { ISTIO_SYSTEM_NAMESPACE, MeshTelemetry } from '../istio/mesh-resources';
import { TransportProtocol, checkCidr } from '../workload/egress';
import { WorkloadNetwork, networkOf, networksUnder } from '../workload/network';
import { DEFAULT_DENY_NAME, DEFAULT_DNS_NAMESPACE, DEFAULT_DNS_POD_LABELS, NETWORK_POLICY_COMPONENT } from './defaults';
import { ExtraFlow, FlowContext, FlowPeer, NetworkFlow, PeerKind, PeerSpec, deriveFlows, handPeer, peerKey, workloadPeer } from './flows';
import { ciliumFqdnSpec, defaultDenySpec, networkPolicySpec } from './policies';

/** Which CNI writes egress to DNS names, which networking.k8s.io/v1 cannot express. */
export enum FqdnPolicy {
  /** None: a DNS-name egress rule is a configuration error. */
  NONE = 'none',
  /** Cilium: a cilium.io/v2 CiliumNetworkPolicy with `toFQDNs`, and the DNS rule its DNS proxy needs. */
  CILIUM = 'cilium',
}

/** Peers outside the declarations, for flows added by hand (`allowIngress`, `allowEgress`). */
export class NetworkPeer {
  /** Pods of a namespace: all of them, or those with every label of `podSelector`. */
  public static pods(namespace: string, podSelector?: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ kind: PeerKind.PODS, namespace, selector: podSelector ? { ...podSelector } : undefined });
  }

  /** An IPv4 or IPv6 block, less the blocks in `except`. */
  public static cidr(cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer({ kind: PeerKind.CIDR, cidr, except: except && except.length > 0 ? [...except] : undefined });
  }

  /** Any address (ingress only: a rule without `from`). */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer({ kind: PeerKind.ANYWHERE });
  }

  private constructor(
    /** The peer, as data. */
    public readonly spec: PeerSpec,
  ) {}
}

/** Cluster DNS, as `NetworkIsolation` allows it. */
export interface ClusterDnsProps {
  /**
   * The namespace of the DNS pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods.
   * @default { 'k8s-app': 'kube-dns' } - CoreDNS as kubeadm, EKS and GKE label it
   */
  readonly podSelector?: Record<string, string>;
  /**
   * Addresses of a node-local resolver the pods use, which no pod selector
   * matches (it runs on the host network), such as NodeLocal DNSCache's
   * 169.254.20.10/32.
   * @default - none
   */
  readonly cidrs?: string[];
}

/** Prometheus scraping the isolated workloads. */
export interface PrometheusScrapeProps {
  /** Prometheus' namespace. */
  readonly namespace: string;
  /** The metrics port on the workloads' pods (15020 for Istio's merged metrics). */
  readonly port: number;
  /**
   * Labels of the Prometheus pods.
   * @default - every pod of the namespace
   */
  readonly podSelector?: Record<string, string>;
}

/** The Kubernetes API's addresses, for workloads that call it. */
export interface KubernetesApiProps {
  /** The API server's addresses, as CIDR blocks (the endpoints of the `kubernetes` Service in `default`). */
  readonly cidrs: string[];
  /**
   * The port those endpoints listen on, which the policy sees (not the `kubernetes`
   * Service's 443): the same command shows it; kubeadm's API server listens on 6443.
   */
  readonly port: number;
}

/** A flow into a workload that no declaration implies. */
export interface AllowedIngress {
  /** The workload construct (an `ObservableService`, a `FrontEnvoy`, a `MockBackend`, ...). */
  readonly to: IConstruct;
  /** Where the traffic comes from. */
  readonly from: NetworkPeer;
  /**
   * The port on the workload's pods.
   * @default - the workload's first port (an ObservableService's `port`)
   */
  readonly port?: number;
  /**
   * The transport protocol.
   * @default TransportProtocol.TCP
   */
  readonly protocol?: TransportProtocol;
  /** Why, for the flow list and the diagram. */
  readonly purpose: string;
}

/** A flow out of a workload that no declaration implies. */
export interface AllowedEgress {
  /** The workload construct. */
  readonly from: IConstruct;
  /** Where the traffic goes (pods or an IP block). */
  readonly to: NetworkPeer;
  /** The destination port. */
  readonly port: number;
  /**
   * The transport protocol.
   * @default TransportProtocol.TCP
   */
  readonly protocol?: TransportProtocol;
  /** Why, for the flow list and the diagram. */
  readonly purpose: string;
}

/** Props of a {@link NetworkIsolation}. */
export interface NetworkIsolationProps {
  /**
   * Other constructs whose workloads are isolated too, such as services built in another chart.
   * @default - only the workloads under the scope
   */
  readonly include?: IConstruct[];
  /**
   * How egress to DNS names (`EgressRule.fqdn`) is written.
   * @default FqdnPolicy.NONE - a DNS-name rule is an error
   */
  readonly fqdnPolicy?: FqdnPolicy;
  /**
   * Cluster DNS, which every pod may query.
   * @default - the kube-dns pods in kube-system, 53/UDP and 53/TCP
   */
  readonly dns?: ClusterDnsProps;
  /**
   * Prometheus, allowed to scrape every isolated Deployment's pods on one port.
   * @default - no scraping allowed
   */
  readonly prometheus?: PrometheusScrapeProps;
  /**
   * The Kubernetes API's addresses. Required when an isolated workload calls
   * the API (the OpenTelemetry Collector's k8s attributes processor).
   * @default - none
   */
  readonly kubernetesApi?: KubernetesApiProps;
  /**
   * Flows into isolated workloads that no declaration implies (from an ingress gateway, say).
   * @default - none
   */
  readonly allowIngress?: AllowedIngress[];
  /**
   * Flows out of isolated workloads that no declaration implies.
   * @default - none
   */
  readonly allowEgress?: AllowedEgress[];
}

/**
 * Least-privilege network policies derived from the declarations: for the
 * workloads under its scope (and `include`), a default deny for ingress and
 * egress in each of their namespaces, and for each workload a NetworkPolicy
 * allowing exactly the flows its declarations imply: the services it depends
 * on, its tracing backend, its external egress, cluster DNS, istiod for mesh
 * pods, the load balancer in front of a front proxy, a load test's target, a
 * collector's exporters. Declare it after the workloads.
 */
export class NetworkIsolation extends Construct {
  /** The allowed flows, in the order derived; every other flow to and from the isolated pods is denied. */
  public readonly flows: NetworkFlow[];
  /** The namespaces of the isolated workloads, each with a default deny (written here, or by an earlier NetworkIsolation of the app). */
  public readonly namespaces: string[];
  /** The NetworkPolicy (and CiliumNetworkPolicy) objects. */
  public readonly policies: ApiObject[];
  /** The isolated workloads (set once they are checked). */
  private readonly isolated: readonly WorkloadNetwork[];

  constructor(scope: Construct, id: string, props: NetworkIsolationProps = {}) {
    super(scope, id);
    const checker = new PropChecker(this);
    checkRequired(checker, props);
    const dns = checkDns(checker, props.dns);
    checkPrometheus(checker, props.prometheus);
    checkKubernetesApi(checker, props.kubernetesApi);

    const roots = [scope, ...(props.include ?? [])];
    const isolated = [...new Set(roots.flatMap((r) => networksUnder(r)))];
    checker.check(isolated.length > 0, 'include', `finds no workload under ${scope.node.path}`, 'declare the NetworkIsolation after the workloads, in a scope holding them, or name them in include');
    const extra = [
      ...(props.allowIngress ?? []).map((a, i) => extraFlow(checker, `allowIngress[${i}]`, isolated, a.to, 'ingress', a.from, a.port, a.protocol, a.purpose)),
      ...(props.allowEgress ?? []).map((a, i) => extraFlow(checker, `allowEgress[${i}]`, isolated, a.from, 'egress', a.to, a.port, a.protocol, a.purpose)),
    ].filter((f): f is ExtraFlow => f !== undefined);
    const needsApi = isolated.find((n) => n.pods.kubernetesApi);
    checker.check(needsApi === undefined || props.kubernetesApi !== undefined, 'kubernetesApi', `is not given, but ${needsApi?.owner.node.path} calls the Kubernetes API`,
      "give the API server's addresses and port: kubernetesApi: { cidrs: [...], port } (kubectl get endpoints kubernetes -n default)");
    // Another NetworkIsolation of the app may isolate a namespace already (a product split
    // across charts): its default deny serves both; a workload is isolated by one only.
    const earlier = this.node.root.node.findAll().filter((c): c is NetworkIsolation => c instanceof NetworkIsolation && c !== this && c.policies !== undefined);
    for (const n of isolated) {
      const other = earlier.find((e) => e.isolated.includes(n));
      checker.check(other === undefined, 'include', `holds ${n.owner.node.path}, which ${other?.node.path} isolates already`, 'isolate each workload in one NetworkIsolation');
    }
    const names = new Map<string, string>();
    for (const n of isolated) {
      const key = `${n.pods.namespace}/${n.pods.name}`;
      const clash = n.pods.name === DEFAULT_DENY_NAME ? 'the default deny' : names.get(key);
      checker.check(clash === undefined, 'include', `holds two workloads named ${n.pods.name} in namespace ${n.pods.namespace} (${clash} and ${n.owner.node.path}), whose policies would share a name`, 'rename one of them');
      names.set(key, n.owner.node.path);
    }
    checker.throwIfAny();
    this.isolated = Object.freeze(isolated);

    const root = this.node.root;
    // Read again at synth, to find a workload or a call declared after this construct.
    const contextNow = (): FlowContext => {
      const telemetries = root.node.findAll().filter((c): c is MeshTelemetry => c instanceof MeshTelemetry);
      const others = root.node.findAll().filter((c): c is NetworkIsolation => c instanceof NetworkIsolation && c !== this && c.policies !== undefined);
      return {
        isolated,
        known: networksUnder(root),
        elsewhere: new Set(others.flatMap((o) => o.isolated)),
        dns,
        istioNamespace: ISTIO_SYSTEM_NAMESPACE,
        kubernetesApi: props.kubernetesApi,
        prometheus: props.prometheus ? { namespace: props.prometheus.namespace, selector: props.prometheus.podSelector, port: props.prometheus.port } : undefined,
        fqdn: props.fqdnPolicy === FqdnPolicy.CILIUM,
        // The sidecars of a namespace (or one workload) send spans where a MeshTelemetry says.
        sidecarCalls: (n: WorkloadNetwork) => telemetries
          .filter((t) => t.namespace === n.pods.namespace && (t.service === undefined || t.service.dnsName === n.pods.dnsName))
          .flatMap((t) => (t.tracing.collectorHost !== undefined && t.tracing.collectorPort !== undefined
            ? [{ host: t.tracing.collectorHost, port: t.tracing.collectorPort, purpose: 'traces', prop: 'tracing', owner: t }]
            : [])),
        extra,
        isolationPath: this.node.path,
      };
    };
    const derived = deriveFlows(contextNow());
    // Reported where the fix goes: the workload's props (the first with a problem), else this construct's.
    const [first] = derived.problems;
    if (first) throw new ConfigurationError(first[0].node.path, first[1]);
    this.flows = frozenList(derived.flows.map((f) => Object.freeze(f)));

    const sorted = [...isolated].sort((a, b) => compareText(a.pods.namespace, b.pods.namespace) || compareText(a.pods.name, b.pods.name));
    this.namespaces = frozenList([...new Set(sorted.map((n) => n.pods.namespace))]);
    // Every object's identity is checked before the first is made: a construct that throws has made none.
    const objects: Array<{ apiVersion: string; kind: string; name: string; namespace: string; labels: Record<string, string>; spec: Record<string, unknown> }> = [];
    const write = (apiVersion: string, kind: string, name: string, namespace: string, spec: Record<string, unknown>) => {
      const labels = resolveIdentity(this, checker, { name, namespace, component: NETWORK_POLICY_COMPONENT }, { nameRule: NameRule.OBJECT }).labels;
      objects.push({ apiVersion, kind, name, namespace, labels: { ...labels }, spec });
    };
    for (const namespace of this.namespaces.filter((ns) => !earlier.some((e) => e.namespaces.includes(ns)))) {
      write('networking.k8s.io/v1', 'NetworkPolicy', DEFAULT_DENY_NAME, namespace, defaultDenySpec());
    }
    for (const n of sorted) {
      const self = workloadPeer(n, true);
      write('networking.k8s.io/v1', 'NetworkPolicy', n.pods.name, n.pods.namespace, networkPolicySpec(self, this.flows));
      const cilium = ciliumFqdnSpec(self, this.flows, dns);
      // Named as the workload too: a CiliumNetworkPolicy is a kind of its own.
      if (cilium) write('cilium.io/v2', 'CiliumNetworkPolicy', n.pods.name, n.pods.namespace, cilium);
    }
    checker.throwIfAny();
    this.policies = frozenList(objects.map((o) => new ApiObject(this, `${o.kind}.${o.namespace}.${o.name}`, {
      apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace, labels: o.labels }, spec: o.spec,
    })));

    // A workload made later under the roots would be isolated with nothing allowed; a call
    // declared later would be denied.
    this.node.addValidation({ validate: () => this.declaredLater(roots, contextNow) });
  }

  /** What was declared after the policies were derived: workloads under the roots, and flows. */
  private declaredLater(roots: readonly IConstruct[], contextNow: () => FlowContext): string[] {
    const fix = 'Fix: declare the NetworkIsolation after every workload and every call it covers';
    const late = [...new Set(roots.flatMap((r) => networksUnder(r)))].filter((n) => !this.isolated.includes(n))
      .map((n) => `${n.owner.node.path}: was made after ${this.node.path}, so its pods would be denied every connection in an isolated namespace. ${fix}`);
    if (late.length > 0) return late;
    const key = (from: FlowPeer, to: FlowPeer, f: NetworkFlow) => `${peerKey(from)}>${peerKey(to)}:${f.protocol}/${f.port}`;
    const written = new Set(this.flows.map((f) => key(f.from, f.to, f)));
    // A flow to (or from) pods is allowed by one written to (or from) their whole namespace.
    const wide = (p: FlowPeer) => (p.kind === PeerKind.PODS ? [p, handPeer({ kind: PeerKind.PODS, namespace: p.namespace })] : [p]);
    const allowed = (f: NetworkFlow) => wide(f.from).some((from) => wide(f.to).some((to) => written.has(key(from, to, f))));
    const now = deriveFlows(contextNow());
    return [
      ...[...now.problems].flatMap(([owner, problems]) => problems.map((p) => `${owner.node.path}: '${p.prop}' ${p.problem}. Fix: ${p.fix}`)),
      ...now.flows.filter((f) => !allowed(f)).map((f) => `${this.node.path}: the flow ${f.from.name} -> ${f.to.name} ${f.protocol}/${f.port} (${f.purpose}) `
        + `was declared after the policies were derived, so it would be denied. ${fix}`),
    ];
  }
}

/** The props a JavaScript caller may leave out inside the optional ones; throws at once when one is missing. */
function checkRequired(checker: PropChecker, props: NetworkIsolationProps): void {
  const peer = (prop: string, value: unknown) => checker.check(value instanceof NetworkPeer, prop, `(${quote(value)}) is not a peer`, 'give NetworkPeer.pods(...), NetworkPeer.cidr(...) or NetworkPeer.anywhere()');
  const workload = (prop: string, value: unknown) => checker.required(prop, value, 'object', 'give the workload construct');
  const purpose = (prop: string, value: unknown) => checker.required(prop, value, 'string', 'say why the flow is needed');
  (props.allowIngress ?? []).forEach((a, i) => {
    workload(`allowIngress[${i}].to`, a?.to);
    peer(`allowIngress[${i}].from`, a?.from);
    purpose(`allowIngress[${i}].purpose`, a?.purpose);
  });
  (props.allowEgress ?? []).forEach((a, i) => {
    workload(`allowEgress[${i}].from`, a?.from);
    peer(`allowEgress[${i}].to`, a?.to);
    checker.required(`allowEgress[${i}].port`, a?.port, 'number', 'give the destination port');
    purpose(`allowEgress[${i}].purpose`, a?.purpose);
  });
  if (props.prometheus !== undefined) {
    checker.required('prometheus.namespace', props.prometheus.namespace, 'string', "give Prometheus' namespace, such as monitoring");
    checker.required('prometheus.port', props.prometheus.port, 'number', 'give the metrics port of the pods');
  }
  if (props.kubernetesApi !== undefined) {
    checker.required('kubernetesApi.cidrs', props.kubernetesApi.cidrs, 'array', "give the API server's addresses, such as ['172.20.0.0/16']");
    checker.required('kubernetesApi.port', props.kubernetesApi.port, 'number', 'give the port of the endpoints of the kubernetes Service');
  }
  checker.throwIfAny();
}

function checkDns(checker: PropChecker, dns: ClusterDnsProps | undefined): FlowContext['dns'] {
  const namespace = dns?.namespace ?? DEFAULT_DNS_NAMESPACE;
  const error = dns1123LabelError(namespace);
  checker.check(error === undefined, 'dns.namespace', error ?? '', `use the DNS pods' namespace, such as ${DEFAULT_DNS_NAMESPACE}`);
  checkMetadataMap(checker, 'dns.podSelector', dns?.podSelector, 'labels');
  (dns?.cidrs ?? []).forEach((cidr, i) => checkCidr(checker, `dns.cidrs[${i}]`, cidr));
  return { namespace, selector: dns?.podSelector ?? DEFAULT_DNS_POD_LABELS, cidrs: dns?.cidrs ?? [] };
}

function checkPrometheus(checker: PropChecker, prometheus: PrometheusScrapeProps | undefined): void {
  if (!prometheus) return;
  const error = dns1123LabelError(prometheus.namespace);
  checker.check(error === undefined, 'prometheus.namespace', error ?? '', "use Prometheus' namespace, such as monitoring");
  const portProblem = portError(prometheus.port);
  checker.check(portProblem === undefined, 'prometheus.port', portProblem ?? '', 'give the metrics port of the pods, such as 15020 for Istio merged metrics');
  checkMetadataMap(checker, 'prometheus.podSelector', prometheus.podSelector, 'labels');
}

function checkKubernetesApi(checker: PropChecker, api: KubernetesApiProps | undefined): void {
  if (!api) return;
  checker.check(api.cidrs.length > 0, 'kubernetesApi.cidrs', 'is empty', "give the API server's addresses, such as ['172.20.0.0/16']");
  api.cidrs.forEach((cidr, i) => checkCidr(checker, `kubernetesApi.cidrs[${i}]`, cidr));
  const portProblem = portError(api.port);
  checker.check(portProblem === undefined, 'kubernetesApi.port', portProblem ?? '', 'give the port of the endpoints of the kubernetes Service');
}

/** A flow added by hand, checked: the workload must be isolated here, the peer and port valid. */
function extraFlow(checker: PropChecker, prop: string, isolated: readonly WorkloadNetwork[], workload: IConstruct, direction: 'ingress' | 'egress',
  peer: NetworkPeer, port: number | undefined, protocol: TransportProtocol | undefined, purpose: string): ExtraFlow | undefined {
  const candidates = networkOf(workload) ? [networkOf(workload)!] : networksUnder(workload);
  const [workloadProp, peerProp] = direction === 'ingress' ? [`${prop}.to`, `${prop}.from`] : [`${prop}.from`, `${prop}.to`];
  const network = candidates.length === 1 && isolated.includes(candidates[0]) ? candidates[0] : undefined;
  checker.check(network !== undefined, workloadProp, `(${workload.node.path}) is not one workload this NetworkIsolation isolates`, 'name a workload construct under its scope or in include');
  const spec = peer.spec;
  if (spec.kind === PeerKind.CIDR) checkCidr(checker, peerProp, spec.cidr!, spec.except, `${peerProp}.except`);
  if (spec.kind === PeerKind.PODS) {
    const error = dns1123LabelError(spec.namespace!);
    checker.check(error === undefined, peerProp, `namespace ${error}`, 'use an existing namespace name');
    checkMetadataMap(checker, `${peerProp}.podSelector`, spec.selector, 'labels');
  }
  checker.check(direction === 'ingress' || spec.kind !== PeerKind.ANYWHERE, peerProp, 'is anywhere, which would open all egress', 'give the pods or the block the workload calls');
  const purposeProblem = lineTextError(purpose, 200);
  checker.check(purposeProblem === undefined, `${prop}.purpose`, purposeProblem ?? '', 'say in a few words why the flow is needed');
  if (!network) return undefined;
  const resolvedPort = port ?? network.pods.ports[0]?.port;
  const portProblem = resolvedPort === undefined ? 'is not given and the workload listens on no port' : portError(resolvedPort);
  if (!checker.check(portProblem === undefined, `${prop}.port`, portProblem ?? '', 'give the port') || resolvedPort === undefined) return undefined;
  return { network, direction, peer: spec, port: resolvedPort, protocol: protocol ?? TransportProtocol.TCP, purpose };
}
