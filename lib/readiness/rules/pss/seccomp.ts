import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl, PodView } from './policy';

/** The seccomp annotations before the fields (k8s.io/api core/v1 annotation_key_constants.go). */
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
/** Profile types a pod may use. */
export const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];

function annotationAllowed(value: unknown): boolean {
  return value === 'runtime/default' || value === 'docker/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

/** Before 1.19: the annotations, when present, name an allowed profile. */
function annotations(pod: PodView): string[] {
  const a = (pod.metadata.annotations ?? {}) as Record<string, unknown>;
  const keys = [POD_ANNOTATION, ...pod.containers.map((c) => `${CONTAINER_ANNOTATION_PREFIX}${c.container.name}`)];
  return keys.filter((k) => k in a && !annotationAllowed(a[k])).map((k) => `annotation ${k} is ${JSON.stringify(a[k])}`);
}

/** The `seccompProfile` field, when set, is RuntimeDefault or Localhost. */
export function seccompFieldProblem(securityContext: Manifest | undefined): string | undefined {
  const profile = securityContext?.seccompProfile;
  return profile && !SECCOMP_TYPES.includes(profile.type) ? `sets seccompProfile.type ${JSON.stringify(profile.type ?? '')}` : undefined;
}

/** From 1.19: the fields, when set, name an allowed profile. */
function fields(pod: PodView): string[] {
  const podProblem = seccompFieldProblem(pod.spec.securityContext);
  return [...(podProblem ? [`the pod ${podProblem}`] : []), ...perContainer(pod, (c) => seccompFieldProblem(c.securityContext))];
}

/** Seccomp, baseline (pod-security-admission policy/check_seccompProfile_baseline.go: annotations until 1.18, fields from 1.19). */
export const seccompBaseline: PodSecurityControl = {
  id: 'OBS-PSS-SECCOMP',
  level: PodSecurityLevel.BASELINE,
  title: 'seccomp',
  explanation: 'An Unconfined seccomp profile lets the container make every system call, including those the runtime default blocks.',
  fix: 'Leave seccompProfile unset, or set RuntimeDefault or Localhost (ObservableService sets RuntimeDefault).',
  revisions: [{ since: 0, check: annotations }, { since: 19, check: fields }],
};
