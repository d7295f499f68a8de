import { Manifest, containers } from '../model';
import { Level, Rule } from '../rule';

/** A container's effective security setting: the container's own, else the pod's. */
function effective(pod: Manifest, container: Manifest, key: string): unknown {
  return container.securityContext?.[key] ?? pod.securityContext?.[key];
}

/** OBS-SEC1: containers run as non-root, unprivileged, without privilege escalation. */
export const runsAsNonRoot: Rule = {
  id: 'OBS-SEC1',
  level: Level.ERROR,
  title: 'non-root and unprivileged',
  explanation: 'A container escape from a root or privileged container owns the node.',
  fix: 'Set runAsNonRoot: true, allowPrivilegeEscalation: false and no privileged (ObservableService does by default).',
  check: (model) => model.workloads.flatMap((w) => containers(w).flatMap((c) => {
    const pod = w.template.spec ?? {};
    const problems = [
      ...(effective(pod, c, 'runAsNonRoot') === true ? [] : ['may run as root (runAsNonRoot is not true)']),
      ...(c.securityContext?.allowPrivilegeEscalation === false ? [] : ['allows privilege escalation']),
      ...(c.securityContext?.privileged === true ? ['is privileged'] : []),
    ];
    return problems.length > 0 ? [{ resource: w.resource, message: `container "${c.name}" ${problems.join(', ')}` }] : [];
  })),
};

/** OBS-SEC2: the root filesystem is read-only. */
export const readOnlyRoot: Rule = {
  id: 'OBS-SEC2',
  level: Level.WARNING,
  title: 'read-only root filesystem',
  explanation: 'A writable root filesystem lets an intruder persist tools and lets the app write state that disappears with the pod.',
  fix: 'Set readOnlyRootFilesystem: true and mount an emptyDir where the app writes (ObservableService mounts /tmp).',
  check: (model) => model.workloads.flatMap((w) => containers(w)
    .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
    .map((c) => ({ resource: w.resource, message: `container "${c.name}" has a writable root filesystem` }))),
};
