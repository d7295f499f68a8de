import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/** The handlers a kubelet runs against a host: probes and lifecycle hooks. */
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];

function hosts(handler: Manifest | undefined, where: string): string[] {
  return (['httpGet', 'tcpSocket'] as const).filter((kind) => typeof handler?.[kind]?.host === 'string' && handler[kind].host !== '')
    .map((kind) => `${where}.${kind}.host ${JSON.stringify(handler?.[kind].host)}`);
}

/**
 * Probes and lifecycle hooks against another host (pod-security-admission
 * policy/check_hostProbesAndhostLifecycle.go, from policy 1.34): the kubelet
 * would send requests from the node to any address. exec, grpc and sleep
 * handlers are not concerned.
 */
export const hostProbes: PodSecurityControl = {
  id: 'OBS-PSS-HOST-PROBES',
  level: PodSecurityLevel.BASELINE,
  title: 'probe and lifecycle hosts',
  explanation: 'A probe or lifecycle hook with a host makes the kubelet send requests from the node to that address: a way to reach what only the node can.',
  fix: 'Leave host unset in httpGet and tcpSocket probes and lifecycle hooks: they then reach the pod\'s own IP.',
  revisions: [{
    since: 34,
    check: (pod) => perContainer(pod, (c) => {
      const found = [
        ...PROBES.flatMap((p) => hosts(c[p], p)),
        ...HOOKS.flatMap((h) => hosts(c.lifecycle?.[h], `lifecycle.${h}`)),
      ];
      return found.length > 0 ? `sets ${found.join(', ')}` : undefined;
    }),
  }],
};
