/**
 * Validates manifests against the Kubernetes API's OpenAPI schema, as compiled
 * into the `kubernetes-models` package, and rejects fields the schema does not
 * define (see unknown-fields.cjs).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { schemaErrors } = require('./unknown-fields.cjs') as { schemaErrors(validate: () => void, manifest: object): string[] };

/** The model class of a kind, from `kubernetes-models/<apiVersion>`; its prototype's `validate` runs the schema. */
function loadValidate(apiVersion: string, kind: string): (() => void) | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const model = require(`kubernetes-models/${apiVersion}`)[kind] as { prototype: { validate(): void } } | undefined;
    return model?.prototype.validate;
  } catch {
    return undefined;
  }
}

/** Every schema error and unknown field of one manifest, as `Kind /path: message` lines. */
export function kubernetesSchemaErrors(manifest: { apiVersion?: string; kind?: string }): string[] {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  const validate = loadValidate(apiVersion, kind);
  if (!validate) return [`no Kubernetes schema for ${apiVersion} ${kind}`];
  return schemaErrors(validate, manifest);
}
