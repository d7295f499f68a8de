/**
 * Sidecar (istio-proxy) sizing from expected traffic (istio.io/latest/docs/ops/deployment/performance-and-scalability: estimate
 * per-pod throughput, then size the proxy; "don't guess, measure").
 */
import { PropChecker } from '../common/errors';

/** A published or measured cost of the proxy. */
export interface SidecarCostModel {
  /** Where the figures come from. */
  readonly source: string;
  /** CPU in millicores per 1000 requests/s through the proxy. */
  readonly cpuMillisPer1000Rps: number;
  /** Memory in MiB per 1000 requests/s through the proxy. */
  readonly memoryMiBPer1000Rps: number;
  /** Latency the proxy adds at p90, in ms, when published. */
  readonly p90LatencyMs?: number;
}

/**
 * Istio 1.10 (istio.io/v1.10/docs/ops/deployment/performance-and-scalability):
 * 1000 services, 2000 sidecars, 70,000 req/s mesh-wide; the proxy uses 0.35 vCPU
 * and 40 MB per 1000 req/s and adds 2.65 ms at p90. The same figures stand
 * through the 1.16 page.
 */
export const ISTIO_1_10_MODEL: SidecarCostModel = {
  source: 'Istio 1.10 performance and scalability: 0.35 vCPU and 40 MB per 1000 req/s, +2.65 ms p90',
  cpuMillisPer1000Rps: 350,
  memoryMiBPer1000Rps: 40,
  p90LatencyMs: 2.65,
};

/**
 * Istio 1.24 (istio.io/v1.24/docs/ops/deployment/performance-and-scalability):
 * about 0.20 vCPU and 60 MB per sidecar at 1000 req/s, 2 worker threads, 1 KB payloads.
 */
export const ISTIO_1_24_MODEL: SidecarCostModel = {
  source: 'Istio 1.24 performance and scalability: about 0.20 vCPU and 60 MB per sidecar at 1000 req/s (2 workers, 1 KB)',
  cpuMillisPer1000Rps: 200,
  memoryMiBPer1000Rps: 60,
};

/** The Istio chart's proxy defaults (values.global.proxy.resources): the floor of every computed size. */
export const ISTIO_CHART_PROXY_REQUESTS = { cpuMillis: 100, memoryMiB: 128 };
export const ISTIO_CHART_PROXY_LIMITS = { cpuMillis: 2000, memoryMiB: 1024 };

/** Default margin over the model at the pod's peak throughput. */
export const DEFAULT_HEADROOM = 1.5;
/** Default limit over request: room for bursts without letting one proxy starve its node. */
export const DEFAULT_LIMIT_RATIO = 2;

/** A sidecar's requests and limits, in whole millicores and MiB. */
export interface SidecarResources {
  /** CPU request, in millicores. */
  readonly cpuRequestMillis: number;
  /** CPU limit, in millicores. */
  readonly cpuLimitMillis: number;
  /** Memory request, in MiB. */
  readonly memoryRequestMiB: number;
  /** Memory limit, in MiB. */
  readonly memoryLimitMiB: number;
  /** How the figures were reached, for reviews and the readiness report. */
  readonly basis: string;
}

/** Explicit sidecar resources; they always win over a model. */
export interface ExplicitSidecarResources {
  /** CPU request, in millicores. */
  readonly cpuRequestMillis: number;
  /** CPU limit, in millicores. */
  readonly cpuLimitMillis: number;
  /** Memory request, in MiB. */
  readonly memoryRequestMiB: number;
  /** Memory limit, in MiB. */
  readonly memoryLimitMiB: number;
}

/** Options of a model-based sizing. */
export interface SizingOptions {
  /**
   * Margin over the model at peak.
   * @default 1.5
   */
  readonly headroom?: number;
  /**
   * Limit over request, for CPU and memory.
   * @default 2
   */
  readonly limitRatio?: number;
}

/** A sidecar's cost as the team's own load test measured it. */
export interface SidecarMeasurement {
  /** CPU, in millicores, per 1000 req/s through the proxy. */
  readonly cpuMillisPer1000Rps: number;
  /** Memory, in MiB, per 1000 req/s through the proxy. */
  readonly memoryMiBPer1000Rps: number;
  /** Where the figures come from (the load test's report). */
  readonly source: string;
}

/** How a sidecar is sized. */
export class SidecarSizing {
  /** From a published cost model (the default: Istio 1.24's figures). */
  public static fromModel(model: SidecarCostModel = ISTIO_1_24_MODEL, options: SizingOptions = {}): SidecarSizing {
    return new SidecarSizing(model, undefined, options);
  }

