import { describeContainer } from '../model';
import { Level, Rule } from '../rule';

/**
 * OBS-RES1: every long-running container (native sidecars included) states
 * CPU and memory requests and limits
 * (kubernetes.io/docs/concepts/configuration/manage-resources-containers).
 * Ephemeral containers may not set resources; init containers run before the
 * others and are left to the pod's effective request.
 */
export const containerResources: Rule = {
  id: 'OBS-RES1',
  level: Level.ERROR,
  title: 'container resources',
  explanation: 'Without requests the scheduler packs pods blindly and the autoscaler has no baseline; without limits one container can starve its node.',
  fix: 'Set resources.requests and resources.limits for cpu and memory on every container and native sidecar (ObservableService does by default).',
  check: (model) => model.workloads.flatMap((w) => w.longRunning.flatMap((c) => {
    const missing = ['requests', 'limits'].flatMap((kind) => ['cpu', 'memory'].filter((r) => c.container.resources?.[kind]?.[r] === undefined).map((r) => `${kind}.${r}`));
    return missing.length > 0 ? [{ resource: w.resource, message: `${describeContainer(c)} has no ${missing.join(', ')}` }] : [];
  })),
};
