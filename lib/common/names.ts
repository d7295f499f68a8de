import { quote } from './errors';

/**
 * Kubernetes name rules, as the API server applies them
 * (k8s.io/apimachinery/pkg/util/validation/validation.go). Each function
 * returns why a value is rejected, or `undefined` when it is accepted.
 */

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What a JavaScript caller's non-string value gets. */
function notText(value: unknown): string {
  return `(${quote(value)}) must be text`;
}

/** Service names (and anything addressed by DNS as `<name>.<ns>.svc`): RFC 1035 label. */
export function dns1035LabelError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  if (value.length > 63) return `is ${value.length} characters long; at most 63 are allowed`;
  if (!DNS1035_LABEL.test(value)) {
    return `(${quote(value)}) is not a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`;
  }
  return undefined;
}

/** Object names (most kinds: ConfigMap, Deployment, custom resources): RFC 1123 subdomain, at most 253 characters. */
export function dns1123SubdomainError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  if (value.length > 253) return `is ${value.length} characters long; at most 253 are allowed`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return `(${quote(value)}) is not a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Namespace names: RFC 1123 label. */
export function dns1123LabelError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  if (value.length > 63) return `is ${value.length} characters long; at most 63 are allowed`;
  if (!DNS1123_LABEL.test(value)) {
    return `(${quote(value)}) is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label and annotation keys: an optional DNS-1123 subdomain prefix and a name. */
export function qualifiedNameError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  const parts = value.split('/');
  if (parts.length > 2) return `(${quote(value)}) has more than one '/'`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `(${quote(value)}) has a prefix that is not a DNS-1123 subdomain`;
    }
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `(${quote(value)}) must have a name part of 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label values: at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends. */
export function labelValueError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  if (value.length > 63) return `is ${value.length} characters long; a label value takes at most 63`;
  if (!LABEL_VALUE.test(value)) {
    return `(${quote(value)}) is not a valid label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * Environment variable names: letters, digits, '_', '-' and '.', not starting
 * with a digit. Kubernetes 1.30 and later accept any printable ASCII but '='
 * (RelaxedEnvironmentVariableValidation); this is the rule every supported
 * version accepts (IsEnvVarName).
 */
export function envVarNameError(value: string): string | undefined {
  if (typeof value !== 'string') return notText(value);
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    return `(${quote(value)}) is not a valid environment variable name: letters, digits, '_', '-' and '.', not starting with a digit`;
  }
  return undefined;
}

/**
 * Keys of a ConfigMap or Secret (IsConfigMapKey, k8s.io/apimachinery
 * pkg/util/validation/validation.go): at most 253 letters, digits, '-', '_'
 * and '.', neither '.' nor '..' nor starting with '..'.
 */
export function secretKeyError(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(value) || value === '.' || value.startsWith('..')) {
    return `(${quote(value)}) is not a key of a Secret: 1 to 253 letters, digits, '-', '_' and '.', not '.' and not starting with '..'`;
  }
  return undefined;
}

/** Secret names: DNS-1123 subdomains, as most object names. */
export function secretNameError(value: unknown): string | undefined {
  return typeof value === 'string' ? dns1123SubdomainError(value) : `(${quote(value)}) is not a Secret name`;
}
