import { containers } from '../model';
import { Level, Rule } from '../rule';

/** OBS-RES1: every container states CPU and memory requests and limits (kubernetes.io/docs/concepts/configuration/manage-resources-containers). */
export const containerResources: Rule = {
  id: 'OBS-RES1',
  level: Level.ERROR,
  title: 'container resources',
  explanation: 'Without requests the scheduler packs pods blindly and the autoscaler has no baseline; without limits one container can starve its node.',
  fix: 'Set resources.requests and resources.limits for cpu and memory on every container (ObservableService does by default).',
  check: (model) => model.workloads.flatMap((w) => containers(w).flatMap((c) => {
    const missing = ['requests', 'limits'].flatMap((kind) => ['cpu', 'memory'].filter((r) => c.resources?.[kind]?.[r] === undefined).map((r) => `${kind}.${r}`));
    return missing.length > 0 ? [{ resource: w.resource, message: `container "${c.name}" has no ${missing.join(', ')}` }] : [];
  })),
};
