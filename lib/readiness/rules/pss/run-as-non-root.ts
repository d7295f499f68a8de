import { inUserNamespace, PodSecurityControl, PodView } from './policy';
import { describeContainer } from '../../model';
import { PodSecurityLevel } from '../../rule';

function nonRoot(pod: PodView): string[] {
  const podValue = pod.spec.securityContext?.runAsNonRoot;
  const podProblem = podValue === false ? ['the pod sets runAsNonRoot: false'] : [];
  return [...podProblem, ...pod.containers.flatMap((c) => {
    const own = c.container.securityContext?.runAsNonRoot;
    if (own === false) return [`${describeContainer(c)} sets runAsNonRoot: false`];
    return own === undefined || own === null ? (podValue === true ? [] : [`${describeContainer(c)} may run as root (runAsNonRoot is not true on it or the pod)`]) : [];
  })];
}

/**
 * Running as non-root (pod-security-admission policy/check_runAsNonRoot.go:
 * revisions 1.0 and 1.35, from which a pod in a user namespace,
 * `hostUsers: false`, is allowed). A non-zero runAsUser does not satisfy it.
 */
export const runAsNonRoot: PodSecurityControl = {
  id: 'OBS-PSS-RUN-AS-NON-ROOT',
  level: PodSecurityLevel.RESTRICTED,
  title: 'running as non-root',
  explanation: 'Root in a container is root on the node once the container is escaped; runAsNonRoot makes the kubelet refuse to start a container as root.',
  fix: 'Set securityContext.runAsNonRoot: true on the pod (or every container), and set it false nowhere (ObservableService does).',
  revisions: [
    { since: 0, check: nonRoot },
    { since: 35, check: (pod) => (inUserNamespace(pod.spec) ? [] : nonRoot(pod)) },
  ],
};
