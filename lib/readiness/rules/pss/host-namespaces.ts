import { PodSecurityLevel } from '../../rule';
import { PodSecurityControl } from './policy';

/** Host namespaces (pod-security-admission policy/check_hostNamespaces.go, policy 1.0). */
export const hostNamespaces: PodSecurityControl = {
  id: 'OBS-PSS-HOST-NAMESPACES',
  level: PodSecurityLevel.BASELINE,
  title: 'host namespaces',
  explanation: 'A pod sharing the node\'s network, process or IPC namespace sees and can reach everything on the node: other pods\' traffic, processes and shared memory.',
  fix: 'Leave hostNetwork, hostPID and hostIPC unset (or false).',
  revisions: [{
    since: 0,
    check: (pod) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod.spec[f] === true).map((f) => `${f}: true`),
  }],
};
