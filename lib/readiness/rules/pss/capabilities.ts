import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/**
 * The capabilities a baseline pod may add: the container runtime's default
 * set (pod-security-admission policy/check_capabilities_baseline.go,
 * `capabilities_allowed_1_0`). Compared as written: `chown` or `CAP_CHOWN` is not `CHOWN`.
 */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** Capabilities, baseline (pod-security-admission policy/check_capabilities_baseline.go, policy 1.0). */
export const capabilitiesBaseline: PodSecurityControl = {
  id: 'OBS-PSS-CAPABILITIES',
  level: PodSecurityLevel.BASELINE,
  title: 'capabilities',
  explanation: 'Capabilities beyond the runtime\'s default set (NET_RAW, SYS_ADMIN, …) give a container powers over the node\'s network or kernel.',
  fix: `Add no capability outside ${BASELINE_CAPABILITIES.join(', ')}.`,
  revisions: [{
    since: 0,
    check: (pod) => perContainer(pod, (c) => {
      const extra = ((c.securityContext?.capabilities?.add ?? []) as unknown[]).filter((a) => !BASELINE_CAPABILITIES.includes(String(a)));
      return extra.length > 0 ? `adds ${extra.join(', ')}` : undefined;
    }),
  }],
};
