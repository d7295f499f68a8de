import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/**
 * The deprecated AppArmor annotation prefix and its allowed values
 * (k8s.io/api core/v1 annotation_key_constants.go:
 * `DeprecatedAppArmorBetaContainerAnnotationKeyPrefix`,
 * `DeprecatedAppArmorBetaProfileRuntimeDefault`, `DeprecatedAppArmorBetaProfileNamePrefix`).
 */
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const FIELD_TYPES = ['RuntimeDefault', 'Localhost'];

function annotationAllowed(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** The `appArmorProfile` field, when set, names the runtime default or a node-local profile. */
function fieldProblem(securityContext: Manifest | undefined): string | undefined {
  const profile = securityContext?.appArmorProfile;
  return profile && !FIELD_TYPES.includes(profile.type) ? `sets appArmorProfile.type ${JSON.stringify(profile.type ?? '')}` : undefined;
}

/**
 * AppArmor (pod-security-admission policy/check_appArmorProfile.go, one
 * revision for every policy version): the annotations, and since the 1.30
 * servers also the `appArmorProfile` fields (AppArmorFields, GA in 1.31).
 */
export const appArmor: PodSecurityControl = {
  id: 'OBS-PSS-APPARMOR',
  level: PodSecurityLevel.BASELINE,
  title: 'AppArmor',
  explanation: 'An unconfined AppArmor profile lifts the runtime\'s default confinement from the container.',
  fix: 'Leave AppArmor unset, or use RuntimeDefault or a Localhost profile (annotation values runtime/default or localhost/<profile>).',
  revisions: [{
    since: 0,
    check: (pod) => {
      const annotations = Object.entries((pod.metadata.annotations ?? {}) as Record<string, unknown>)
        .filter(([key, value]) => key.startsWith(ANNOTATION_PREFIX) && !annotationAllowed(value))
        .map(([key, value]) => `annotation ${key} is ${JSON.stringify(value)}`);
      const podField = fieldProblem(pod.spec.securityContext);
      return [...annotations, ...(podField ? [`the pod ${podField}`] : []), ...perContainer(pod, (c) => fieldProblem(c.securityContext))];
    },
  }],
};
