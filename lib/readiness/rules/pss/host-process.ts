import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/** Windows HostProcess (pod-security-admission policy/check_windowsHostProcess.go, policy 1.0). */
export const hostProcess: PodSecurityControl = {
  id: 'OBS-PSS-HOST-PROCESS',
  level: PodSecurityLevel.BASELINE,
  title: 'Windows HostProcess',
  explanation: 'A Windows HostProcess container runs as a process on the node itself, with the node\'s privileges.',
  fix: 'Leave windowsOptions.hostProcess unset (or false) on the pod and every container.',
  revisions: [{
    since: 0,
    check: (pod) => [
      ...(pod.spec.securityContext?.windowsOptions?.hostProcess === true ? ['the pod sets windowsOptions.hostProcess: true'] : []),
      ...perContainer(pod, (c) => (c.securityContext?.windowsOptions?.hostProcess === true ? 'sets windowsOptions.hostProcess: true' : undefined)),
    ],
  }],
};
