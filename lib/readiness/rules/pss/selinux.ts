import { Manifest } from '../../model';
import { PodSecurityLevel } from '../../rule';
import { perContainer, PodSecurityControl } from './policy';

/** SELinux types a pod may set (pod-security-admission policy/check_seLinuxOptions.go). */
const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
/** 1.31 adds container_engine_t (commit 9833ddf "PSA: allow container_engine_t selinux type"). */
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function problem(options: Manifest | undefined, types: readonly string[]): string | undefined {
  if (!options) return undefined;
  const wrong = [
    ...(types.includes(options.type ?? '') ? [] : [`type ${JSON.stringify(options.type)}`]),
    ...((options.user ?? '') === '' ? [] : [`user ${JSON.stringify(options.user)}`]),
    ...((options.role ?? '') === '' ? [] : [`role ${JSON.stringify(options.role)}`]),
  ];
  return wrong.length > 0 ? `sets seLinuxOptions ${wrong.join(', ')}` : undefined;
}

/** SELinux (pod-security-admission policy/check_seLinuxOptions.go: revisions 1.0 and 1.31). */
export const seLinux: PodSecurityControl = {
  id: 'OBS-PSS-SELINUX',
  level: PodSecurityLevel.BASELINE,
  title: 'SELinux',
  explanation: 'A custom SELinux user or role, or a type outside the container types, escapes the confinement SELinux gives containers.',
  fix: 'Set no SELinux user or role, and a type only among container_t, container_init_t, container_kvm_t (and container_engine_t from 1.31); level is free.',
  revisions: [{ since: 0, types: TYPES_1_0 }, { since: 31, types: TYPES_1_31 }].map(({ since, types }) => ({
    since,
    check: (pod) => {
      const podProblem = problem(pod.spec.securityContext?.seLinuxOptions, types);
      return [...(podProblem ? [`the pod ${podProblem}`] : []), ...perContainer(pod, (c) => problem(c.securityContext?.seLinuxOptions, types))];
    },
  })),
};
