import { Manifest, containers } from '../model';
import { Level, Rule, Violation } from '../rule';

/** Kubernetes' default grace period (core/v1 PodSpec.terminationGracePeriodSeconds). */
const DEFAULT_GRACE_PERIOD_SECONDS = 30;

/** Seconds a pre-stop handler waits, when it says (the sleep action; an exec of `sleep N`). */
function preStopSeconds(preStop: Manifest): number | undefined {
  if (typeof preStop.sleep?.seconds === 'number') return preStop.sleep.seconds;
  const command: unknown[] = preStop.exec?.command ?? [];
  const last = command[command.length - 1];
  return command.some((c) => typeof c === 'string' && /(^|\/)sleep$/.test(c)) && /^\d+$/.test(String(last)) ? Number(last) : undefined;
}

/**
 * OBS-SHD1: a workload behind a Service waits before it stops. Its removal
 * from the endpoints reaches kube-proxy, ingresses and load balancers over
 * seconds, while they keep sending to it; without a pre-stop delay the
 * process gets SIGTERM at once and those requests fail
 * (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination).
 */
export const shutdownDelay: Rule = {
  id: 'OBS-SHD1',
  level: Level.WARNING,
  title: 'shutdown delay before SIGTERM',
  explanation: 'When a pod is deleted, kube-proxy, ingresses and load balancers learn of it over seconds and keep sending to it; a pod that stops at once drops those requests on every rollout and node drain.',
  fix: 'Give the container a pre-stop delay (ObservableService does: a 10 s sleep action on Kubernetes 1.30+) and a grace period that covers it plus the application\'s own shutdown.',
  check: (model) => model.workloads.filter((w) => w.services.length > 0 && w.kind !== 'DaemonSet').flatMap((w): Violation[] => {
    const grace: number = w.template.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS;
    return containers(w).flatMap((c): Violation[] => {
      const preStop: Manifest | undefined = c.lifecycle?.preStop;
      if (!preStop) return [{ resource: w.resource, message: `container "${c.name}" has no pre-stop delay: it gets SIGTERM while clients still send to it` }];
      const seconds = preStopSeconds(preStop);
      // The API server rejects a sleep longer than the grace period (core validation, validateSleepAction);
      // an exec sleep that long is killed before it ends.
      return seconds !== undefined && seconds >= grace
        ? [{ resource: w.resource, level: Level.ERROR, message: `container "${c.name}" waits ${seconds}s before stopping, not less than its grace period (${grace}s): no time is left to shut down` }]
        : [];
    });
  }),
};
