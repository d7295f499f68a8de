import { execFileSync } from 'child_process';
import * as path from 'path';

/** API groups whose CRD schemas `crdSchemaErrors` knows. */
export const CRD_GROUPS = ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'monitoring.coreos.com'];

/** Whether a manifest is a custom resource `crdSchemaErrors` validates. */
export function hasCrdSchema(manifest: { apiVersion?: string }): boolean {
  return CRD_GROUPS.includes(String(manifest.apiVersion).split('/')[0]);
}

/**
 * Every CRD schema error and unknown field of the manifests (Istio and
 * Prometheus Operator resources). The kubernetes-models packages for them are
 * ESM only, which jest's CommonJS runtime cannot load, so the check runs in a
 * Node process of its own.
 */
export function crdSchemaErrors(manifests: object[]): string[] {
  const output = execFileSync(process.execPath, [path.join(__dirname, 'crd-schema.mjs')], { input: JSON.stringify(manifests), encoding: 'utf8' });
  return JSON.parse(output) as string[];
}
