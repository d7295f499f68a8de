/**
 * Two objects of one kind, name and namespace are one object to the API
 * server: applying the manifests, the later silently replaces the earlier.
 * The app is checked for that once per synthesis, over every API object in
 * it (the library's or not), from the first construct of the library built
 * in it on.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { quote } from './errors';
import { constructsUnder, oncePerSynthesis, watchSynthesisCalls } from './synthesis';

/**
 * Kinds without a namespace (`kubectl api-resources --namespaced=false` on
 * Kubernetes 1.33, built-in groups): one name per cluster.
 */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition',
  'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration',
  'RuntimeClass', 'StorageClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment',
]);

/** The apps whose objects are watched. */
const watched = new WeakSet<IConstruct>();

/**
 * The identity of an object as the API server keys it: API group (the
 * version is only a representation of the same stored object), kind,
 * namespace (none for cluster-scoped kinds; `default` when left out) and name.
 */
function identity(o: ApiObject): string {
  const namespace = CLUSTER_SCOPED.has(o.kind) ? '' : o.metadata.namespace ?? 'default';
  return `${o.apiGroup}\u0000${o.kind}\u0000${namespace}\u0000${o.name}`;
}

function describe(o: ApiObject): string {
  return `${o.kind} ${quote(o.name)}${CLUSTER_SCOPED.has(o.kind) ? ' (cluster-scoped)' : ` in namespace ${quote(o.metadata.namespace ?? 'default')}`} (${o.apiVersion})`;
}

/** The collisions among the API objects of `constructs`, one message naming both construct paths for each. */
export function objectCollisions(constructs: readonly IConstruct[]): string[] {
  const first = new Map<string, ApiObject>();
  const problems: string[] = [];
  for (const c of constructs) {
    if (!ApiObject.isApiObject(c)) continue;
    const key = identity(c);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, c);
      continue;
    }
    problems.push(`${earlier.node.path} and ${c.node.path} both write ${describe(c)}: applied together, the second replaces the first. `
      + "Fix: give one of them another name (its 'name' prop, or the construct id it defaults to) or another namespace");
  }
  return problems;
}

/**
 * Checks the whole app holding `scope` for colliding objects when it
 * synthesizes, once per synthesis. Registered once per app, whichever of
 * the library's constructs comes first.
 */
export function watchObjectCollisions(scope: IConstruct): void {
  watchSynthesisCalls(scope);
  const root = scope.node.root;
  if (watched.has(root)) return;
  watched.add(root);
  root.node.addValidation({
    // A session lasts one synthesis call: objects added before the next call are seen.
    validate: () => oncePerSynthesis(root, 'collisions', () => objectCollisions(constructsUnder(root))),
  });
}
