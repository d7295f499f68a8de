/**
 * istiod's autoscaling, for the team's Istio install values (istio.io/latest/docs/ops/deployment/performance-and-scalability:
 * istiod's cost grows with the number of proxies it configures, so scale it
 * on CPU like any other service).
 */

/** Istio's published control plane cost (Istio 1.10 to 1.16 performance pages): 1 vCPU and 1.5 GB for 2000 sidecars. */
export const ISTIOD_PROXIES_PER_VCPU = 2000;
export const ISTIOD_CPU_REQUEST = '1000m';
export const ISTIOD_MEMORY_REQUEST = '1536Mi';
/** CPU utilization target of istiod's HPA. */
export const ISTIOD_TARGET_CPU_UTILIZATION = 80;

/** Options of {@link istiodAutoscaling}. */
export interface IstiodAutoscalingOptions {
  /** Proxies (sidecars and gateways) in the mesh at peak. */
  readonly proxies: number;
  /**
   * Fewest istiod replicas.
   * @default - enough replicas for the proxies at 1 vCPU each, at least 2
   */
  readonly minReplicas?: number;
  /**
   * Most istiod replicas.
   * @default - twice the minimum: a mass restart makes every proxy reconnect and pull its config at once
   */
  readonly maxReplicas?: number;
}

/** The result: Helm values of the `istiod` chart, and why. */
export interface IstiodAutoscaling {
  /** Values of the istiod chart (under `pilot:`). */
  readonly values: IstiodValues;
  /** The reasoning, for the pull request that changes the values. */
  readonly reasoning: string;
}

/** Helm values of the `istiod` chart. */
export interface IstiodValues {
  /** The values under `pilot:`. */
  readonly pilot: IstiodPilotValues;
}

/** The istiod chart's `pilot:` values that size and autoscale istiod. */
export interface IstiodPilotValues {
  /** Whether istiod has an HPA (always true here). */
  readonly autoscaleEnabled: boolean;
  /** Fewest replicas. */
  readonly autoscaleMin: number;
  /** Most replicas. */
  readonly autoscaleMax: number;
  /** The HPA's CPU target. */
  readonly cpu: IstiodCpuTarget;
  /** istiod's resource requests. */
  readonly resources: IstiodResources;
}

/** The CPU target of istiod's HPA. */
export interface IstiodCpuTarget {
  /** CPU utilization, in percent of the request. */
  readonly targetAverageUtilization: number;
}

/** istiod's resources. */
export interface IstiodResources {
  /** Its requests. */
  readonly requests: IstiodResourceRequests;
}

/** istiod's resource requests, as Kubernetes quantities. */
export interface IstiodResourceRequests {
  /** CPU, such as `1000m`. */
  readonly cpu: string;
  /** Memory, such as `1536Mi`. */
  readonly memory: string;
}

/** istiod's HPA (CPU at 80%) and its replica range for a mesh of `proxies` proxies. */
export function istiodAutoscaling(options: IstiodAutoscalingOptions): IstiodAutoscaling {
  if (!Number.isInteger(options.proxies) || options.proxies < 0) {
    throw new Error(`istiodAutoscaling: 'proxies' (${options.proxies}) must be a whole number of proxies. Fix: count the sidecars and gateways at peak`);
  }
  const needed = Math.ceil(options.proxies / ISTIOD_PROXIES_PER_VCPU);
  const min = options.minReplicas ?? Math.max(2, needed);
  const max = options.maxReplicas ?? 2 * min;
  if (!Number.isInteger(min) || min < 1 || !Number.isInteger(max) || max < min) {
    throw new Error(`istiodAutoscaling: replicas ${min}..${max} are not a valid range. Fix: give whole numbers with minReplicas >= 1 and maxReplicas >= minReplicas`);
  }
  return {
    values: {
      pilot: {
        autoscaleEnabled: true,
        autoscaleMin: min,
        autoscaleMax: max,
        cpu: { targetAverageUtilization: ISTIOD_TARGET_CPU_UTILIZATION },
        resources: { requests: { cpu: ISTIOD_CPU_REQUEST, memory: ISTIOD_MEMORY_REQUEST } },
      },
    },
    reasoning: `istiod computes and pushes config to every proxy, so its cost grows with the mesh. Istio's load test measured 1 vCPU and 1.5 GB for 2000 sidecars; `
      + `${options.proxies} proxies need ${needed} replica(s) at 1 vCPU each. The minimum is ${min} (at least 2, so one can fail), the maximum ${max} `
      + `(twice the minimum, for push storms when many proxies restart at once), scaled on CPU at ${ISTIOD_TARGET_CPU_UTILIZATION}%.`,
  };
}
