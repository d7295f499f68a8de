import { describeContainer } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { isWindows, PodSecurityControl, PodView } from './policy';
import { seccompFieldProblem } from './seccomp';

function required(pod: PodView): string[] {
  const podProblem = seccompFieldProblem(pod.spec.securityContext);
  const podSet = Boolean(pod.spec.securityContext?.seccompProfile) && !podProblem;
  return [...(podProblem ? [`the pod ${podProblem}`] : []), ...pod.containers.flatMap((c) => {
    if (c.container.securityContext?.seccompProfile) {
      const p = seccompFieldProblem(c.container.securityContext);
      return p ? [`${describeContainer(c)} ${p}`] : [];
    }
    return podSet ? [] : [`${describeContainer(c)} has no seccompProfile, on it or the pod`];
  })];
}

/**
 * Seccomp, restricted (pod-security-admission
 * policy/check_seccompProfile_restricted.go: from policy 1.19; Windows pods
 * exempt from 1.25). Replaces the baseline seccomp control.
 */
export const seccompRestricted: PodSecurityControl = {
  id: 'OBS-PSS-SECCOMP-RESTRICTED',
  level: PodSecurityLevel.RESTRICTED,
  title: 'seccomp (required)',
  explanation: 'A restricted pod must run under a seccomp profile: the runtime default blocks the system calls containers have no use for.',
  fix: 'Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, or on every container (ObservableService sets it on the pod).',
  overrides: [{ id: 'OBS-PSS-SECCOMP', since: 19 }],
  revisions: [19, 25].map((since) => ({ since, check: (pod) => (since >= 25 && isWindows(pod.spec) ? [] : required(pod)) })),
};
