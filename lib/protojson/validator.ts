/**
 * A validator of the proto3 JSON mapping (protobuf.dev/programming-guides/proto3/#json)
 * against a {@link ProtoSchema}, with the protoc-gen-validate rules and the
 * JSON forms of the well-known types. It knows nothing of Envoy: the Envoy
 * rules live beside the Envoy code and join the walk as message hooks.
 * @internal
 */
import { FieldInfo, MessageInfo, ProtoSchema, ValidateRules, isPlainObject } from './schema';

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const WRAPPER_SCALARS: Readonly<Record<string, string>> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};
const DURATION = /^-?\d+(\.\d{1,9})?s$/;

/** What kind of problem an issue is. */
export type ProtoJsonIssueKind = 'unknown-field' | 'wrong-type' | 'unknown-enum' | 'unresolved-type' | 'oneof' | 'required' | 'constraint' | 'deprecated';

/** One problem found in a value. */
export interface ProtoJsonIssue<K extends string = ProtoJsonIssueKind> {
  /** Field path, such as `static_resources.clusters[0].lb_policy`. */
  readonly path: string;
  readonly kind: K;
  readonly message: string;
}

/**
 * A check of one message type beyond its schema, given each value of that
 * type met in the walk with its path: rules a program enforces in code, or
 * references to collect and resolve after the walk. What it reports joins
 * the issues in walk order, with a kind of the caller's.
 */
export type MessageHook<K extends string = string> = (value: Record<string, unknown>, path: string, report: (path: string, kind: K, message: string) => void) => void;

/**
 * Validates `value` as the proto3 JSON mapping of `messageType` (original
 * snake_case field names or lowerCamelCase JSON names) and returns every issue
 * found, each with its full field path: unknown fields (with a suggestion),
 * wrong types, unknown enum values, `Any` values whose `@type` does not
 * resolve, several members of one oneof, missing required fields and other
 * protoc-gen-validate rules, and deprecated fields. `hooks` run on every
 * value of their message type.
 */
export function validateProtoJson<K extends string = never>(schema: ProtoSchema, messageType: string, value: unknown,
  hooks: Readonly<Record<string, MessageHook<K>>> = {}): Array<ProtoJsonIssue<ProtoJsonIssueKind | K>> {
  const message = schema.message(messageType);
  if (!message) throw new Error(`unknown message type ${messageType}`);
  const walker = new Walker<K>(schema, hooks);
  walker.message(message, value, '');
  return walker.issues;
}

class Walker<K extends string> {
  public readonly issues: Array<ProtoJsonIssue<ProtoJsonIssueKind | K>> = [];

  constructor(private readonly schema: ProtoSchema, private readonly hooks: Readonly<Record<string, MessageHook<K>>>) {}

  private report(p: string, kind: ProtoJsonIssueKind | K, message: string): void {
    this.issues.push({ path: p || '(root)', kind, message });
  }

