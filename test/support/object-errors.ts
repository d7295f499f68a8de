import { apiServerErrors } from './api-validation';
import { hasCrdSchema } from './crd-schema';
import { datadogCrdErrors } from './datadog-crd';
import { kubernetesSchemaErrors } from './kubernetes-schema';
import { Manifest } from './synth';

/**
 * Why the API server would refuse a manifest: its object rules, and its
 * schema (Kubernetes' OpenAPI, or the Datadog Operator's CRD fields). Istio
 * and Prometheus resources are collected into `crds` for one batch of
 * `crdSchemaErrors`, whose schemas load in a process of their own.
 */
export function objectErrors(m: Manifest, crds: Manifest[]): string[] {
  const errors = apiServerErrors(m);
  if (hasCrdSchema(m)) crds.push(m);
  else if (String(m.apiVersion).startsWith('datadoghq.com/')) errors.push(...datadogCrdErrors(m));
  else errors.push(...kubernetesSchemaErrors(m));
  return errors;
}
