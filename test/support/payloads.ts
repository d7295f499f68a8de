/**
 * The attacker's payloads for the adversarial property tests, and the oracle
 * that tells a safe output from an unsafe one: the structure of the
 * manifests and of every config language embedded in them (Envoy's JSON, the
 * collector's YAML, nginx's config, the Istio proxy config, Datadog widgets,
 * OTEL_RESOURCE_ATTRIBUTES), and the syntax a consumer interprets inside a
 * string (Kubernetes' `$(VAR)` in commands, arguments and variables; Datadog's
 * `{{` templates and `@` handles in messages; Prometheus' `{{` in annotations;
 * the collector's `$` expansions), which must be what it is for a harmless value.
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { Manifest } from './synth';

/** The classes of payload every string prop is tried with. */
export const PAYLOAD_CLASSES = ['newline', 'yaml', 'quotes', 'unicode', 'long', 'proto', 'breakers'] as const;
export type PayloadClass = typeof PAYLOAD_CLASSES[number];

/** A string 100,000 characters long made of `filler` after `base`. */
function long(base: string, filler: string): string {
  return (base + filler.repeat(Math.ceil(100_000 / filler.length))).slice(0, 100_000);
}

/** Payload fragments of each class, mixed into a valid value. */
const FRAGMENTS: Record<Exclude<PayloadClass, 'long' | 'proto'>, readonly string[]> = {
  newline: ['\n', '\r\n', '\r', '\u2028', '\u0085', '\ninjected: true'],
  yaml: [': ', ' #', '\n---\n', '---', '&anchor', '*alias', '{', '}', '[', ']', ', ', '!!str', '|', '>', '%', '@', '? ', '- '],
  quotes: ['"', "'", '\\', '\\"', "\\'", '\\n', '"\'`'],
  unicode: ['\u202e', '\u200b', '\u0000', '\ufeff', '\u2066', '\u00ad', '\u0007', '\u007f', '\u0085', '\u2029', '\ud800', '\ufffe', 'é', '\u{1d518}'],
  breakers: [';', '}', '{', ';}', '${env:HOME}', '${file:/etc/passwd}', '$(HOME)', '$(HEADER_AUTHORIZATION)', '$$', '$', '%REQ(:PATH)%',
    '```', '```mermaid\nflowchart LR', '<script>alert(1)</script>', '"]) --> evil', '{{#is_alert}}@pagerduty-all{{/is_alert}}', '{{ $labels.x }}', '../', '/..', '%00', '*/'],
};
/** Property names of every JavaScript object: as a whole value or a map key. */
const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
/** What a long string is made of: a valid character, path segments, a label-like run. */
const LONG_FILLERS = ['a', '/a', 'a-', '0'];

/** Where a fragment goes in the valid value. */
type Placement = 'replace' | 'append' | 'prepend' | 'middle';

function place(base: string, fragment: string, placement: Placement): string {
  switch (placement) {
    case 'replace': return fragment;
    case 'append': return base + fragment;
    case 'prepend': return fragment + base;
    default: {
      const at = Math.floor(base.length / 2);
      return base.slice(0, at) + fragment + base.slice(at);
    }
  }
}

/** Payloads of a class for a prop whose valid value is `base`. */
export function payload(payloadClass: PayloadClass, base: string): fc.Arbitrary<string> {
  if (payloadClass === 'long') return fc.constantFrom(...LONG_FILLERS).map((filler) => long(base, filler));
  const fragments = payloadClass === 'proto' ? PROTO : FRAGMENTS[payloadClass];
  const placements: Placement[] = payloadClass === 'proto' ? ['replace', 'append'] : ['append', 'middle', 'prepend', 'replace'];
  return fc.tuple(fc.constantFrom(...fragments), fc.constantFrom(...placements)).map(([fragment, where]) => place(base, fragment, where)).filter((v) => v !== base);
}

/**
 * Characters YAML allows in a stream (YAML 1.2, c-printable): any other,
 * written raw, makes `kubectl apply` (go-yaml) refuse the file.
 */