  /** Validates `value` as message `info`. */
  public message(info: MessageInfo, value: unknown, p: string): void {
    if (this.wellKnown(info.fullName, value, p)) return;
    if (!isPlainObject(value)) {
      this.report(p, 'wrong-type', `expected an object (${info.fullName}), got ${describe(value)}`);
      return;
    }
    const plan = planOf(info);
    const present = new Set<string>();
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const child = asJson(value[key], key);
      const childPath = p ? `${p}.${key}` : key;
      const field = info.fields.get(key);
      if (!field) {
        this.report(childPath, 'unknown-field', `unknown field "${key}" in ${info.fullName}${suggestion(key, info)}`);
        continue;
      }
      if (child === null || child === undefined) continue;
      present.add(field.name);
      if (field.deprecated) this.report(childPath, 'deprecated', `"${field.name}" is deprecated in ${info.fullName}`);
      this.field(field, child, childPath);
    }
    for (const oneof of info.oneofs) {
      let set = 0;
      for (const m of oneof.members) if (present.has(m)) set++;
      if (set > 1) this.report(p, 'oneof', `only one of ${oneof.members.join(', ')} may be set (oneof ${oneof.name}); found ${oneof.members.filter((m) => present.has(m)).join(', ')}`);
      if (set === 0 && oneof.required) this.report(p, 'required', `one of ${oneof.members.join(', ')} is required (oneof ${oneof.name})`);
    }
    for (const { field, rules, required } of plan.ruled) {
      const fieldPath = p ? `${p}.${field.name}` : field.name;
      if (present.has(field.name)) {
        this.rules(rules, asJson(value[field.name], field.name) ?? asJson(value[field.jsonName], field.jsonName), fieldPath, field);
      } else if (field.oneof) {
        continue; // rules of a oneof member apply only when it is the member set
      } else if (required) {
        this.report(fieldPath, 'required', `"${field.name}" is required in ${info.fullName}`);
      } else if (!field.optional && (field.repeated || field.map || field.scalar !== undefined)) {
        // protoc-gen-validate checks proto3 scalars and lists even when unset (default value).
        this.rules(rules, defaultValue(field), fieldPath, field);
      }
    }
    this.hooks[info.fullName]?.(value, p, (at, kind, message) => this.report(at, kind, message));
  }

  private field(field: FieldInfo, value: unknown, p: string): void {
    if (field.map) {
      if (!isPlainObject(value)) {
        this.report(p, 'wrong-type', `expected a map (object), got ${describe(value)}`);
        return;
      }
      for (const key of Object.keys(value)) {
        const item = asJson(value[key], key);
        if (item === undefined) continue; // JSON.stringify leaves the entry out
        if (field.keyType && field.keyType !== 'string' && field.keyType !== 'bool' && !/^-?\d+$/.test(key)) {
          this.report(`${p}.${key}`, 'wrong-type', `map key must be a ${field.keyType}`);
        }
        this.single(field, item, `${p}.${key}`);
      }
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) {
        this.report(p, 'wrong-type', `expected a list, got ${describe(value)}`);
        return;
      }
      value.forEach((item, i) => this.single(field, asJson(item, String(i)) ?? null, `${p}[${i}]`));
      return;
    }
    this.single(field, value, p);
  }

  private single(field: FieldInfo, value: unknown, p: string): void {
    if (field.messageType) {
      const info = this.schema.message(field.messageType);
      if (info) this.message(info, value, p);
      return;
    }
    if (field.enumValues) {
      const ok = typeof value === 'string' ? field.enumValues.has(value) : Number.isInteger(value) && field.enumNumbers!.has(value as number);
      if (!ok) {
        const names = [...field.enumValues.keys()];
        const near = typeof value === 'string' ? closest(value, names) : undefined;
        this.report(p, 'unknown-enum', `${JSON.stringify(value)} is not one of ${names.join(', ')}${near ? `; did you mean "${near}"?` : ''}`);
      }
      return;
    }
    const error = scalarError(field.scalar!, value);
    if (error) this.report(p, 'wrong-type', error);
  }

  /** JSON forms of well-known types; true when `fullName` is one (and was checked). */
  private wellKnown(fullName: string, value: unknown, p: string): boolean {
    const scalar = WRAPPER_SCALARS[fullName];
    if (scalar) {
      const error = scalarError(scalar, value);
      if (error) this.report(p, 'wrong-type', error);
      return true;
    }
    switch (fullName) {
      case 'google.protobuf.Any':
        this.any(value, p);
        return true;
      case 'google.protobuf.Duration':
        if (typeof value !== 'string' || !DURATION.test(value)) this.report(p, 'wrong-type', `expected a duration such as "1.5s", got ${describe(value)}`);
        return true;
      case 'google.protobuf.Timestamp':
      case 'google.protobuf.FieldMask':
        if (typeof value !== 'string') this.report(p, 'wrong-type', `expected a string, got ${describe(value)}`);
        return true;
      case 'google.protobuf.Struct':
        if (!isPlainObject(value)) this.report(p, 'wrong-type', `expected an object, got ${describe(value)}`);
        return true;
      case 'google.protobuf.ListValue':
        if (!Array.isArray(value)) this.report(p, 'wrong-type', `expected a list, got ${describe(value)}`);
        return true;
      case 'google.protobuf.Value':
        return true;
      case 'google.protobuf.Empty':
        if (!isPlainObject(value) || Object.keys(value).length > 0) this.report(p, 'wrong-type', 'expected an empty object');
        return true;
      default:
        return false;
    }
  }

  private any(value: unknown, p: string): void {
    if (!isPlainObject(value)) {
      this.report(p, 'wrong-type', `expected an object with "@type", got ${describe(value)}`);
      return;
    }
    const url = value['@type'];
    if (typeof url !== 'string' || !url.includes('/')) {
      this.report(`${p}.@type`, 'required', '"@type" (type.googleapis.com/<message>) is required in an Any');
      return;
    }
    const typeName = url.slice(url.lastIndexOf('/') + 1);
    const info = this.schema.message(typeName);
    if (!info) {
      this.report(`${p}.@type`, 'unresolved-type', `"${url}" does not name a message of the schema`);
      return;
    }
    const { ['@type']: _type, ...inner } = value;
    const special = typeName.startsWith('google.protobuf.') && !['google.protobuf.Struct', 'google.protobuf.Empty'].includes(typeName);
    this.message(info, special ? inner.value : inner, p);
  }

  /** protoc-gen-validate rules of one field, for a present value (or the default of an unset scalar). */
  private rules(rules: ValidateRules, value: unknown, p: string, field: FieldInfo): void {
    if (field.repeated && !field.map && Array.isArray(value)) {
      const list = rules.repeated as ValidateRules | undefined;
      if (list) {
        if (typeof list.min_items === 'number' && value.length < list.min_items) this.report(p, 'constraint', `needs at least ${list.min_items} item(s), has ${value.length}`);
        if (typeof list.max_items === 'number' && value.length > list.max_items) this.report(p, 'constraint', `takes at most ${list.max_items} item(s), has ${value.length}`);
        const items = list.items as ValidateRules | undefined;
        if (items) value.forEach((item, i) => this.valueRules(items, item, `${p}[${i}]`));
      }
      return;
    }
    if (field.map && isPlainObject(value)) {
      const map = rules.map as ValidateRules | undefined;
      if (map && typeof map.min_pairs === 'number' && Object.keys(value).length < map.min_pairs) {
        this.report(p, 'constraint', `needs at least ${map.min_pairs} entr(ies)`);
      }
      return;
    }
    this.valueRules(rules, value, p);
  }

  private valueRules(rules: ValidateRules, value: unknown, p: string): void {
    for (const kind in rules) {
      const rule = rules[kind];
      if (!isPlainObject(rule)) continue;
      if (kind === 'string' && typeof value === 'string') {
        const bytes = Buffer.byteLength(value);
        const characters = codePoints(value);
        if (typeof rule.min_len === 'number' && characters < rule.min_len) this.report(p, 'constraint', value === '' ? 'must not be empty' : `must be at least ${rule.min_len} characters`);
        if (typeof rule.max_len === 'number' && characters > rule.max_len) this.report(p, 'constraint', `must be at most ${rule.max_len} characters`);
        if (typeof rule.min_bytes === 'number' && bytes < rule.min_bytes) this.report(p, 'constraint', value === '' ? 'must not be empty' : `must be at least ${rule.min_bytes} bytes`);
        if (typeof rule.max_bytes === 'number' && bytes > rule.max_bytes) this.report(p, 'constraint', `must be at most ${rule.max_bytes} bytes`);
      } else if (kind === 'duration' && typeof value === 'string' && DURATION.test(value)) {
        this.bounds(rule, Number(value.slice(0, -1)), p, (r) => durationSeconds(r), 's');
      } else if (NUMERIC_RULES.has(kind) && (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))) {
        this.bounds(rule, Number(value), p, (r) => Number(r), '');
      }
    }
  }

  private bounds(rule: ValidateRules, actual: number, p: string, toNumber: (r: unknown) => number, unit: string): void {
    for (const [key, words] of BOUNDS) {
      if (rule[key] === undefined) continue;
      const limit = toNumber(rule[key]);
      const ok = key === 'gt' ? actual > limit : key === 'gte' ? actual >= limit : key === 'lt' ? actual < limit : actual <= limit;
      if (!ok) this.report(p, 'constraint', `must be ${words} ${limit}${unit}, is ${actual}${unit}`);
    }
  }
}

