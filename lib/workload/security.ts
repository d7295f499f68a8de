import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PropChecker } from '../common/errors';

/**
 * The non-root user and group the container runs as unless told otherwise:
 * 65532 is the `nonroot` user of distroless and Chainguard images.
 */
export const DEFAULT_RUN_AS_ID = 65532;

/** Default size of the writable `/tmp` emptyDir. */
export const DEFAULT_TMP_SIZE = Size.mebibytes(64);

/**
 * The seccomp profile of every pod: the container runtime's default, which
 * the Pod Security Standards "restricted" profile requires
 * (kubernetes.io/docs/concepts/security/pod-security-standards).
 */
export const POD_SECCOMP_PROFILE = { type: 'RuntimeDefault' } as const;

/** Security settings of the container. Every default is the strict one; loosen explicitly. */
export interface SecurityProps {
  /**
   * The user id the container runs as. Must not be 0.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * The group id the container runs as, also the volumes' fsGroup.
   * @default 65532
   */
  readonly runAsGroup?: number;
  /**
   * Whether the root filesystem is read-only. `/tmp` is always writable.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/** Security settings with every default filled in. */
export type ResolvedSecurity = Required<SecurityProps>;

/** Fills in the strict defaults and checks the user ids. */
export function resolveSecurity(checker: PropChecker, security: SecurityProps | undefined): ResolvedSecurity {
  const resolved = {
    runAsUser: security?.runAsUser ?? DEFAULT_RUN_AS_ID,
    runAsGroup: security?.runAsGroup ?? DEFAULT_RUN_AS_ID,
    readOnlyRootFilesystem: security?.readOnlyRootFilesystem ?? true,
  };
  checker.check(Number.isInteger(resolved.runAsUser) && resolved.runAsUser > 0, 'security.runAsUser', `(${resolved.runAsUser}) must be a non-root user id, a whole number above 0`, `use ${DEFAULT_RUN_AS_ID} or the image's own non-root user id`);
  checker.check(Number.isInteger(resolved.runAsGroup) && resolved.runAsGroup >= 0, 'security.runAsGroup', `(${resolved.runAsGroup}) must be a whole number`, `use ${DEFAULT_RUN_AS_ID}`);
  return resolved;
}

/** The pod's security context (cdk8s-plus form): non-root, with the group owning the volumes. */
export function podSecurityContext(security: ResolvedSecurity): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: security.runAsUser, group: security.runAsGroup, fsGroup: security.runAsGroup };
}

/**
 * The container's security context (cdk8s-plus form): non-root, no privilege
 * escalation, not privileged, every capability dropped.
 */
export function containerSecurityContext(security: ResolvedSecurity): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: security.runAsUser,
    group: security.runAsGroup,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    allowPrivilegeEscalation: false,
    privileged: false,
    // cdk8s-plus-27's Capability enum has no ALL; Kubernetes accepts it (core/v1 Capabilities).
    capabilities: { drop: ['ALL' as kplus.Capability] },
  };
}
