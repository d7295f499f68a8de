/**
 * What Datadog takes as tags, notification handles and links in monitor
 * messages; each `...Error` function returns why a value is refused, or
 * `undefined`. A value that does not follow them would be rewritten by
 * Datadog (a tag), notify someone else (a handle) or open a template (`{{`).
 * @internal
 */
import { quote } from '../common/errors';
import { httpUrlError } from '../common/text';

/**
 * A tag (docs.datadoghq.com/getting_started/tagging, "Define tags"): at most
 * 200 characters, starting with a letter, then letters, digits, '_', '-',
 * ':', '.' and '/'. Datadog lower-cases tags and turns other characters into
 * '_', so the tag a query names would not be the one stored: upper case is refused too.
 */
export function datadogTagError(tag: unknown): string | undefined {
  if (typeof tag === 'string' && tag.length <= 200 && /^[a-z][a-z0-9_.:/-]*$/.test(tag)) return undefined;
  return `(${quote(tag)}) is not a Datadog tag: at most 200 lower-case letters, digits, '_', '-', ':', '.' and '/', starting with a letter`;
}

/** The value of a `key:value` tag, such as the `env` of unified service tagging: the tag `<key>:<value>` must be a tag. */
export function datadogTagValueError(key: string, value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0 && datadogTagError(`${key}:${value}`) === undefined) return undefined;
  return `(${quote(value)}) must be a Datadog tag value: lower-case letters, digits, '_', '-', ':', '.' and '/', at most ${200 - key.length - 1} characters`;
}

/**
 * A notification handle in a monitor message: '@' and a Slack channel,
 * PagerDuty service, webhook or team, or an e-mail address (`@jane@example.com`),
 * with no space, brace or line break, which would end the handle or open a template.
 */
export function datadogHandleError(handle: unknown): string | undefined {
  if (typeof handle === 'string' && handle.length <= 200 && /^@[A-Za-z0-9_.+-]+(@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$/.test(handle)) return undefined;
  return `(${quote(handle)}) must be a Datadog handle: '@' and letters, digits, '_', '.', '+' or '-' (or an e-mail address), such as @slack-payments-oncall`;
}

/**
 * A runbook linked from a monitor's message: an http(s) URL of RFC 3986
 * characters (no space, line break or `{{`), without '@', which Datadog would
 * read as a notification handle inside the message.
 */
export function runbookUrlError(url: unknown): string | undefined {
  const problem = httpUrlError(url);
  if (problem) return problem;
  return (url as string).includes('@') ? `(${quote(url)}) contains '@', which a Datadog message reads as a notification handle` : undefined;
}
