/**
 * Runbook URLs from a template: one URL per signal and service, written by a
 * user in any language as a string (jsii carries no callbacks).
 */

/** The placeholders a runbook URL template may hold. */
const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = new Set(['signal', 'service']);

/** What `{service}` stands for in an alert about no single service (the mesh, the control plane). */
export const RUNBOOK_NO_SERVICE = 'mesh';

/**
 * A runbook URL from its template: `{signal}` is the alert's signal
 * (`error-rate`, `latency-p99`, ...), `{service}` the service's name, or
 * `mesh` for an alert about no single service.
 */
export function runbookUrl(template: string, signal: string, service?: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name === 'signal' ? signal : name === 'service' ? service ?? RUNBOOK_NO_SERVICE : whole));
}

/** Why a runbook URL template is unusable, or undefined: an http(s) URL whose placeholders are `{signal}` and `{service}`. */
export function runbookTemplateError(template: string): string | undefined {
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => !KNOWN.has(p.slice(1, -1)));
  if (unknown.length > 0) return `has placeholders other than {signal} and {service}: ${unknown.join(', ')}`;
  if (!/^https?:\/\/\S+$/.test(runbookUrl(template, 'signal', 'service'))) return 'must be an http(s) URL';
  return undefined;
}
