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

/** Options the rules read. */
export interface ReadinessOptions {
  /**
   * Health-check requests per second one pod may receive from active health
   * checks and kubelet probes before OBS-HCL1 warns.
   * @default 1
   */
  readonly healthCheckBudgetRps?: number;
}

/** Default health-check budget per pod. */
export const DEFAULT_HEALTH_CHECK_BUDGET_RPS = 1;

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
  /** A short name. */
  readonly title: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** How to comply. */
  readonly fix: string;
  check(model: ManifestModel, options: Required<ReadinessOptions>): Violation[];
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
}
