import { ANNOTATION_HEALTH_HEALTHZ, ANNOTATION_HEALTH_READY } from '../../common/annotations';
import { Manifest, ManifestWorkload, PodContainer, describeContainer } from '../model';
import { Level, Rule } from '../rule';

/** What a probe checks, comparable between probes: "http:8080/ready", "grpc:9090/readiness", "tcp:8080". */
export function probeTarget(probe: Manifest | undefined): string | undefined {
  if (!probe) return undefined;
  if (probe.httpGet) return `http:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
  if (probe.grpc) return `grpc:${probe.grpc.port}/${probe.grpc.service ?? ''}`;
  if (probe.tcpSocket) return `tcp:${probe.tcpSocket.port}`;
  if (probe.exec) return `exec:${JSON.stringify(probe.exec.command)}`;
  return undefined;
}

/**
 * The containers the probe rules read: those that run as long as the pod
 * (containers and native sidecars), of pods that do not run to completion
 * (a Job's pods have no readiness to report). Init containers take no probes
 * (Kubernetes rejects them there, core/v1 validation of initContainers).
 */
function probed(w: ManifestWorkload): readonly PodContainer[] {
  return w.batch ? [] : w.longRunning;
}

/** OBS-PRB1: every long-running container has readiness and liveness probes. */
export const probesPresent: Rule = {
  id: 'OBS-PRB1',
  level: Level.ERROR,
  title: 'probes present',
  explanation: 'Without readiness a pod takes traffic before it can serve it; without liveness a hung process is never restarted.',
  fix: 'Give each container and native sidecar a readinessProbe and a livenessProbe (ObservableService probes /ready and /live); Jobs and CronJobs are exempt.',
  check: (model) => model.workloads.flatMap((w) => probed(w).flatMap((c) => {
    const missing = ['readinessProbe', 'livenessProbe'].filter((p) => !c.container[p]);
    return missing.length > 0 ? [{ resource: w.resource, message: `${describeContainer(c)} has no ${missing.join(' and ')}` }] : [];
  })),
};

/** OBS-PRB2: liveness and readiness check different things. */
export const probesDistinct: Rule = {
  id: 'OBS-PRB2',
  level: Level.ERROR,
  title: 'liveness and readiness differ',
  explanation: 'Identical probes restart a pod whenever it is merely not ready: a database blip becomes a restart storm (kube-score: pod-probes-identical).',
  fix: 'Probe liveness on /live (the process only) and readiness on /ready (with dependencies).',
  check: (model) => model.workloads.flatMap((w) => probed(w).flatMap((c) => {
    const live = probeTarget(c.container.livenessProbe);
    return live !== undefined && live === probeTarget(c.container.readinessProbe)
      ? [{ resource: w.resource, message: `${describeContainer(c)} probes ${live} for both liveness and readiness` }]
      : [];
  })),
};

const DEPENDENCY_PATHS = ['/ready', '/healthz', '/readyz', '/health'];

/** OBS-PRB3: liveness does not point at an endpoint that checks dependencies. */
export const livenessWithoutDependencies: Rule = {
  id: 'OBS-PRB3',
  level: Level.ERROR,
  title: 'liveness checks no dependency',
  explanation: 'A liveness probe on /ready or /healthz restarts every healthy pod when a shared dependency blips (kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes).',
  fix: 'Point the liveness probe at /live, which answers as long as the process can serve HTTP.',
  check: (model) => model.workloads.flatMap((w) => {
    const readyAnnotation = w.template.metadata?.annotations?.[ANNOTATION_HEALTH_READY];
    const healthzAnnotation = w.template.metadata?.annotations?.[ANNOTATION_HEALTH_HEALTHZ];
    const forbidden = new Set([...DEPENDENCY_PATHS, readyAnnotation, healthzAnnotation].filter((p): p is string => !!p && p.startsWith('/')));
    return probed(w).flatMap((c) => {
      const path = c.container.livenessProbe?.httpGet?.path;
      return path && forbidden.has(path) ? [{ resource: w.resource, message: `${describeContainer(c)} liveness probe checks ${path}, an endpoint that checks dependencies` }] : [];
    });
  }),
};
