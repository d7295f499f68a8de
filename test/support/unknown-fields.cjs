// Finds fields a kubernetes-models validator does not know.
//
// The validators (ajv, compiled) do not reject unknown fields, but they read
// every field their schema defines. The document is validated through a Proxy
// that records each key read; a key present in the document that was never
// read is not in the schema. Shared by the Kubernetes (CommonJS, in jest) and
// Istio (ESM, in a child process) schema checks.
'use strict';

function tracked(value, reads) {
  if (value === null || typeof value !== 'object') return value;
  if (!reads.has(value)) reads.set(value, new Set());
  return new Proxy(value, {
    get(obj, key, receiver) {
      reads.get(obj).add(key);
      return tracked(Reflect.get(obj, key, receiver), reads);
    },
    has(obj, key) {
      reads.get(obj).add(key);
      return Reflect.has(obj, key);
    },
  });
}

function unknownFields(value, reads, path) {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownFields(item, reads, `${path}/${i}`));
  const read = reads.get(value) || new Set();
  return Object.entries(value).flatMap(([key, child]) =>
    read.has(key) ? unknownFields(child, reads, `${path}/${key}`) : [`${path}/${key}: unknown field "${key}"`]);
}

/**
 * Runs `validate` (a model prototype's validate, which throws on schema
 * errors) on `manifest`; returns schema errors, then unknown fields when the
 * schema passed, as `Kind /path: message` lines.
 */
function schemaErrors(validate, manifest) {
  const reads = new WeakMap();
  let errors = [];
  try {
    validate.call(tracked(manifest, reads));
  } catch (e) {
    errors = e.errors || [{ instancePath: '', keyword: 'error', params: {}, message: String(e) }];
  }
  const kind = manifest.kind;
  if (errors.length > 0) {
    return errors.map((e) => `${kind} ${e.instancePath || '/'}: ${e.message || e.keyword} ${JSON.stringify(e.params)}`);
  }
  return unknownFields(manifest, reads, '').map((e) => `${kind} ${e}`);
}

module.exports = { schemaErrors };
