import { PodSecurityLevel } from '../../rule';
import { isWindows, perContainer, PodSecurityControl } from './policy';

/** The one capability a restricted container may add. */
const RESTRICTED_ADD = 'NET_BIND_SERVICE';

/**
 * Capabilities, restricted (pod-security-admission
 * policy/check_capabilities_restricted.go: from policy 1.22; Windows pods
 * exempt from 1.25). Replaces the baseline capabilities control.
 */
export const capabilitiesRestricted: PodSecurityControl = {
  id: 'OBS-PSS-CAPABILITIES-RESTRICTED',
  level: PodSecurityLevel.RESTRICTED,
  title: 'capabilities (drop ALL)',
  explanation: 'A restricted container drops every capability and adds back at most NET_BIND_SERVICE, so that a compromised process holds no kernel privilege.',
  fix: 'Set securityContext.capabilities.drop: ["ALL"] on every container (ObservableService does), and add nothing but NET_BIND_SERVICE.',
  overrides: [{ id: 'OBS-PSS-CAPABILITIES', since: 22 }],
  revisions: [22, 25].map((since) => ({
    since,
    check: (pod) => (since >= 25 && isWindows(pod.spec) ? [] : perContainer(pod, (c) => {
      const caps = c.securityContext?.capabilities;
      const problems = [
        ...(((caps?.drop ?? []) as unknown[]).includes('ALL') ? [] : ['does not drop ALL capabilities']),
        ...(((caps?.add ?? []) as unknown[]).filter((a) => a !== RESTRICTED_ADD).map((a) => `adds ${a}`)),
      ];
      return problems.length > 0 ? problems.join(', ') : undefined;
    })),
  })),
};
