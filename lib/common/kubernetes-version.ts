import { IConstruct } from 'constructs';
import { ConfigurationError } from './errors';

/** The construct-context key holding the target version's minor number. */
const CONTEXT_KEY = 'cdk8s-observable:kubernetes-minor';

/** The oldest and newest minor versions the library can target. */
const OLDEST_MINOR = 27;
const NEWEST_MINOR = 36;

/**
 * The Kubernetes version the manifests target. Fields newer than it are
 * refused at construct time with an error naming the version they need;
 * fields it supports are written even where cdk8s-plus-27 (whose API is
 * Kubernetes 1.27's) cannot express them.
 *
 * The default is 1.33: the newest version whose API schema the library's
 * tests validate against with the current `kubernetes-models` (4.5, built
 * from the Kubernetes 1.33 OpenAPI), and a version every major cloud still
 * supported in 2026. Set it once, right after creating the app:
 * `KubernetesVersion.setTarget(app, KubernetesVersion.V1_27)`.
 */
export class KubernetesVersion {
  /** Kubernetes 1.27: cdk8s-plus-27's API. */
  public static readonly V1_27 = new KubernetesVersion(27);
  /** Kubernetes 1.28. */
  public static readonly V1_28 = new KubernetesVersion(28);
  /** Kubernetes 1.29. */
  public static readonly V1_29 = new KubernetesVersion(29);
  /** Kubernetes 1.30: the pre-stop `sleep` action on by default (beta). */
  public static readonly V1_30 = new KubernetesVersion(30);
  /** Kubernetes 1.31. */
  public static readonly V1_31 = new KubernetesVersion(31);
  /** Kubernetes 1.32. */
  public static readonly V1_32 = new KubernetesVersion(32);
  /** Kubernetes 1.33: the default target. */
  public static readonly V1_33 = new KubernetesVersion(33);
  /** Kubernetes 1.34: the pre-stop `sleep` action generally available. */
  public static readonly V1_34 = new KubernetesVersion(34);
  /** Kubernetes 1.35. */
  public static readonly V1_35 = new KubernetesVersion(35);
  /** Kubernetes 1.36. */
  public static readonly V1_36 = new KubernetesVersion(36);

  /** The default target, when none is set. */
  public static readonly DEFAULT = KubernetesVersion.V1_33;

  /** A 1.x version by its minor number, from 27 to 36. */
  public static of(minor: number): KubernetesVersion {
    if (!Number.isInteger(minor) || minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
      throw new ConfigurationError('KubernetesVersion', [{
        prop: 'minor', problem: `(${minor}) is not a Kubernetes version this library targets`, fix: `give a minor version from ${OLDEST_MINOR} to ${NEWEST_MINOR}`,
      }]);
    }
    return new KubernetesVersion(minor);
  }

  /**
   * Sets the target version for everything under `scope` (usually the app).
   * Call it before adding charts: construct context cannot be set once a
   * scope has children.
   */
  public static setTarget(scope: IConstruct, version: KubernetesVersion): void {
    scope.node.setContext(CONTEXT_KEY, version.minor);
  }

  /** The target version of `scope`: the nearest one set on it or an ancestor, else {@link KubernetesVersion.DEFAULT}. */
  public static targetOf(scope: IConstruct): KubernetesVersion {
    const minor = scope.node.tryGetContext(CONTEXT_KEY);
    return minor === undefined ? KubernetesVersion.DEFAULT : KubernetesVersion.of(Number(minor));
  }

  private constructor(
    /** The minor version: 33 for Kubernetes 1.33. */
    public readonly minor: number,
  ) {}

  /** `1.33`. */
  public get name(): string {
    return `1.${this.minor}`;
  }

  /** Whether this version is `other` or newer. */
  public atLeast(other: KubernetesVersion): boolean {
    return this.minor >= other.minor;
  }
}
