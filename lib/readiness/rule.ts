import { ConfigurationError, PropProblem, quote } from '../common/errors';
import { ManifestModel, Resource } from './model';

/** How serious a finding is. `enforce` fails synth on errors only. */
export enum Level {
  /** Fails synth: the output would not work, or not safely, in production. */
  ERROR = 'error',
  /** Reported: a practice the service should follow, or say why not. */
  WARNING = 'warning',
  /** Reported for information. */
  INFO = 'info',
}

/**
 * A Pod Security Standards profile (kubernetes.io/docs/concepts/security/pod-security-standards):
 * `baseline` prevents known privilege escalations, `restricted` adds the
 * current pod-hardening practices on top.
 */
export enum PodSecurityLevel {
  /** The restricted profile: current pod hardening best practice. */
  RESTRICTED = 'restricted',
  /** The baseline profile: prevents known privilege escalations. */
  BASELINE = 'baseline',
}

/** Options the rules read. */
export interface ReadinessOptions {
  /**
   * Health-check requests per second one pod may receive from active health
   * checks and kubelet probes before OBS-HCL1 warns.
   * @default 1
   */
  readonly healthCheckBudgetRps?: number;
  /**
   * The Pod Security Standards profile every pod is checked against (the
   * `OBS-PSS-` rules); a control of the profile that a pod breaks is an error.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The policy version of the profile, as the namespace label
   * `pod-security.kubernetes.io/enforce-version` takes it: `latest` or
   * `v1.<minor>`. A version newer than the newest implemented evaluates as
   * the newest, as the API server does.
   * @default 'latest' - v1.37
   */
  readonly podSecurityVersion?: string;
}

/** Default health-check budget per pod. */
export const DEFAULT_HEALTH_CHECK_BUDGET_RPS = 1;

/** Shortest accepted suppression reason, in characters (white space at both ends not counted). */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/**
 * The newest Pod Security Standards policy minor version implemented: the
 * newest version directory of the upstream checks (pod-security-admission
 * test/run.go `newestMinorVersionToTest = 37`; policy/check_sysctls.go adds
 * the 1.37 safe sysctls).
 */
export const NEWEST_POD_SECURITY_MINOR = 37;

/** The options with every default filled in, as the rules receive them. */
export interface ResolvedOptions {
  readonly healthCheckBudgetRps: number;
  readonly podSecurity: { readonly level: PodSecurityLevel; readonly minor: number };
  /** The ids of the rules being run, so that a suppression of an unknown rule can be reported. */
  readonly ruleIds: readonly string[];
}

// pod-security-admission api/helpers.go ParseVersion: "latest" or v1.<minor>, no leading zeros.
const POLICY_VERSION = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * Fills in the defaults and checks the options; `where` names the caller in
 * errors (a construct path, or the plugin's place in cdk8s.yaml).
 */
export function resolveOptions(options: ReadinessOptions, ruleIds: readonly string[], where: string): ResolvedOptions {
  const problems: PropProblem[] = [];
  const budget = options.healthCheckBudgetRps ?? DEFAULT_HEALTH_CHECK_BUDGET_RPS;
  if (!(Number.isFinite(budget) && budget > 0)) problems.push({ prop: 'healthCheckBudgetRps', problem: `(${quote(budget)}) must be a positive number`, fix: 'give the health-check requests per second one pod may take, such as 1' });
  const level = options.podSecurity ?? PodSecurityLevel.RESTRICTED;
  if (level !== PodSecurityLevel.RESTRICTED && level !== PodSecurityLevel.BASELINE) problems.push({ prop: 'podSecurity', problem: `(${quote(level)}) is not a Pod Security Standards profile this library checks`, fix: "use 'restricted' or 'baseline'" });
  const version = options.podSecurityVersion ?? 'latest';
  const match = POLICY_VERSION.exec(version);
  if (version !== 'latest' && !match) problems.push({ prop: 'podSecurityVersion', problem: `(${quote(version)}) is not a policy version`, fix: `use 'latest' or 'v1.<minor>', such as 'v1.${NEWEST_POD_SECURITY_MINOR}'` });
  if (problems.length > 0) throw new ConfigurationError(where, problems);
  const minor = match ? Math.min(Number(match[1]), NEWEST_POD_SECURITY_MINOR) : NEWEST_POD_SECURITY_MINOR;
  return { healthCheckBudgetRps: budget, podSecurity: { level, minor }, ruleIds };
}

/** One resource breaking a rule. */
export interface Violation {
  readonly resource: Resource;
  readonly message: string;
  /** A level other than the rule's, when the same rule has a softer and a harder case. */
  readonly level?: Level;
}

/** A production-readiness rule: a small pure function over the manifests. */
export interface Rule {
  /** Stable id, used in reports and suppressions. */
  readonly id: string;
  readonly level: Level;
  /** When the rule also reports at another level, in which case (for the documentation). */
  readonly levelNote?: string;
  /** A short name. */
  readonly title: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** How to comply. */
  readonly fix: string;
  check(model: ManifestModel, options: ResolvedOptions): Violation[];
}

/** A rule's result for one resource. */
export interface Finding {
  /** The rule's id, such as `OBS-IMG1`. */
  readonly ruleId: string;
  /** How serious it is. */
  readonly level: Level;
  /** The rule's short name. */
  readonly title: string;
  /** `Kind/namespace/name`. */
  readonly resource: string;
  /** The object's name. */
  readonly resourceName: string;
  /** The construct path, when the object was built in this process. */
  readonly constructPath?: string;
  /** The manifest file, when the object was read from disk. */
  readonly file?: string;
  /** What is wrong with this object. */
  readonly message: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** How to comply. */
  readonly fix: string;
  /** The written reason, when a suppression covers this finding. */
  readonly suppressedReason?: string;
  /**
   * Where the suppression came from: the construct path that called
   * `ProductionReadiness.suppress`, or the object itself (its construct path,
   * else `Kind/namespace/name`) when only its annotation suppresses the rule.
   */
  readonly suppressedBy?: string;
}