export function unprintableInYaml(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const found = /[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${found.index}` : undefined;
}

/**
 * nginx's config as tokens, as ngx_conf_read_token (src/core/ngx_conf_file.c)
 * reads it: words, quoted strings (a backslash escapes the next character),
 * ';', '{' and '}', comments from a '#' that starts a token. The shape keeps
 * each directive's name and the kind of its arguments.
 */
export function nginxShape(config: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < config.length) {
    const c = config[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < config.length && config[i] !== '\n') i++; continue; }
    if (c === ';' || c === '{' || c === '}') { tokens.push(c); i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < config.length && config[j] !== c) j += config[j] === '\\' ? 2 : 1;
      tokens.push('<string>');
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < config.length && !/[\s;{}]/.test(config[j])) j += config[j] === '\\' ? 2 : 1;
    tokens.push(config.slice(i, j));
    i = j;
  }
  // A directive keeps its name; its arguments are only counted.
  const shape: string[] = [];
  let start = true;
  for (const t of tokens) {
    if (t === ';' || t === '{' || t === '}') { shape.push(t); start = true; continue; }
    shape.push(start ? t : '<arg>');
    start = false;
  }
  return shape;
}

/** Counts of the syntax a consumer interprets inside a string at `path`, for strings the library built. */
function interpreted(path: string, text: string): string | undefined {
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  // Kubernetes expands $(VAR) in a container's command, args and env values; $$( is a literal.
  if (/\.(containers|initContainers)\.\d+\.(command|args)\.\d+$|\.env\.\d+\.value$/.test(path)) return `$(=${count(/(?<!\$)\$\(/g)}`;
  // A Datadog monitor's message: template tags, handles and lines.
  if (/^DatadogMonitor\/.*\.spec\.message$/.test(path)) return `{{=${count(/\{\{/g)} @=${count(/@/g)} lines=${count(/\n/g)}`;
  if (/^Datadog(Monitor|SLO)\/.*\.spec\.(query|.*\.query)$/.test(path)) return `query=${text.replace(/[^{}(),:]/g, '')}`;
  // Prometheus expands {{ }} in annotations and labels; an expression's matchers are quoted.
  if (/^PrometheusRule\/.*\.(annotations|labels)\.[^.]+$/.test(path)) return `{{=${count(/\{\{/g)}`;
  if (/^PrometheusRule\/.*\.(expr)$/.test(path)) return `expr=${text.replace(/[^{}"(),]/g, '')}`;
  // The collector expands ${...} (and reads $$ as $) in every string of its config.
  if (/collector\.yaml/.test(path)) return `$=${count(/\$/g)}`;
  return undefined;
}

/** A string embedded in a manifest that is itself a document: parsed, or undefined. */
function embedded(path: string, text: string, siblings: Record<string, unknown>): unknown {
  if (/\.data\.[^.]+\.json$/.test(path) || /^DatadogDashboard\/.*\.spec\.widgets$/.test(path)) return JSON.parse(text);
  if (/\.data\.[^.]+\.yaml$/.test(path) || /\.annotations\.proxy\.istio\.io\/config$/.test(path)) return parse(text);
  if (/\.data\.nginx\.conf$/.test(path)) return nginxShape(text);
  if (path.endsWith('.value') && siblings.name === 'OTEL_RESOURCE_ATTRIBUTES') return text.split(',').map((pair) => pair.split('=')[0]);
  return undefined;
}

/**
 * The structure of a set of manifests: every key path with its value's type
 * (for a `keyed` prop, its value in a map key written as `<value>`), embedded
 * documents by their own structure, and, in every string but the user's own
 * text (an `owned` prop's whole value: an argument, a variable), the count of
 * what its consumer interprets. A safe value changes none of it.
 */
export function structure(manifests: readonly Manifest[], values: readonly string[], options: { readonly keyed?: boolean; readonly owned?: boolean } = {}): string[] {
  const { keyed = false, owned = false } = options;
  const lines: string[] = [];
  const walk = (node: unknown, path: string, siblings: Record<string, unknown> = {}): void => {
    if (Array.isArray(node)) {
      lines.push(`${path}:array(${node.length})`);
      node.forEach((item, i) => walk(item, `${path}.${i}`));
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>);
      lines.push(`${path}:object(${entries.length})`);
      // Where the prop's value is a map key or in one (a label key, `otlp_grpc/<name>`), it is written as `<value>`.
      const keyOf = (key: string) => (keyed ? values.reduce((k, v) => (v.length > 0 ? k.split(v).join('<value>') : k), key) : key);
      for (const [key, value] of entries) walk(value, `${path}.${keyOf(key)}`, node as Record<string, unknown>);
    } else if (typeof node === 'string') {
      const inner = embedded(path, node, siblings);
      if (inner !== undefined) {
        walk(inner, `${path}(embedded)`);
      } else {
        // A string that is the user's own text in whole (an argument, a variable) may use its consumer's syntax: only what the library builds is judged.
        const syntax = owned && values.includes(node) ? undefined : interpreted(path, node);
        lines.push(`${path}:string${syntax ? ` ${syntax}` : ''}`);
      }
    } else {
      lines.push(`${path}:${typeof node}`);
    }
  };
  manifests.forEach((m, i) => walk(m, `${m.kind}/${i}`));
  return lines;
}

/** The first difference between two structures, for a failure message. */
export function firstDifference(base: readonly string[], other: readonly string[]): string | undefined {
  for (let i = 0; i < Math.max(base.length, other.length); i++) {
    if (base[i] !== other[i]) return `${base[i] ?? '(nothing)'} became ${other[i] ?? '(nothing)'}`;
  }
  return undefined;
}
