import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Every Istio CRD schema error and unknown field of the manifests.
 * `@kubernetes-models/istio` is ESM only, which jest's CommonJS runtime cannot
 * load, so the check runs in a Node process of its own.
 */
export function istioSchemaErrors(manifests: object[]): string[] {
  const output = execFileSync(process.execPath, [path.join(__dirname, 'istio-schema.mjs')], { input: JSON.stringify(manifests), encoding: 'utf8' });
  return JSON.parse(output) as string[];
}
