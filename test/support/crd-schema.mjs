// Validates custom resources (a JSON array on stdin) against the CRD schemas
// of the kubernetes-models packages, which are ESM only (hence a process of
// its own), rejecting unknown fields; prints a JSON array of error lines.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { schemaErrors } = require('./unknown-fields.cjs');

/** The models package of each API group. */
const PACKAGES = {
  'networking.istio.io': '@kubernetes-models/istio',
  'security.istio.io': '@kubernetes-models/istio',
  'telemetry.istio.io': '@kubernetes-models/istio',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

const manifests = JSON.parse(readFileSync(0, 'utf8'));
const errors = [];
for (const manifest of manifests) {
  const pkg = PACKAGES[String(manifest.apiVersion).split('/')[0]];
  let model;
  try {
    // The kind's own module, not the API version's index (which loads every kind: 0.5 s for the Prometheus Operator's).
    model = pkg ? (await import(`${pkg}/${manifest.apiVersion}/${manifest.kind}`))[manifest.kind] : undefined;
  } catch {
    model = undefined;
  }
  if (!model) {
    errors.push(`no CRD schema for ${manifest.apiVersion} ${manifest.kind}`);
    continue;
  }
  errors.push(...schemaErrors(model.prototype.validate, manifest));
}
process.stdout.write(JSON.stringify(errors));
