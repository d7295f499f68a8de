/**
 * Rules for user text that reaches manifests, proxy configs, URLs, queries
 * and messages: one-line text, URL paths and http(s) URLs, HTTP header values,
 * values a process receives through execve. Each `...Error` function returns
 * why a value is rejected, or `undefined` when it is accepted.
 * @internal
 */
import { INVISIBLE_CHARACTER, quote } from './errors';

/**
 * Characters kubectl's YAML parser cannot read back as written (go-yaml, which
 * sigs.k8s.io/yaml wraps, yamlh.go: is_printable refuses DEL, C1 controls,
 * surrogates, U+FFFE and U+FFFF; is_break reads NEL, U+2028 and U+2029 as line
 * breaks, which a scalar folds into a space) and that the serializer writes
 * unescaped: in a manifest they make `kubectl apply` fail or change the value.
 */
// eslint-disable-next-line no-control-regex
const YAML_UNWRITABLE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why text cannot be written into a manifest as it is (see YAML_UNWRITABLE), or undefined. */
export function yamlTextError(text: string): string | undefined {
  const found = YAML_UNWRITABLE.exec(text);
  return found ? `(${quote(text)}) contains ${quote(found[0])} at position ${found.index}, which kubectl's YAML parser refuses or reads as a line break` : undefined;
}

/** The first control or invisible character of a text, as an escape for a message, with its position. */
function invisibleAt(text: string): string | undefined {
  const found = INVISIBLE_CHARACTER.exec(text);
  return found ? `${quote(found[0])} at position ${found.index}` : undefined;
}

/**
 * Text written on one line (a title, a purpose, a provider name): a non-empty
 * string without control or invisible characters (no newline, no
 * right-to-left override, no zero-width space), at most `maxLength` characters if given.
 */
export function lineTextError(text: unknown, maxLength = Infinity): string | undefined {
  if (typeof text !== 'string') return `(${quote(text)}) must be text`;
  if (text.trim().length === 0) return 'is empty';
  const invisible = invisibleAt(text);
  if (invisible) return `(${quote(text)}) contains a control or invisible character (${invisible})`;
  if (text.length > maxLength) return `is ${text.length} characters long; at most ${maxLength} are allowed`;
  return yamlTextError(text);
}

/**
 * Text that may span lines (a description): no control or invisible
 * character but the line feed, at most `maxLength` characters if given.
 */
export function multilineTextError(text: unknown, maxLength = Infinity): string | undefined {
  if (typeof text !== 'string') return `(${quote(text)}) must be text`;
  const invisible = invisibleAt(text.replace(/\n/g, ' '));
  if (invisible) return `(${quote(text)}) contains a control or invisible character (${invisible})`;
  if (text.length > maxLength) return `is ${text.length} characters long; at most ${maxLength} are allowed`;
  return yamlTextError(text);
}

/**
 * The characters of a URL path (RFC 3986, section 3.3: segments of pchar,
 * which is unreserved / pct-encoded / sub-delims / ':' / '@', separated by
 * '/'): no space, control character, quote, brace, '?' or '#'.
 */
const URL_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
/** A query (RFC 3986, section 3.4: pchar, '/' and '?'). */
const URL_QUERY = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * A URL path as Envoy matches it, a kubelet probe requests it and a load
 * balancer checks it: starting with '/', URL path characters only (so no
 * whitespace, control character, query or fragment). With `query`, a query
 * may follow the path after '?'.
 */
export function urlPathError(path: unknown, options: { readonly query?: boolean } = {}): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return `(${quote(path)}) must start with '/'`;
  const [pathPart, ...rest] = options.query ? path.split('?') : [path];
  const query = rest.join('?');
  if (!URL_PATH.test(pathPart) || (rest.length > 0 && !URL_QUERY.test(query))) {
    return `(${quote(path)}) must hold URL path characters only (letters, digits, - . _ ~ ! $ & ' ( ) * + , ; = : @ / and %XX escapes; RFC 3986): `
      + `no whitespace, control character, quote, brace${options.query ? '' : ", '?'"} or '#'`;
  }
  return undefined;
}

/** Every character RFC 3986 allows in a URI (section 2: reserved and unreserved characters, and '%' for escapes). */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * An http(s) URL (a runbook, a load test's target): RFC 3986 characters only,
 * so no whitespace, control character, quote or brace (`{{` opens a template
 * in Datadog messages and Prometheus annotations), every '%' an escape, and a host.
 */
export function httpUrlError(url: unknown): string | undefined {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return `(${quote(url)}) must be an http(s) URL`;
  if (!URI_CHARACTERS.test(url) || /%(?![0-9A-Fa-f]{2})/.test(url)) {
    return `(${quote(url)}) must hold URL characters only (RFC 3986): percent-encode spaces, quotes, braces and any other character`;
  }
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `(${quote(url)}) is not a URL`;
  }
  return host.length > 0 ? undefined : `(${quote(url)}) has no host`;
}

/**
 * An HTTP header field value (RFC 9110, section 5.5: visible characters,
 * with spaces and tabs inside but not at either end, no control character):
 * a line break or NUL would end the header, or the request. A `prefix` of a
 * value (`Bearer `) may end with a space.
 */
export function headerValueError(value: unknown, options: { readonly prefix?: boolean } = {}): string | undefined {
  if (typeof value !== 'string') return `(${quote(value)}) must be text`;
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.exec(value);
  if (control) return `(${quote(value)}) contains the control character ${quote(control[0])}, which no header value may hold`;
  if (/^[ \t]/.test(value) || (!options.prefix && /[ \t]$/.test(value))) return `(${quote(value)}) starts or ends with white space, which a header value cannot`;
  return yamlTextError(value);
}

/**
 * A string a process receives as an argument or an environment value: the
 * kernel passes them NUL-terminated (execve(2)), so a NUL would cut it short;
 * and the manifest must carry it (see yamlTextError).
 */
export function processStringError(value: unknown): string | undefined {
  if (typeof value !== 'string') return `(${quote(value)}) must be text`;
  return value.includes('\u0000') ? `(${quote(value)}) contains a NUL character, which ends a string a process receives (execve)` : yamlTextError(value);
}

/**
 * Orders two texts by UTF-16 code units, as `Array.prototype.sort` does by
 * default: the same order on every machine. `localeCompare` follows the
 * process's locale (ICU collation: under `da_DK`, "aa" sorts after "z"), so
 * output sorted with it could differ between a laptop and CI.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
