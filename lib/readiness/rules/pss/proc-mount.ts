import { PodSecurityLevel } from '../../rule';
import { inUserNamespace, perContainer, PodSecurityControl, PodView } from './policy';

function unmasked(pod: PodView): string[] {
  return perContainer(pod, (c) => {
    const mount = c.securityContext?.procMount;
    return mount !== undefined && mount !== null && mount !== 'Default' ? `sets procMount ${JSON.stringify(mount)}` : undefined;
  });
}

/**
 * The /proc mount type (pod-security-admission
 * policy/check_procMount_baseline.go: revisions 1.0 and 1.35, where baseline
 * lets a pod in a user namespace (`hostUsers: false`) unmask /proc;
 * policy/check_procMount_restricted.go keeps restricted at the 1.0 rule).
 */
export const procMount: PodSecurityControl = {
  id: 'OBS-PSS-PROC-MOUNT',
  level: PodSecurityLevel.BASELINE,
  title: '/proc mount type',
  explanation: 'An unmasked /proc exposes kernel interfaces the runtime hides from containers.',
  fix: 'Leave procMount unset (or Default); at baseline from 1.35 a pod with hostUsers: false may unmask it.',
  revisions: [
    { since: 0, check: unmasked },
    { since: 35, check: (pod, level) => (level === PodSecurityLevel.BASELINE && inUserNamespace(pod.spec) ? [] : unmasked(pod)) },
  ],
};
