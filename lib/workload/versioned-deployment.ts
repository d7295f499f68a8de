/**
 * A Deployment that may carry fields of Kubernetes versions newer than 1.27.
 *
 * cdk8s-plus-27 writes a Deployment through the generated
 * `k8s.KubeDeployment`, whose `toJson()` passes the resolved object through
 * `toJson_KubeDeploymentProps` (cdk8s-plus-27 lib/imports/k8s.js): a mapping
 * that keeps only the fields of the Kubernetes 1.27 API. Anything newer (the
 * pre-stop `sleep` action, Kubernetes 1.30) is dropped silently, even from a
 * JSON patch. This subclass adds such fields after that mapping; the kernel
 * puts it in the place of cdk8s-plus's own object, so the `kplus.Deployment`
 * API (containers, mounts, scheduling, `ApiObject.of(...).addJsonPatch`)
 * works as before.
 * @internal
 */
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/** A field newer than Kubernetes 1.27, added after cdk8s-plus-27's mapping. */
export interface NewerField {
  /** JSON pointer of the field, such as `/spec/template/spec/containers/0/lifecycle/preStop`. */
  readonly path: string;
  /** Its value. */
  readonly value: unknown;
}

/** `k8s.KubeDeployment` with fields its 1.27 mapping would drop added back. */
class VersionedKubeDeployment extends kplus.k8s.KubeDeployment {
  constructor(scope: kplus.Deployment, id: string, props: kplus.k8s.KubeDeploymentProps, private readonly newer: readonly NewerField[]) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    return this.newer.length === 0 ? json : JsonPatch.apply(json, ...this.newer.map((f) => JsonPatch.add(f.path, f.value)));
  }
}

/**
 * Puts a {@link VersionedKubeDeployment} in the place of the object
 * cdk8s-plus made for `deployment`, with the same metadata and the same
 * lazily rendered spec (`Deployment._toKube()`, cdk8s-plus-27's own producer).
 * Only called when there are newer fields to write.
 */
export function writeNewerFields(deployment: kplus.Deployment, metadata: kplus.k8s.KubeDeploymentProps['metadata'], newer: readonly NewerField[]): void {
  if (newer.length === 0) return;
  const original = ApiObject.of(deployment);
  const id = original.node.id;
  deployment.node.tryRemoveChild(id);
  const producer = deployment as unknown as { _toKube(): kplus.k8s.DeploymentSpec };
  const replacement = new VersionedKubeDeployment(deployment, id, { metadata, spec: Lazy.any({ produce: () => producer._toKube() }) }, newer);
  // `apiObject` is cdk8s-plus's handle on the object it writes (metadata, name, autoscaler targets).
  Object.defineProperty(deployment, 'apiObject', { value: replacement, configurable: true });
}
