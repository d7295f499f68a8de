import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { PodSecurityControl } from './policy';

/**
 * The volume sources a restricted pod may use (pod-security-admission
 * policy/check_restrictedVolumes.go; `image` since the 1.33 servers, commit ca569ec).
 */
const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** Volume types, restricted (pod-security-admission policy/check_restrictedVolumes.go, policy 1.0). Replaces hostPath volumes. */
export const volumeTypes: PodSecurityControl = {
  id: 'OBS-PSS-VOLUME-TYPES',
  level: PodSecurityLevel.RESTRICTED,
  title: 'volume types',
  explanation: 'A restricted pod mounts only volumes the cluster manages (ConfigMaps, Secrets, emptyDir, projected, PVCs, CSI, …), not node paths or network file systems set up by hand.',
  fix: `Use only ${ALLOWED.join(', ')} volumes.`,
  overrides: [{ id: 'OBS-PSS-HOST-PATH', since: 0 }],
  revisions: [{
    since: 0,
    check: (pod) => ((pod.spec.volumes ?? []) as Manifest[]).flatMap((v) => {
      if (ALLOWED.some((k) => v?.[k] !== undefined && v[k] !== null)) return [];
      const kinds = Object.keys(v ?? {}).filter((k) => k !== 'name');
      return [`volume "${v?.name}" is ${kinds.length > 0 ? kinds.join(', ') : 'of no known type'}`];
    }),
  }],
};