/** protoc-gen-validate's numeric and duration bounds, with their words. */
const BOUNDS: ReadonlyArray<readonly ['gt' | 'gte' | 'lt' | 'lte', string]> = [['gt', 'greater than'], ['gte', 'at least'], ['lt', 'less than'], ['lte', 'at most']];

/** What the walk needs of a message beyond its fields, worked out once per message. */
interface MessagePlan {
  /** Each field with protoc-gen-validate rules, once (the fields map names it by field and JSON name). */
  readonly ruled: ReadonlyArray<{ readonly field: FieldInfo; readonly rules: ValidateRules; readonly required: boolean }>;
}

const plans = new WeakMap<MessageInfo, MessagePlan>();

function planOf(info: MessageInfo): MessagePlan {
  let plan = plans.get(info);
  if (!plan) {
    const ruled = [...new Set(info.fields.values())].flatMap((field) => (field.rules ? [{ field, rules: field.rules, required: isRequired(field.rules) }] : []));
    plan = { ruled };
    plans.set(info, plan);
  }
  return plan;
}

/** The number of Unicode code points (protoc-gen-validate's `min_len`/`max_len` count characters, not UTF-16 units). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * A value as its JSON text reads back (`JSON.parse(JSON.stringify(v))`, one
 * level): what has a `toJSON` is what that returns, a number that is not
 * finite is null, and what JSON cannot write (undefined, a function, a
 * symbol) is undefined: left out of an object, null in a list. So the walk
 * may read a value in memory and find what it would find in its text.
 */
