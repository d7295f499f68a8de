/**
 * Validates manifests against the Kubernetes API's OpenAPI schema of a given
 * version, as compiled into the `kubernetes-models` packages (4.5.1 is built
 * from Kubernetes 1.33.0; 4.4.2, installed as `kubernetes-models-1-27`, from
 * 1.27.1), and rejects fields the schema does not define (see unknown-fields.cjs),
 * so a field newer than the target version is an error.
 */
import { KubernetesVersion } from '../../lib/common/kubernetes-version';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { schemaErrors } = require('./unknown-fields.cjs') as { schemaErrors(validate: () => void, manifest: object): string[] };

/** The schema package of each Kubernetes version the tests validate against. */
const SCHEMA_PACKAGES: Readonly<Record<number, string>> = { 27: 'kubernetes-models-1-27', 33: 'kubernetes-models' };

/** The exports of a module of a schema package, or undefined when it has none by that name. */
function loadModule(name: string): Record<string, { prototype: { validate(): void } } | undefined> | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch {
    return undefined;
  }
}

/**
 * The model class of a kind, from `<package>/<apiVersion>/<kind>` (the kind's own module: the
 * API version's index loads every kind, 0.15 s for apps/v1 and more in each jest test file), else
 * from the index; its prototype's `validate` runs the schema.
 */
function loadValidate(pkg: string, apiVersion: string, kind: string): (() => void) | undefined {
  const model = loadModule(`${pkg}/${apiVersion}/${kind}`)?.[kind] ?? loadModule(`${pkg}/${apiVersion}`)?.[kind];
  return model?.prototype.validate;
}

/** Every schema error and unknown field of one manifest, as `Kind /path: message` lines. */
export function kubernetesSchemaErrors(manifest: { apiVersion?: string; kind?: string }, version: KubernetesVersion = KubernetesVersion.DEFAULT): string[] {
  const pkg = SCHEMA_PACKAGES[version.minor];
  if (!pkg) throw new Error(`no Kubernetes schema package for ${version.name}; the tests validate against ${Object.keys(SCHEMA_PACKAGES).map((m) => `1.${m}`).join(', ')}`);
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  const validate = loadValidate(pkg, apiVersion, kind);
  if (!validate) return [`no Kubernetes ${version.name} schema for ${apiVersion} ${kind}`];
  return schemaErrors(validate, manifest);
}
