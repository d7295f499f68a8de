/**
 * Validates manifests against the Kubernetes API's OpenAPI schema, as compiled
 * into the `kubernetes-models` package, and rejects fields the schema does not
 * define.
 *
 * kubernetes-models' validators do not reject unknown fields. They do read
 * every field the schema defines, so each document is validated through a
 * Proxy that records the keys read: a key present in the document that the
 * validator never read is not in the schema.
 */

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}
/** Returns the schema errors of `data`, an empty list when it is valid. */
type Validator = (data: unknown) => AjvError[];

/** The model class of a kind, from `kubernetes-models/<apiVersion>`; its prototype's `validate` runs the schema. */
function loadValidator(apiVersion: string, kind: string): Validator | undefined {
  let model: { prototype: { validate(this: unknown): void } } | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(`kubernetes-models/${apiVersion}`)[kind];
  } catch {
    return undefined;
  }
  if (!model) return undefined;
  const validate = model.prototype.validate;
  return (data) => {
    try {
      validate.call(data);
      return [];
    } catch (e) {
      return (e as { errors?: AjvError[] }).errors ?? [{ instancePath: '', keyword: 'error', params: {}, message: String(e) }];
    }
  };
}

/** Wraps `value` so that every property read is recorded in `reads`. */
function tracked(value: unknown, reads: WeakMap<object, Set<PropertyKey>>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const target = value as object;
  if (!reads.has(target)) reads.set(target, new Set());
  return new Proxy(target, {
    get(obj, key, receiver) {
      reads.get(obj)!.add(key);
      return tracked(Reflect.get(obj, key, receiver), reads);
    },
    has(obj, key) {
      reads.get(obj)!.add(key);
      return Reflect.has(obj, key);
    },
  });
}

function unknownFields(value: unknown, reads: WeakMap<object, Set<PropertyKey>>, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownFields(item, reads, `${path}/${i}`));
  const read = reads.get(value) ?? new Set();
  return Object.entries(value).flatMap(([key, child]) =>
    read.has(key) ? unknownFields(child, reads, `${path}/${key}`) : [`${path}/${key}: unknown field "${key}"`]);
}

/** Every schema error and unknown field of one manifest, as `path: message` lines. */
export function kubernetesSchemaErrors(manifest: { apiVersion?: string; kind?: string }): string[] {
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  const validate = loadValidator(apiVersion, kind);
  if (!validate) return [`no Kubernetes schema for ${apiVersion} ${kind}`];
  const reads = new WeakMap<object, Set<PropertyKey>>();
  const errors = validate(tracked(manifest, reads));
  const valid = errors.length === 0;
  const schemaErrors = errors.map((e) => `${kind} ${e.instancePath || '/'}: ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  const unknown = valid ? unknownFields(manifest, reads, '').map((e) => `${kind} ${e}`) : [];
  return [...schemaErrors, ...unknown];
}