function asJson(value: unknown, key: string): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(key: string): unknown }).toJSON(key);
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

const NUMERIC_RULES = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

function isRequired(rules: ValidateRules): boolean {
  return Object.values(rules).some((r) => isPlainObject(r) && r.required === true);
}

function defaultValue(field: FieldInfo): unknown {
  if (field.repeated) return [];
  if (field.map) return {};
  if (field.scalar === 'string' || field.scalar === 'bytes') return '';
  if (field.scalar === 'bool') return false;
  return 0;
}

function durationSeconds(rule: unknown): number {
  if (!isPlainObject(rule)) return 0;
  return Number(rule.seconds ?? 0) + Number(rule.nanos ?? 0) / 1e9;
}

function scalarError(type: string, value: unknown): string | undefined {
  if (type === 'string' || type === 'bytes') return typeof value === 'string' ? undefined : `expected a string, got ${describe(value)}`;
  if (type === 'bool') return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
  if (type === 'double' || type === 'float') {
    return typeof value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(value as string) ? undefined : `expected a number, got ${describe(value)}`;
  }
  if (INT64.has(type)) {
    const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!ok) return `expected an integer (${type}), got ${describe(value)}`;
    return type.startsWith('u') || type.startsWith('fixed') ? (Number(value) < 0 ? `expected a non-negative integer (${type}), got ${describe(value)}` : undefined) : undefined;
  }
  if (INT32.has(type) || UINT32.has(type)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer (${type}), got ${describe(value)}`;
    const [min, max] = UINT32.has(type) ? [0, 4294967295] : [-2147483648, 2147483647];
    return value < min || value > max ? `${value} is out of range for ${type}` : undefined;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function suggestion(key: string, info: MessageInfo): string {
  const names = [...new Set([...info.fields.values()].map((f) => f.name))];
  const near = closest(key, names);
  return near ? `; did you mean "${near}"?` : '';
}

/** The candidate nearest to `word` by edit distance, if near enough to be a typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
