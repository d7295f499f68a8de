import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';

/** CPU in millicores, from a cdk8s-plus `Cpu` ("250m" or "0.5"). */
export function cpuMillis(cpu: Cpu): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
}

/** Memory in bytes, from a cdk8s `Size`. */
export function sizeBytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

/**
 * Worker threads for an Envoy (front proxy or sidecar) with this CPU limit:
 * whole cores, at least one. Envoy otherwise starts one worker per CPU of
 * the node, not of the container.
 */
export function proxyConcurrency(cpuLimitMillis: number): number {
  return Math.max(1, Math.ceil(cpuLimitMillis / 1000));
}
