/**
 * The Pod Security Standards as rules, one per control, following the
 * upstream implementation (github.com/kubernetes/pod-security-admission,
 * `policy/`): each check has versions (the revision with the greatest
 * minimum version at or below the policy version applies; a check whose
 * first version is newer does not run), `restricted` runs its own checks and
 * every baseline check it does not override (policy/registry.go `populate`),
 * and container checks visit init, regular and ephemeral containers
 * (policy/visitor.go).
 */
import { Manifest, ManifestModel, ManifestWorkload, PodContainer, describeContainer } from '../../model';
import { Level, PodSecurityLevel, ResolvedOptions, Rule, Violation } from '../../rule';

/** The pod a check reads: its metadata (annotations), spec, and containers in visiting order. */
export interface PodView {
  readonly metadata: Manifest;
  readonly spec: Manifest;
  readonly containers: readonly PodContainer[];
}

/** One revision of a check: from `since` (the policy minor version), what is wrong with a pod. */
export interface CheckRevision {
  readonly since: number;
  /** The problems found, as sentence fragments naming the field (empty when the pod complies). */
  check(pod: PodView, level: PodSecurityLevel): string[];
}

/** A Pod Security Standards control. */
export interface PodSecurityControl {
  /** The rule id, `OBS-PSS-…`. */
  readonly id: string;
  /** The profile that introduces it. */
  readonly level: PodSecurityLevel;
  /** The control's name on kubernetes.io. */
  readonly title: string;
  readonly explanation: string;
  readonly fix: string;
  /** Revisions in ascending `since`. */
  readonly revisions: readonly CheckRevision[];
  /** A restricted control replaces these baseline controls at the restricted level, from a minor version. */
  readonly overrides?: ReadonlyArray<{ readonly id: string; readonly since: number }>;
}

/** The revision of a control that applies at a policy minor version, if the control exists there. */
export function revisionAt(control: PodSecurityControl, minor: number): CheckRevision | undefined {
  return [...control.revisions].reverse().find((r) => r.since <= minor);
}

/** Whether `spec.os.name` is windows: several restricted controls exempt Windows pods from policy 1.25 on. */
export function isWindows(spec: Manifest): boolean {
  return spec.os?.name === 'windows';
}

/** `hostUsers: false` (a user namespace): policy/helpers.go `relaxPolicyForUserNamespacePod`. */
export function inUserNamespace(spec: Manifest): boolean {
  return spec.hostUsers === false;
}

/** Problems of each container, prefixed with the container: `container "app" is privileged`. */
export function perContainer(pod: PodView, problem: (container: Manifest) => string | undefined): string[] {
  const problems: string[] = [];
  for (const c of pod.containers) {
    const p = problem(c.container);
    if (p !== undefined) problems.push(`${describeContainer(c)} ${p}`);
  }
  return problems;
}

/** The pod a workload runs, as the checks read it: made once per workload for all controls. */
const views = new WeakMap<ManifestWorkload, PodView>();
function podView(w: ManifestWorkload): PodView {
  let view = views.get(w);
  if (!view) {
    const spec: Manifest = w.template.spec ?? {};
    view = { metadata: w.template.metadata ?? {}, spec, containers: w.containers };
    views.set(w, view);
  }
  return view;
}

/**
 * The rules of the controls, which must be all of them: a baseline rule
 * stands down where a restricted control replaces it.
 */
export function podSecurityRules(controls: readonly PodSecurityControl[]): Rule[] {
  return controls.map((control) => ({
    id: control.id,
    level: Level.ERROR,
    title: `Pod Security (${control.level}): ${control.title}`,
    explanation: control.explanation,
    fix: control.fix,
    check: (model: ManifestModel, options: ResolvedOptions): Violation[] => {
      const { level, minor } = options.podSecurity;
      if (control.level === PodSecurityLevel.RESTRICTED && level !== PodSecurityLevel.RESTRICTED) return [];
      const revision = revisionAt(control, minor);
      if (!revision) return [];
      const replaced = level === PodSecurityLevel.RESTRICTED && controls.some((other) => other.level === PodSecurityLevel.RESTRICTED
        && (other.overrides ?? []).some((o) => o.id === control.id && o.since <= minor) && revisionAt(other, minor) !== undefined);
      if (replaced) return [];
      return model.workloads.flatMap((w) => {
        const problems = revision.check(podView(w), level);
        return problems.length > 0 ? [{ resource: w.resource, message: `${problems.join('; ')} (${level} v1.${minor})` }] : [];
      });
    },
  }));
}
