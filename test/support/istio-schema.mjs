// Validates Istio manifests (a JSON array on stdin) against the Istio CRD
// schemas of @kubernetes-models/istio (ESM only, hence a process of its own),
// rejecting unknown fields; prints a JSON array of error lines.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { schemaErrors } = require('./unknown-fields.cjs');

const manifests = JSON.parse(readFileSync(0, 'utf8'));
const errors = [];
for (const manifest of manifests) {
  let model;
  try {
    model = (await import(`@kubernetes-models/istio/${manifest.apiVersion}`))[manifest.kind];
  } catch {
    model = undefined;
  }
  if (!model) {
    errors.push(`no Istio schema for ${manifest.apiVersion} ${manifest.kind}`);
    continue;
  }
  errors.push(...schemaErrors(model.prototype.validate, manifest));
}
process.stdout.write(JSON.stringify(errors));
