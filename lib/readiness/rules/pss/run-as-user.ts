import { PodSecurityLevel } from '../../rule';
import { inUserNamespace, perContainer, PodSecurityControl, PodView } from './policy';

function notRoot(pod: PodView): string[] {
  return [
    ...(pod.spec.securityContext?.runAsUser === 0 ? ['the pod sets runAsUser: 0'] : []),
    ...perContainer(pod, (c) => (c.securityContext?.runAsUser === 0 ? 'sets runAsUser: 0' : undefined)),
  ];
}

/**
 * Non-root user id (pod-security-admission policy/check_runAsUser.go: from
 * policy 1.23; revision 1.35 allows a pod in a user namespace, `hostUsers: false`).
 */
export const runAsUser: PodSecurityControl = {
  id: 'OBS-PSS-RUN-AS-USER',
  level: PodSecurityLevel.RESTRICTED,
  title: 'non-root user id',
  explanation: 'runAsUser: 0 runs the container as root, whatever the image says.',
  fix: 'Set runAsUser to a non-zero id, or leave it unset (ObservableService uses 65532).',
  revisions: [
    { since: 23, check: notRoot },
    { since: 35, check: (pod) => (inUserNamespace(pod.spec) ? [] : notRoot(pod)) },
  ],
};
