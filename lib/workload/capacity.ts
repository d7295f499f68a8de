import { PropChecker } from '../common/errors';

/**
 * Expected traffic and what one pod can serve (a production-readiness checklist:
 * per-pod throughput estimated, pod counts known for normal and peak load).
 */
export interface ThroughputProps {
  /** Expected requests per second for the whole service at normal load. */
  readonly normalRps: number;
  /** Expected requests per second for the whole service at peak. */
  readonly peakRps: number;
  /**
   * Requests per second one pod serves within its latency objective, measured
   * in a load test at the autoscaler's target utilization ("don't guess, measure").
   */
  readonly rpsPerPod: number;
}

/** The pod counts that follow from a `ThroughputProps`. */
export interface CapacityPlan extends ThroughputProps {
  /** Pods needed at normal load: ceil(normalRps / rpsPerPod). */
  readonly podsAtNormal: number;
  /** Pods needed at peak: ceil(peakRps / rpsPerPod). */
  readonly podsAtPeak: number;
}

/** Fewest pods that survive the loss of one (a node drain, a crash). */
export const MIN_AVAILABLE_PODS = 2;

/** Pods needed to serve `rps` at `rpsPerPod` each; at least one. */
export function podsFor(rps: number, rpsPerPod: number): number {
  // The epsilon keeps float noise (0.3 / 0.1 = 3.0000000000000004) from adding a pod.
  return Math.max(1, Math.ceil(rps / rpsPerPod - 1e-9));
}

/** Checks the throughput figures and computes the pod counts. */
export function capacityPlan(checker: PropChecker, throughput: ThroughputProps): CapacityPlan | undefined {
  const figures: Array<keyof ThroughputProps> = ['normalRps', 'peakRps', 'rpsPerPod'];
  let ok = true;
  for (const key of figures) {
    const value = throughput[key];
    ok = checker.check(Number.isFinite(value) && value > 0, `throughput.${key}`, `(${value}) must be a positive number of requests per second`,
      key === 'rpsPerPod' ? 'measure it with a single-service load test (see LoadTest) and give the sustained figure' : 'give the expected figure from your traffic history or forecast') && ok;
  }
  if (!ok) return undefined;
  if (!checker.check(throughput.normalRps <= throughput.peakRps, 'throughput.normalRps',
    `(${throughput.normalRps}) is above throughput.peakRps (${throughput.peakRps})`, 'the peak is the highest expected load: swap or correct the figures')) {
    return undefined;
  }
  return {
    ...throughput,
    podsAtNormal: podsFor(throughput.normalRps, throughput.rpsPerPod),
    podsAtPeak: podsFor(throughput.peakRps, throughput.rpsPerPod),
  };
}

