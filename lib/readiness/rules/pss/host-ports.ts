import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/** Host ports (pod-security-admission policy/check_hostPorts.go, policy 1.0). */
export const hostPorts: PodSecurityControl = {
  id: 'OBS-PSS-HOST-PORTS',
  level: PodSecurityLevel.BASELINE,
  title: 'host ports',
  explanation: 'A host port binds the pod to a port of its node: it bypasses network policy, and two such pods cannot share a node.',
  fix: 'Leave ports[].hostPort unset (or 0); reach the pod through a Service.',
  revisions: [{
    since: 0,
    check: (pod) => perContainer(pod, (c) => {
      const bound = ((c.ports ?? []) as Manifest[]).filter((p) => p?.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0).map((p) => p.hostPort);
      return bound.length > 0 ? `binds host port(s) ${bound.join(', ')}` : undefined;
    }),
  }],
};
