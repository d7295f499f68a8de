/**
 * Runbook URLs from a template: one URL per signal and service, written by a
 * user in any language as a string (jsii carries no callbacks).
 */
import { quote } from '../common/errors';
import { httpUrlError } from '../common/text';
import { runbookUrlError } from './datadog-text';

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

/** Where the links a template makes are read: Datadog reads an `@` in a message as a notification handle. */
export type RunbookReader = 'datadog' | 'prometheus';

/**
 * Why a runbook link is unusable where it is read, or undefined: an http(s)
 * URL of RFC 3986 characters, without `@` for Datadog (datadog-text.ts).
 */
export function runbookLinkError(url: unknown, reader: RunbookReader): string | undefined {
  return reader === 'datadog' ? runbookUrlError(url) : httpUrlError(url);
}

/**
 * Why a runbook URL template is unusable, or undefined: its placeholders are
 * `{signal}` and `{service}`, and each URL it makes is an http(s) URL of
 * RFC 3986 characters (no space, line break or `{{`, which opens a template
 * in a Datadog message or a Prometheus annotation), without `@` for Datadog.
 * Signals and service names (DNS labels) add no other character, so one
 * URL made from it stands for all.
 */
export function runbookTemplateError(template: unknown, reader: RunbookReader): string | undefined {
  if (typeof template !== 'string') return `(${quote(template)}) must be an http(s) URL template`;
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[0]).filter((p) => !KNOWN.has(p.slice(1, -1)));
  if (unknown.length > 0) return `(${quote(template)}) has placeholders other than {signal} and {service}: ${unknown.join(', ')}`;
  return runbookLinkError(runbookUrl(template, 'signal', 'service'), reader);
}