/** Autoscaling of an `ObservableService` (an `autoscaling/v2` HorizontalPodAutoscaler on CPU). */
export interface AutoscalingProps {
  /**
   * Fewest pods.
   * @default - the pods needed at normal load, at least 2
   */
  readonly minReplicas?: number;
  /**
   * Most pods.
   * @default - the pods needed at peak load (requires `throughput`)
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilization, as a percentage of the CPU request, that the autoscaler keeps.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

/** Default CPU utilization target: room to absorb a burst while new pods start. */
export const DEFAULT_TARGET_CPU_UTILIZATION = 70;

/** How many pods run. */
export interface ReplicaRange {
  /** Fewest pods (the fixed count when not autoscaled). */
  readonly min: number;
  /** Most pods (the fixed count when not autoscaled). */
  readonly max: number;
  /** CPU utilization target, when an autoscaler runs. */
  readonly targetCpuUtilization?: number;
}

/** Decides the replica range from fixed replicas, autoscaling and the capacity plan. */
export function replicaRange(checker: PropChecker, replicas: number | undefined, autoscaling: AutoscalingProps | undefined, plan: CapacityPlan | undefined): ReplicaRange {
  if (replicas !== undefined) {
    checker.check(autoscaling === undefined, 'replicas', 'cannot be combined with autoscaling', "remove 'replicas' (the autoscaler owns the count) or remove 'autoscaling'");
    checker.check(Number.isInteger(replicas) && replicas >= 1, 'replicas', `(${replicas}) must be a whole number of at least 1`, 'give the pod count, 2 or more for anything behind a Service');
  }
  if (autoscaling === undefined) {
    const fixed = replicas ?? (plan ? Math.max(MIN_AVAILABLE_PODS, plan.podsAtPeak) : MIN_AVAILABLE_PODS);
    return { min: fixed, max: fixed };
  }
  const min = autoscaling.minReplicas ?? Math.max(MIN_AVAILABLE_PODS, plan?.podsAtNormal ?? 0);
  const max = autoscaling.maxReplicas ?? (plan ? Math.max(min, plan.podsAtPeak) : undefined);
  const target = autoscaling.targetCpuUtilization ?? DEFAULT_TARGET_CPU_UTILIZATION;
  checker.check(Number.isInteger(min) && min >= 1, 'autoscaling.minReplicas', `(${min}) must be a whole number of at least 1`, 'use 2 or more so one pod can fail');
  if (!checker.check(max !== undefined, 'autoscaling.maxReplicas', 'is not given and cannot be computed', "give 'autoscaling.maxReplicas', or 'throughput' so the peak pod count becomes the maximum")) {
    return { min, max: min, targetCpuUtilization: target };
  }
  const maxReplicas = max as number;
  checker.check(Number.isInteger(maxReplicas) && maxReplicas >= 1, 'autoscaling.maxReplicas', `(${maxReplicas}) must be a whole number of at least 1`, 'give the most pods the service may run');
  checker.check(min <= maxReplicas, 'autoscaling.minReplicas', `(${min}) is above autoscaling.maxReplicas (${maxReplicas})`, 'lower the minimum or raise the maximum');
  checker.check(Number.isInteger(target) && target >= 1 && target <= 100, 'autoscaling.targetCpuUtilization', `(${target}) must be a whole percentage from 1 to 100`,
    `use ${DEFAULT_TARGET_CPU_UTILIZATION} unless a load test shows another value keeps latency within its objective`);
  return { min, max: maxReplicas, targetCpuUtilization: target };
}

/**
 * How many pods a voluntary disruption (a node drain, a cluster upgrade) may take at once.
 */
export class DisruptionBudget {
  /** At most `count` pods down at once. The default, with 1: a drain always progresses. */
  public static maxUnavailable(count: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', count);
  }

  /**
   * At least `count` pods up. Must stay below the fewest pods that run,
   * otherwise no node holding one of them can ever be drained.
   */
  public static minAvailable(count: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', count);
  }

  /** No PodDisruptionBudget. */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0);
  }

  private constructor(
    /** Which field the budget sets. */
    public readonly kind: 'maxUnavailable' | 'minAvailable' | 'none',
    /** Its value. */
    public readonly count: number,
  ) {}
}

/** Default budget: one pod at a time. */
export const DEFAULT_DISRUPTION_BUDGET = DisruptionBudget.maxUnavailable(1);

/** Checks a disruption budget against the replica range; returns it, or `undefined` when none is written. */
export function resolveDisruptionBudget(checker: PropChecker, budget: DisruptionBudget | undefined, range: ReplicaRange): DisruptionBudget | undefined {
  if (budget === undefined) return range.min > 1 ? DEFAULT_DISRUPTION_BUDGET : undefined;
  if (budget.kind === 'none') return undefined;
  checker.check(Number.isInteger(budget.count) && budget.count >= 1, `disruptionBudget.${budget.kind}`,
    `(${budget.count}) must be a whole number of at least 1`, 'use DisruptionBudget.maxUnavailable(1)');
  if (budget.kind === 'minAvailable') {
    checker.check(budget.count < range.min, 'disruptionBudget.minAvailable', `(${budget.count}) is not below the fewest pods that run (${range.min}), so no node holding one could ever be drained`,
      `use at most ${range.min - 1}, or DisruptionBudget.maxUnavailable(1)`);
  }
  return budget;
}
