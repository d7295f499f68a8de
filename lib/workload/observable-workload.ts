import { IConstruct } from 'constructs';
import { EgressRule } from './egress';

/** A place pods send traffic to, as a pod feature or a declaration implies it. */
export interface NetworkDestination {
  /** A DNS name (in the cluster: `<service>.<namespace>.svc.cluster.local`). */
  readonly host: string;
  /** The port. */
  readonly port: number;
  /** Why the pods call it, for reports and diagrams (`traces`, ...). */
  readonly purpose: string;
}

/**
 * A workload of this library as other constructs address it: by name and
 * namespace, DNS name and selector. `ObservableService` is one; the mesh
 * resources take any.
 */
export interface IObservableWorkload extends IConstruct {
  /** Name of its objects and the Service's DNS label. */
  readonly name: string;
  /** Namespace of its objects. */
  readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`. */
  readonly dnsName: string;
  /** The port its Service exposes. */
  readonly port: number;
  /** Labels selecting its pods (stable across versions). */
  readonly selector: { readonly [key: string]: string };
  /** Its recommended labels. */
  readonly labels: { readonly [key: string]: string };
  /** Where its pods send traffic because of their features (the tracing backend, ...). */
  readonly egress: NetworkDestination[];
  /** The workloads its pods call, as declared (`dependsOn`). */
  readonly dependsOn: IObservableWorkload[];
  /** Destinations outside the cluster its pods may reach, as declared. */
  readonly externalEgress: EgressRule[];
}
