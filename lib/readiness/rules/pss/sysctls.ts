import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { PodSecurityControl } from './policy';

/**
 * The safe sysctls a pod may set, by the policy version that allows them
 * (pod-security-admission policy/check_sysctls.go: revisions 1.0, 1.27, 1.29, 1.32, 1.37).
 */
const SAFE_SYSCTLS: ReadonlyArray<{ readonly since: number; readonly names: readonly string[] }> = [
  { since: 0, names: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'] },
  { since: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  { since: 29, names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { since: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

/** Sysctls (pod-security-admission policy/check_sysctls.go). */
export const sysctls: PodSecurityControl = {
  id: 'OBS-PSS-SYSCTLS',
  level: PodSecurityLevel.BASELINE,
  title: 'sysctls',
  explanation: 'A sysctl outside the namespaced safe set changes the kernel of the whole node, for every pod on it.',
  fix: 'Set only the safe sysctls of the policy version (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, …).',
  revisions: SAFE_SYSCTLS.map(({ since }) => {
    const allowed = new Set(SAFE_SYSCTLS.filter((s) => s.since <= since).flatMap((s) => s.names));
    return {
      since,
      check: (pod) => ((pod.spec.securityContext?.sysctls ?? []) as Manifest[]).filter((s) => !allowed.has(s?.name)).map((s) => `sysctl ${JSON.stringify(s?.name)} is not in the safe set`),
    };
  }),
};
