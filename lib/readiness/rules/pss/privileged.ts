import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/** Privileged containers (pod-security-admission policy/check_privileged.go, policy 1.0). */
export const privileged: PodSecurityControl = {
  id: 'OBS-PSS-PRIVILEGED',
  level: PodSecurityLevel.BASELINE,
  title: 'privileged containers',
  explanation: 'A privileged container has every capability and every host device: an escape from it owns the node.',
  fix: 'Leave securityContext.privileged unset (or false) on every container, init container and ephemeral container.',
  revisions: [{ since: 0, check: (pod) => perContainer(pod, (c) => (c.securityContext?.privileged === true ? 'is privileged' : undefined)) }],
};
