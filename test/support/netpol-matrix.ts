/**
 * The flow matrix of a chart: its workloads as pods of a world, the cluster
 * services and the internet around them, and every connection between them
 * judged by the NetworkPolicy evaluator.
 */
import { ContainerPort, Endpoint, NetworkPolicyEvaluator, PodModel } from './netpol-evaluator';
import { Manifest } from './synth';

/** One end of the matrix: a pod or an address, with what it listens on. */
export interface MatrixEnd {
  readonly name: string;
  readonly endpoint: Endpoint;
  /** The ports it listens on, as `TCP/8080`. */
  readonly listens: readonly string[];
  /** Whether the policies under test isolate it (a connection between two ends that are not is not judged). */
  readonly isolated: boolean;
}

/** The result: the connections allowed, and how many were judged. */
export interface Matrix {
  readonly allowed: string[];
  readonly judged: number;
}

/** The pod of each Deployment and Job in the manifests, addressed 10.244.0.1, .2, ... in order. */
export function workloadPods(manifests: readonly Manifest[]): PodModel[] {
  return manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job').map((m, i) => ({
    name: m.metadata.name,
    namespace: m.metadata.namespace,
    labels: m.spec.template.metadata.labels,
    ip: `10.244.0.${i + 1}`,
    ports: (m.spec.template.spec.containers as Manifest[]).flatMap((c) => (c.ports ?? []) as ContainerPort[]),
  }));
}

/** A pod as a matrix end, listening on its container ports. */
export function podEnd(pod: PodModel, isolated: boolean): MatrixEnd {
  return { name: pod.name, endpoint: { pod: pod.name }, listens: (pod.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.containerPort}`), isolated };
}

/** Every ordered pair of distinct ends with at least one isolated, on every port the destination listens on. */
export function flowMatrix(evaluator: NetworkPolicyEvaluator, ends: readonly MatrixEnd[]): Matrix {
  const allowed: string[] = [];
  let judged = 0;
  for (const from of ends) {
    for (const to of ends) {
      if (from === to || (!from.isolated && !to.isolated)) continue;
      for (const listen of to.listens) {
        const [protocol, port] = listen.split('/');
        judged += 1;
        if (evaluator.allowed({ from: from.endpoint, to: to.endpoint, port: Number(port), protocol })) allowed.push(`${from.name} -> ${to.name} ${listen}`);
      }
    }
  }
  return { allowed: allowed.sort(), judged };
}
