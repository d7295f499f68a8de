import { Level, Rule } from '../rule';

/** OBS-PLC1: the pods are placed on a declared node group. */
export const nodeGroupDeclared: Rule = {
  id: 'OBS-PLC1',
  level: Level.WARNING,
  title: 'node group declared',
  explanation: 'Each service runs on the node group sized and isolated for it, not wherever the scheduler finds room.',
  fix: 'Give nodeGroup: NodeGroup.named(...) (required node affinity), or a nodeSelector.',
  check: (model) => model.workloads.filter((w) => w.kind !== 'DaemonSet' && w.kind !== 'PodTemplate').flatMap((w) => {
    const spec = w.template.spec ?? {};
    const declared = spec.nodeSelector !== undefined || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
    return declared ? [] : [{ resource: w.resource, message: 'the pods may run on any node: no node affinity or nodeSelector' }];
  }),
};

/** OBS-PLC2: more than one replica are spread over nodes (and zones). */
export const spreadDeclared: Rule = {
  id: 'OBS-PLC2',
  level: Level.WARNING,
  title: 'replicas spread',
  explanation: 'Replicas on one node fail together when it goes; the replicas only buy availability when spread.',
  fix: 'Keep the default topologySpread (hosts and zones), or add pod anti-affinity.',
  check: (model) => model.workloads.filter((w) => w.replicas.max > 1 && w.kind !== 'DaemonSet').flatMap((w) => {
    const spec = w.template.spec ?? {};
    const spread = (spec.topologySpreadConstraints ?? []).length > 0 || spec.affinity?.podAntiAffinity !== undefined;
    return spread ? [] : [{ resource: w.resource, message: `up to ${w.replicas.max} replicas with no topology spread or pod anti-affinity` }];
  }),
};
