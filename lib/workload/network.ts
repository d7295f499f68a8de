/**
 * What the network policies of a workload are derived from: its pods (how
 * they are selected, the ports they listen on), the calls they make, and who
 * reaches them from outside. Every construct of the library that runs pods
 * registers one, through `buildWorkload` or `registerNetwork`, so that
 * `NetworkIsolation` finds the workloads in the construct tree; the
 * constructs that wire workloads together (a front proxy, a load test) add
 * the calls they imply.
 * @internal
 */
import { IConstruct } from 'constructs';
import { EgressRule, TransportProtocol } from './egress';
import { IObservableWorkload } from './observable-workload';

/** A port the pods listen on. */
export interface PodPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: TransportProtocol;
}

/** The pods of a workload, as policies select them. */
export interface NetworkPods {
  /** The kind of the object that runs the pods. */
  readonly kind: 'Deployment' | 'Job';
  readonly name: string;
  readonly namespace: string;
  /** Labels selecting the pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The container ports; a Service of the library targets the same numbers. */
  readonly ports: readonly PodPort[];
  /** The Service's DNS name, where one is written. */
  readonly dnsName?: string;
  /** Whether the pods run the Istio sidecar. */
  readonly mesh: boolean;
  /** Whether the pods call the Kubernetes API. */
  readonly kubernetesApi: boolean;
}

/** A call the pods make: to a workload, or to a host by DNS name or address. */
export type Call = {
  readonly port: number;
  /** Why (`dependsOn`, `route`, `traces`, `exporter`, `load test`). */
  readonly purpose: string;
  /** The prop that declares it, for error messages. */
  readonly prop: string;
  /** The construct that declares it, when not the workload's own (a front proxy adds its calls to its Envoy workload). */
  readonly owner?: IConstruct;
} & ({ readonly workload: IObservableWorkload } | { readonly host: string });

/** Clients outside the cluster that reach the pods (through a load balancer). */
export interface ExternalClients {
  /** Where they connect from; every address when absent. */
  readonly cidrs?: readonly string[];
  readonly port: number;
  readonly purpose: string;
}

/** A workload's network facts. */
export class WorkloadNetwork {
  /** The calls its pods make. */
  public readonly calls: Call[] = [];
  /** Destinations outside the cluster it may reach. */
  public readonly egressRules: EgressRule[] = [];
  /** Clients outside the cluster, when it is exposed. */
  public external?: ExternalClients;
  /** A port the pods serve their own metrics on (a front proxy's statistics), scraped besides the isolation's Prometheus port. */
  public metricsPort?: number;

  constructor(
    /** The construct that declared the workload (errors name its path). */
    public readonly owner: IConstruct,
    public readonly pods: NetworkPods,
  ) {}
}

const registry = new WeakMap<IConstruct, WorkloadNetwork>();

/** Registers the network facts of the workload `owner` declares. */
export function registerNetwork(owner: IConstruct, pods: NetworkPods): WorkloadNetwork {
  const network = new WorkloadNetwork(owner, pods);
  registry.set(owner, network);
  return network;
}

/** The network facts of a workload construct, if it registered any. */
export function networkOf(construct: IConstruct): WorkloadNetwork | undefined {
  return registry.get(construct);
}

/** The workloads under `scope` (itself included), in construct-tree order. */
export function networksUnder(scope: IConstruct): WorkloadNetwork[] {
  return scope.node.findAll().flatMap((c) => registry.get(c) ?? []);
}
