import { PropChecker, quote } from '../common/errors';
import { labelValueError, qualifiedNameError } from '../common/names';

/**
 * The node label that names a node group. EKS managed node groups set it;
 * GKE uses `cloud.google.com/gke-nodepool`, Karpenter `karpenter.sh/nodepool`.
 */
export const DEFAULT_NODE_GROUP_LABEL = 'eks.amazonaws.com/nodegroup';

/** The node group a workload must run on (node affinity: kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node). */
export class NodeGroup {
  /**
   * Nodes whose label `labelKey` equals `name`.
   * @param name the node group's name, the label's value
   * @param labelKey the node label naming the group; defaults to `eks.amazonaws.com/nodegroup`
   */
  public static named(name: string, labelKey: string = DEFAULT_NODE_GROUP_LABEL): NodeGroup {
    return new NodeGroup(name, labelKey);
  }

  private constructor(
    /** The label's value. */
    public readonly name: string,
    /** The node label. */
    public readonly labelKey: string,
  ) {}
}

/** What the scheduler does when a spread cannot be met. */
export enum SpreadMode {
  /** Prefer an even spread but still schedule (the default: scaling never stalls for lack of nodes). */
  PREFERRED = 'ScheduleAnyway',
  /** Refuse to schedule a pod that would break the spread. */
  REQUIRED = 'DoNotSchedule',
}

/** Well-known topology keys. */
export const TOPOLOGY_HOSTNAME = 'kubernetes.io/hostname';
export const TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** How a workload's pods spread over failure domains (`topologySpreadConstraints`). */
export class TopologySpread {
  /** Across nodes and zones, at most one pod of difference between any two. */
  public static acrossHostsAndZones(mode: SpreadMode = SpreadMode.PREFERRED): TopologySpread {
    return new TopologySpread([TOPOLOGY_HOSTNAME, TOPOLOGY_ZONE], mode);
  }

  /** Across the given topology keys (node labels). */
  public static across(topologyKeys: string[], mode: SpreadMode = SpreadMode.PREFERRED): TopologySpread {
    return new TopologySpread([...topologyKeys], mode);
  }

  /** No spread constraint. */
  public static none(): TopologySpread {
    return new TopologySpread([], SpreadMode.PREFERRED);
  }

  private constructor(
    /** The node labels that define the failure domains. */
    public readonly topologyKeys: string[],
    /** Whether the spread is required or preferred. */
    public readonly mode: SpreadMode,
  ) {}
}

/** Checks a node group's name and label. */
export function checkNodeGroup(checker: PropChecker, nodeGroup: NodeGroup): void {
  // A JavaScript caller can give a name where the node group is due.
  const given = nodeGroup as unknown;
  if (!checker.check(typeof given === 'object' && given !== null && typeof nodeGroup.name === 'string' && typeof nodeGroup.labelKey === 'string', 'nodeGroup',
    () => `(${quote(given)}) is not a node group`, "give NodeGroup.named('general') (with the label key, if the nodes are labelled otherwise)")) return;
  const keyError = qualifiedNameError(nodeGroup.labelKey);
  checker.check(keyError === undefined, 'nodeGroup.labelKey', keyError ?? '', 'use a node label key such as eks.amazonaws.com/nodegroup');
  const valueError = labelValueError(nodeGroup.name);
  checker.check(nodeGroup.name.length > 0 && valueError === undefined, 'nodeGroup.name', valueError ?? 'is empty', 'use the node group name as its nodes are labelled');
}

/** Checks the spread's topology keys. */
export function checkSpread(checker: PropChecker, spread: TopologySpread): void {
  spread.topologyKeys.forEach((key, i) => {
    const error = qualifiedNameError(key);
    checker.check(error === undefined, `topologySpread.topologyKeys[${i}]`, error ?? '', `use a node label such as ${TOPOLOGY_ZONE}`);
  });
}

/** `topologySpreadConstraints` for the pods matching `selector` (core/v1 TopologySpreadConstraint). */
export function topologySpreadConstraints(spread: TopologySpread, selector: Record<string, string>): Array<Record<string, unknown>> {
  return spread.topologyKeys.map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: spread.mode,
    labelSelector: { matchLabels: { ...selector } },
  }));
}
