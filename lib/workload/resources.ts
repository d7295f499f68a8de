import { Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-27';
import { PropChecker } from '../common/errors';
import { cpuMillis, sizeBytes } from '../common/quantities';

/**
 * Default container resources, chosen instead of cdk8s-plus-27's (1000m/512Mi
 * requests, 1500m/2048Mi limits), which reserve a whole core per pod.
 *
 * - CPU request 250m: what the scheduler reserves and the autoscaler's
 *   utilization is measured against; size it from a load test.
 * - CPU limit 1000m: room for start-up bursts (JIT, caches) without letting
 *   one pod starve its node.
 * - Memory request = limit = 256Mi: memory is not compressible; a pod using
 *   more than it requested is the first evicted under node pressure, so the
 *   two are kept equal.
 */
export const DEFAULT_RESOURCES = {
  cpu: { request: Cpu.millis(250), limit: Cpu.millis(1000) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) },
};

/** A resolved CPU request and limit. */
export interface ResolvedCpu {
  /** What the scheduler reserves. */
  readonly request: Cpu;
  /** Where the container is throttled. */
  readonly limit: Cpu;
}

/** A resolved memory request and limit. */
export interface ResolvedMemory {
  /** What the scheduler reserves. */
  readonly request: Size;
  /** Above which the container is killed. */
  readonly limit: Size;
}

/** Resolved resources: every request and limit present. */
export interface ResolvedResources {
  /** The CPU request (what the scheduler reserves) and limit (where the container is throttled). */
  readonly cpu: ResolvedCpu;
  /** The memory request and limit (above which the container is killed). */
  readonly memory: ResolvedMemory;
}

/** Fills in defaults and checks that every request is positive and not above its limit. */
export function resolveResources(checker: PropChecker, resources: ContainerResources | undefined): ResolvedResources {
  const cpu = {
    request: resources?.cpu?.request ?? DEFAULT_RESOURCES.cpu.request,
    limit: resources?.cpu?.limit ?? DEFAULT_RESOURCES.cpu.limit,
  };
  const memory = {
    request: resources?.memory?.request ?? DEFAULT_RESOURCES.memory.request,
    limit: resources?.memory?.limit ?? DEFAULT_RESOURCES.memory.limit,
  };
  const cpuRequest = cpuMillis(cpu.request);
  const cpuLimit = cpuMillis(cpu.limit);
  let ok = checker.check(Number.isInteger(cpuRequest) && cpuRequest >= 1, 'resources.cpu.request', `(${cpu.request.amount}) must be a whole number of millicores, at least 1m`, 'use Cpu.millis(n) with a whole n');
  ok = checker.check(Number.isInteger(cpuLimit) && cpuLimit >= 1, 'resources.cpu.limit', `(${cpu.limit.amount}) must be a whole number of millicores, at least 1m`, 'use Cpu.millis(n) with a whole n') && ok;
  if (ok) {
    checker.check(cpuRequest <= cpuLimit, 'resources.cpu.request', `(${cpu.request.amount}) is above the limit (${cpu.limit.amount}); Kubernetes rejects the pod`, 'lower the request or raise the limit');
  }
  const memRequest = sizeBytes(memory.request);
  const memLimit = sizeBytes(memory.limit);
  ok = checker.check(memRequest > 0, 'resources.memory.request', `(${memory.request.asString()}) must be positive`, 'use Size.mebibytes(n)');
  ok = checker.check(memLimit > 0, 'resources.memory.limit', `(${memory.limit.asString()}) must be positive`, 'use Size.mebibytes(n)') && ok;
  if (ok) {
    checker.check(memRequest <= memLimit, 'resources.memory.request', `(${memory.request.asString()}) is above the limit (${memory.limit.asString()}); Kubernetes rejects the pod`, 'lower the request or raise the limit');
  }
  return { cpu, memory };
}
