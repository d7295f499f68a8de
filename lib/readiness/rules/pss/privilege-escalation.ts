import { PodSecurityLevel } from '../../rule';
import { isWindows, perContainer, PodSecurityControl } from './policy';

/**
 * Privilege escalation (pod-security-admission
 * policy/check_allowPrivilegeEscalation.go: from policy 1.8; Windows pods exempt from 1.25).
 */
export const privilegeEscalation: PodSecurityControl = {
  id: 'OBS-PSS-PRIVILEGE-ESCALATION',
  level: PodSecurityLevel.RESTRICTED,
  title: 'privilege escalation',
  explanation: 'Unless allowPrivilegeEscalation is false, a setuid binary in the image can give the process more privileges than it started with.',
  fix: 'Set securityContext.allowPrivilegeEscalation: false on every container (ObservableService does).',
  revisions: [8, 25].map((since) => ({
    since,
    check: (pod) => (since >= 25 && isWindows(pod.spec) ? [] : perContainer(pod, (c) => (c.securityContext?.allowPrivilegeEscalation === false ? undefined : 'does not set allowPrivilegeEscalation: false'))),
  })),
};