  /**
   * From the team's own load test of this service with its sidecar ("don't
   * guess, measure"): CPU and memory per 1000 req/s through the proxy.
   */
  public static measured(measurement: SidecarMeasurement, options: SizingOptions = {}): SidecarSizing {
    return new SidecarSizing({ ...measurement, source: `measured: ${measurement.source}` }, undefined, options);
  }

  /** Exactly these values. */
  public static explicit(resources: ExplicitSidecarResources): SidecarSizing {
    return new SidecarSizing(undefined, resources, {});
  }

  private constructor(
    /** The cost model, for model-based and measured sizing. */
    public readonly model: SidecarCostModel | undefined,
    /** The explicit values, if given. */
    public readonly explicitResources: ExplicitSidecarResources | undefined,
    /** Headroom and limit ratio. */
    public readonly options: SizingOptions,
  ) {}
}

/**
 * The sidecar's resources for a pod that serves `rpsPerPod` at peak.
 * Model: request = max(chart default, model × rps/1000 × headroom);
 * limit = request × limitRatio, never below the request. Without a
 * throughput figure a model cannot be applied and the chart defaults are used
 * (and said so in `basis`).
 */
export function sizeSidecar(checker: PropChecker, sizing: SidecarSizing, rpsPerPod: number | undefined): SidecarResources {
  if (sizing.explicitResources) {
    const r = sizing.explicitResources;
    for (const [key, value] of Object.entries(r)) {
      checker.check(Number.isInteger(value) && value > 0, `mesh.sizing.${key}`, `(${value}) must be a whole positive number`, 'give millicores and MiB as whole numbers');
    }
    checker.check(r.cpuRequestMillis <= r.cpuLimitMillis, 'mesh.sizing.cpuRequestMillis', `(${r.cpuRequestMillis}m) is above the CPU limit (${r.cpuLimitMillis}m)`, 'lower the request or raise the limit');
    checker.check(r.memoryRequestMiB <= r.memoryLimitMiB, 'mesh.sizing.memoryRequestMiB', `(${r.memoryRequestMiB}Mi) is above the memory limit (${r.memoryLimitMiB}Mi)`, 'lower the request or raise the limit');
    return { ...r, basis: 'explicit values' };
  }
  const model = sizing.model as SidecarCostModel;
  const headroom = sizing.options.headroom ?? DEFAULT_HEADROOM;
  const limitRatio = sizing.options.limitRatio ?? DEFAULT_LIMIT_RATIO;
  checker.check(Number.isFinite(headroom) && headroom >= 1, 'mesh.sizing.headroom', `(${headroom}) must be at least 1`, 'use 1.5 unless measured figures justify less');
  checker.check(Number.isFinite(limitRatio) && limitRatio >= 1, 'mesh.sizing.limitRatio', `(${limitRatio}) must be at least 1 (a limit below the request is rejected)`, 'use 2');
  checker.check(model.cpuMillisPer1000Rps > 0 && model.memoryMiBPer1000Rps > 0, 'mesh.sizing', 'needs positive CPU and memory figures per 1000 req/s', 'give the figures of the load test');
  if (rpsPerPod === undefined) {
    return {
      cpuRequestMillis: ISTIO_CHART_PROXY_REQUESTS.cpuMillis,
      cpuLimitMillis: ISTIO_CHART_PROXY_LIMITS.cpuMillis,
      memoryRequestMiB: ISTIO_CHART_PROXY_REQUESTS.memoryMiB,
      memoryLimitMiB: ISTIO_CHART_PROXY_LIMITS.memoryMiB,
      basis: 'Istio chart defaults: no throughput declared, so no model could be applied',
    };
  }
  const cpuRequestMillis = Math.max(ISTIO_CHART_PROXY_REQUESTS.cpuMillis, Math.ceil(model.cpuMillisPer1000Rps * (rpsPerPod / 1000) * headroom));
  const memoryRequestMiB = Math.max(ISTIO_CHART_PROXY_REQUESTS.memoryMiB, Math.ceil(model.memoryMiBPer1000Rps * (rpsPerPod / 1000) * headroom));
  return {
    cpuRequestMillis,
    cpuLimitMillis: Math.ceil(cpuRequestMillis * limitRatio),
    memoryRequestMiB,
    memoryLimitMiB: Math.ceil(memoryRequestMiB * limitRatio),
    basis: `${model.source}; ${rpsPerPod} req/s per pod at peak, headroom ${headroom}, limit ${limitRatio}× request, floor at the chart defaults`,
  };
}

/** A CPU quantity in Kubernetes form: "150m". */
export function cpuQuantity(millis: number): string {
  return `${millis}m`;
}

/** A memory quantity in Kubernetes form: "128Mi". */
export function memoryQuantity(mebibytes: number): string {
  return `${mebibytes}Mi`;
}
