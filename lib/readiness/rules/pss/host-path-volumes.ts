import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { PodSecurityControl } from './policy';

/** HostPath volumes (pod-security-admission policy/check_hostPathVolumes.go, policy 1.0). */
export const hostPathVolumes: PodSecurityControl = {
  id: 'OBS-PSS-HOST-PATH',
  level: PodSecurityLevel.BASELINE,
  title: 'hostPath volumes',
  explanation: 'A hostPath volume exposes the node\'s file system to the pod: a way out of the container, and state tied to one node.',
  fix: 'Use no hostPath volume: a Service or a CSI volume instead (for the Datadog agent, DatadogAgent.clusterService()).',
  revisions: [{
    since: 0,
    check: (pod) => ((pod.spec.volumes ?? []) as Manifest[]).filter((v) => v?.hostPath).map((v) => `volume "${v.name}" is a hostPath (${v.hostPath.path})`),
  }],
};
