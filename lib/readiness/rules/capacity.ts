import { ANNOTATION_PEAK_RPS, ANNOTATION_PODS_AT_PEAK, ANNOTATION_RPS_PER_POD } from '../../common/annotations';
import { Manifest, ManifestWorkload } from '../model';
import { Level, Rule, Violation } from '../rule';


function annotation(w: ManifestWorkload, key: string): number | undefined {
  const value = (w.resource.manifest.metadata?.annotations as Manifest | undefined)?.[key];
  return value === undefined ? undefined : Number(value);
}

/** Workloads a Service routes to: the ones capacity and availability matter for. */
function served(w: ManifestWorkload): boolean {
  return w.services.length > 0 && w.kind !== 'DaemonSet';
}

/** OBS-CAP1: throughput is estimated (per-pod req/s and the pods for normal and peak load are known). */
export const throughputEstimated: Rule = {
  id: 'OBS-CAP1',
  level: Level.WARNING,
  title: 'throughput estimated',
  explanation: 'Without the expected peak and the measured per-pod capacity, nobody knows how many pods the service needs or whether the autoscaler can reach it.',
  fix: 'Give throughput: { normalRps, peakRps, rpsPerPod } from traffic history and a load test (see LoadTest).',
  check: (model) => model.workloads.filter(served).flatMap((w) => {
    const known = [ANNOTATION_PEAK_RPS, ANNOTATION_RPS_PER_POD].every((k) => Number.isFinite(annotation(w, k)));
    return known ? [] : [{ resource: w.resource, message: 'no expected peak or per-pod capacity is declared' }];
  }),
};

/** OBS-CAP2: an autoscaler whose maximum covers the pods needed at peak. */
export const autoscalerCoversPeak: Rule = {
  id: 'OBS-CAP2',
  level: Level.ERROR,
  levelNote: 'warning without an autoscaler',
  title: 'autoscaler covers the peak',
  explanation: 'An autoscaler capped below the pods needed at peak stops scaling exactly when it is needed; without an autoscaler the fleet is sized by hand.',
  fix: 'Give autoscaling: {} with throughput (the peak pod count becomes the maximum), or raise autoscaling.maxReplicas.',
  check: (model) => model.workloads.filter(served).flatMap((w): Violation[] => {
    const peakPods = annotation(w, ANNOTATION_PODS_AT_PEAK);
    if (!w.autoscaler) {
      return [{ resource: w.resource, level: Level.WARNING, message: `no HorizontalPodAutoscaler targets it (fixed at ${w.replicas.max} replica(s))` }];
    }
    if (peakPods !== undefined && w.replicas.max < peakPods) {
      return [{ resource: w.resource, message: `the autoscaler stops at ${w.replicas.max} pods, but the peak needs ${peakPods}` }];
    }
    return [];
  }),
};

/** OBS-CAP3: a disruption budget that still lets a node drain. */
export const disruptionBudgetDrains: Rule = {
  id: 'OBS-CAP3',
  level: Level.ERROR,
  levelNote: 'warning without a budget',
  title: 'disruption budget lets nodes drain',
  explanation: 'Without a budget a drain may take every replica at once; a budget with minAvailable at or above the fewest pods blocks every drain and upgrade.',
  fix: 'Use DisruptionBudget.maxUnavailable(1) (the default), or minAvailable below the minimum replicas.',
  check: (model) => model.workloads.filter((w) => served(w) && w.replicas.min > 1).flatMap((w): Violation[] => {
    if (w.disruptionBudgets.length === 0) return [{ resource: w.resource, level: Level.WARNING, message: `${w.replicas.min} or more pods and no PodDisruptionBudget` }];
    return w.disruptionBudgets.flatMap((pdb) => {
      const spec = pdb.manifest.spec ?? {};
      const blocks = (typeof spec.minAvailable === 'number' && spec.minAvailable >= w.replicas.min)
        || spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' || spec.minAvailable === '100%';
      return blocks ? [{ resource: pdb, message: `${JSON.stringify(spec.minAvailable ?? spec.maxUnavailable)} leaves no pod of ${w.name} evictable (fewest pods: ${w.replicas.min}): node drains block` }] : [];
    });
  }),
};

/** OBS-CAP4: more than one replica behind a Service. */
export const replicasBehindService: Rule = {
  id: 'OBS-CAP4',
  level: Level.ERROR,
  title: 'more than one replica behind a Service',
  explanation: 'A single pod behind a Service is an outage at every deploy, drain and crash.',
  fix: 'Run at least 2 replicas (autoscaling.minReplicas or replicas).',
  check: (model) => model.workloads.filter((w) => served(w) && w.replicas.min < 2)
    .map((w) => ({ resource: w.resource, message: `${w.replicas.min} replica behind Service ${w.services.map((s) => s.manifest.metadata?.name).join(', ')}` })),
};
