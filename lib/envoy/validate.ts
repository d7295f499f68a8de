/**
 * Validation of an Envoy bootstrap against Envoy's own v3 API: the protobuf
 * definitions shipped in `@grpc/grpc-js-xds` (`deps/envoy-api`, `deps/xds`,
 * `deps/googleapis`, `deps/protoc-gen-validate`), loaded with protobufjs
 * once per process and on demand (an `@type` loads its package's files).
 *
 * The config is read as the proto3 JSON mapping (original snake_case field
 * names or lowerCamelCase JSON names). Reported, each with the full field path:
 * unknown fields (with a suggestion), wrong types, unknown enum values, `Any`
 * values whose `@type` does not resolve (the inner message is then skipped),
 * several members of one oneof, missing required fields and other
 * protoc-gen-validate rules, deprecated fields, cluster names referenced but
 * not defined, and a few rules Envoy enforces in code rather than in the schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';

/** What kind of problem an issue is. */
export type EnvoyConfigIssueKind =
  | 'unknown-field' | 'wrong-type' | 'unknown-enum' | 'unresolved-type' | 'oneof'
  | 'required' | 'constraint' | 'deprecated' | 'undefined-cluster' | 'semantic';

/** One problem in an Envoy config. */
export interface EnvoyConfigIssue {
  /** Field path, such as `static_resources.clusters[0].lb_policy`. */
  readonly path: string;
  readonly kind: EnvoyConfigIssueKind;
  readonly message: string;
}

/** Thrown when a generated config does not validate. */
export class EnvoyConfigError extends Error {
  constructor(public readonly issues: EnvoyConfigIssue[], context: string) {
    super(`${context}: the Envoy config is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'EnvoyConfigError';
  }
}

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

/** Validates a bootstrap (or, with `messageType`, any Envoy message) and returns every issue found. */
export function validateEnvoyConfig(config: unknown, messageType: string = BOOTSTRAP): EnvoyConfigIssue[] {
  const schema = ProtoSchema.instance();
  const message = schema.message(messageType);
  if (!message) throw new Error(`unknown Envoy message type ${messageType}`);
  const walker = new Walker(schema);
  walker.message(message, config, '');
  if (messageType === BOOTSTRAP) walker.checkClusterReferences(config);
  return walker.issues;
}

// ---------------------------------------------------------------------------
// Loading the schema

/** The npm package that ships Envoy's API protos, and its include roots. */
const PROTO_PACKAGE = '@grpc/grpc-js-xds';
const INCLUDE_DIRS = ['deps/envoy-api', 'deps/xds', 'deps/googleapis', 'deps/protoc-gen-validate'];

type ValidateRules = { [key: string]: unknown };

interface FieldInfo {
  readonly name: string;
  readonly jsonName: string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly keyType?: string;
  /** Scalar type name, enum values, or message full name: exactly one is set. */
  readonly scalar?: string;
  readonly enumValues?: ReadonlyMap<string, number>;
  readonly enumNumbers?: ReadonlySet<number>;
  readonly messageType?: string;
  /** The real (not proto3-optional) oneof this field is a member of. */
  readonly oneof?: string;
  /** Proto3 `optional`: has presence, so rules apply only when set. */
  readonly optional: boolean;
  readonly deprecated: boolean;
  readonly rules?: ValidateRules;
}

interface MessageInfo {
  readonly fullName: string;
  readonly fields: ReadonlyMap<string, FieldInfo>;
  readonly oneofs: ReadonlyArray<{ readonly name: string; readonly required: boolean; readonly members: readonly string[] }>;
}

/** protobufjs keeps custom options as a list of `{ "(name)": value }` objects (typed loosely). */
function parsedOptions(reflected: { parsedOptions?: unknown }): Array<Record<string, unknown>> {
  return Array.isArray(reflected.parsedOptions) ? reflected.parsedOptions as Array<Record<string, unknown>> : [];
}

function mergeOptions(parsed: Array<Record<string, unknown>>, key: string): ValidateRules | undefined {
  let merged: ValidateRules | undefined;
  for (const option of parsed) {
    if (key in option) merged = deepMerge(merged ?? {}, option[key] as ValidateRules);
  }
  return merged;
}

function deepMerge(a: ValidateRules, b: ValidateRules): ValidateRules {
  const out: ValidateRules = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as ValidateRules, v) : v;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Envoy's protos, loaded once per process; packages are loaded when first referenced. */
class ProtoSchema {
  private static singleton: ProtoSchema | undefined;

  /** The process-wide schema. */
  public static instance(): ProtoSchema {
    ProtoSchema.singleton ??= new ProtoSchema();
    return ProtoSchema.singleton;
  }

  private readonly root = new protobuf.Root();
  private readonly includeDirs: string[];
  private readonly messages = new Map<string, MessageInfo | undefined>();
  /** `package.TopLevelMessage` → the .proto file (relative to its include dir) that defines it. */
  private fileIndex: Map<string, string> | undefined;

  private constructor() {
    const packageDir = path.dirname(require.resolve(`${PROTO_PACKAGE}/package.json`));
    // google/protobuf/descriptor.proto comes from protobufjs' own copy; the
    // other google/protobuf files are built into protobufjs.
    const protobufjsDir = path.dirname(require.resolve('protobufjs/package.json'));
    this.includeDirs = [...INCLUDE_DIRS.map((d) => path.join(packageDir, d)), protobufjsDir];
    // An import not shipped in the package (opencensus, for one deprecated
    // tracer) is skipped: only the messages that use it stay unresolvable.
    this.root.resolvePath = (_origin, target) => this.locate(target) ?? (null as unknown as string);
    this.load('envoy/config/bootstrap/v3/bootstrap.proto');
  }

  /** The message `fullName`, loading the file that defines it if needed; `undefined` when none does. */
  public message(fullName: string): MessageInfo | undefined {
    if (this.messages.has(fullName)) return this.messages.get(fullName);
    let type = this.lookup(fullName);
    if (!type) {
      const file = this.fileDefining(fullName);
      if (file && this.load(file)) type = this.lookup(fullName);
    }
    let info: MessageInfo | undefined;
    try {
      info = type ? this.describe(type) : undefined;
    } catch {
      info = undefined; // it refers to a type whose proto is not shipped
    }
    this.messages.set(fullName, info);
    return info;
  }

  private lookup(fullName: string): protobuf.Type | undefined {
    const found = this.root.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }

  private locate(relative: string): string | undefined {
    for (const dir of this.includeDirs) {
      const candidate = path.join(dir, relative);
      if (fs.existsSync(candidate)) return candidate;
    }
    return undefined;
  }

  /** Parses a file and its imports; false when a type it refers to is missing. */
  private load(relativeFile: string): boolean {
    try {
      this.root.loadSync(relativeFile, { keepCase: true });
      return true;
    } catch {
      // protobufjs parses every file before resolving references, so the
      // file's other types are still usable; they are resolved one by one in describe().
      return false;
    }
  }

  private fileDefining(fullName: string): string | undefined {
    this.fileIndex ??= this.indexFiles();
    const parts = fullName.split('.');
    for (let i = parts.length; i > 1; i--) {
      const file = this.fileIndex.get(parts.slice(0, i).join('.'));
      if (file) return file;
    }
    return undefined;
  }

  /** Reads the package and top-level messages of every shipped .proto (about 600 files, once). */
  private indexFiles(): Map<string, string> {
    const index = new Map<string, string>();
    for (const dir of this.includeDirs.slice(0, INCLUDE_DIRS.length)) {
      const walk = (relative: string): void => {
        for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
          const child = relative ? `${relative}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            walk(child);
          } else if (entry.name.endsWith('.proto')) {
            const text = fs.readFileSync(path.join(dir, child), 'utf8');
            const pkg = /^package\s+([\w.]+)\s*;/m.exec(text)?.[1];
            if (!pkg) continue;
            for (const match of text.matchAll(/^(?:message|enum)\s+(\w+)/gm)) index.set(`${pkg}.${match[1]}`, child);
          }
        }
      };
      walk('');
    }
    return index;
  }

  private describe(type: protobuf.Type): MessageInfo {
    type.resolveAll();
    const fields = new Map<string, FieldInfo>();
    const oneofs = type.oneofsArray
      .filter((o) => !(o.fieldsArray.length === 1 && o.name === `_${o.fieldsArray[0].name}`))
      .map((o) => ({
        name: o.name,
        required: parsedOptions(o).some((option) => option['(validate.required)'] === true),
        members: o.fieldsArray.map((f) => f.name),
      }));
    const realOneofMember = new Map<string, string>();
    for (const o of oneofs) for (const m of o.members) realOneofMember.set(m, o.name);
    for (const field of type.fieldsArray) {
      const resolved = field.resolvedType;
      const info: FieldInfo = {
        name: field.name,
        jsonName: (field.options?.json_name as string | undefined) ?? field.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()),
        repeated: field.repeated,
        map: field.map,
        keyType: field instanceof protobuf.MapField ? field.keyType : undefined,
        scalar: resolved ? undefined : field.type,
        enumValues: resolved instanceof protobuf.Enum ? new Map(Object.entries(resolved.values)) : undefined,
        enumNumbers: resolved instanceof protobuf.Enum ? new Set(Object.values(resolved.values)) : undefined,
        messageType: resolved instanceof protobuf.Type ? resolved.fullName.replace(/^\./, '') : undefined,
        oneof: realOneofMember.get(field.name),
        optional: field.partOf !== null && !realOneofMember.has(field.name),
        deprecated: field.options?.deprecated === true,
        rules: mergeOptions(parsedOptions(field), '(validate.rules)'),
      };
      fields.set(field.name, info);
      if (info.jsonName !== field.name) fields.set(info.jsonName, info);
    }
    return { fullName: type.fullName.replace(/^\./, ''), fields, oneofs };
  }
}

// ---------------------------------------------------------------------------
// Walking a config

/** Fields that name a cluster, by message type; checked against the defined clusters. */
const CLUSTER_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.route.v3.RouteAction': ['cluster'],
  'envoy.config.route.v3.WeightedCluster.ClusterWeight': ['name'],
  'envoy.config.route.v3.RouteAction.RequestMirrorPolicy': ['cluster'],
  'envoy.config.core.v3.GrpcService.EnvoyGrpc': ['cluster_name'],
  'envoy.config.core.v3.HttpUri': ['cluster'],
  'envoy.config.trace.v3.DatadogConfig': ['collector_cluster'],
  'envoy.config.trace.v3.ZipkinConfig': ['collector_cluster'],
};
/** Map fields whose keys name clusters. */
const CLUSTER_KEY_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  'envoy.extensions.filters.http.health_check.v3.HealthCheck': ['cluster_min_healthy_percentages'],
};

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

class Walker {
  public readonly issues: EnvoyConfigIssue[] = [];
  private readonly clusterRefs: Array<{ name: string; path: string }> = [];

  constructor(private readonly schema: ProtoSchema) {}

  private report(p: string, kind: EnvoyConfigIssueKind, message: string): void {
    this.issues.push({ path: p || '(root)', kind, message });
  }

  /** Validates `value` as message `info`. */
  public message(info: MessageInfo, value: unknown, p: string): void {
    if (this.wellKnown(info.fullName, value, p)) return;
    if (!isPlainObject(value)) {
      this.report(p, 'wrong-type', `expected an object (${info.fullName}), got ${describe(value)}`);
      return;
    }
    const present = new Set<string>();
    for (const [key, child] of Object.entries(value)) {
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
      const set = oneof.members.filter((m) => present.has(m));
      if (set.length > 1) this.report(p, 'oneof', `only one of ${oneof.members.join(', ')} may be set (oneof ${oneof.name}); found ${set.join(', ')}`);
      if (set.length === 0 && oneof.required) this.report(p, 'required', `one of ${oneof.members.join(', ')} is required (oneof ${oneof.name})`);
    }
    for (const field of new Set(info.fields.values())) {
      if (!field.rules) continue;
      const fieldPath = p ? `${p}.${field.name}` : field.name;
      if (present.has(field.name)) {
        this.rules(field.rules, value[field.name] ?? value[field.jsonName], fieldPath, field);
      } else if (field.oneof) {
        continue; // rules of a oneof member apply only when it is the member set
      } else if (isRequired(field.rules)) {
        this.report(fieldPath, 'required', `"${field.name}" is required in ${info.fullName}`);
      } else if (!field.optional && (field.repeated || field.map || field.scalar !== undefined)) {
        // protoc-gen-validate checks proto3 scalars and lists even when unset (default value).
        this.rules(field.rules, defaultValue(field), fieldPath, field);
      }
    }
    const refs = CLUSTER_REFERENCES[info.fullName];
    for (const name of refs ?? []) {
      if (typeof value[name] === 'string') this.clusterRefs.push({ name: value[name] as string, path: p ? `${p}.${name}` : name });
    }
    for (const name of CLUSTER_KEY_REFERENCES[info.fullName] ?? []) {
      const map = value[name];
      if (isPlainObject(map)) for (const key of Object.keys(map)) this.clusterRefs.push({ name: key, path: `${p}.${name}.${key}` });
    }
    SEMANTIC_RULES[info.fullName]?.(value, p, (at, message) => this.report(at, 'semantic', message));
  }

  private field(field: FieldInfo, value: unknown, p: string): void {
    if (field.map) {
      if (!isPlainObject(value)) {
        this.report(p, 'wrong-type', `expected a map (object), got ${describe(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
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
      value.forEach((item, i) => this.single(field, item, `${p}[${i}]`));
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
      this.report(`${p}.@type`, 'unresolved-type', `"${url}" does not name a message of Envoy's API`);
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
    for (const [kind, rule] of Object.entries(rules)) {
      if (!isPlainObject(rule)) continue;
      if (kind === 'string' && typeof value === 'string') {
        const bytes = Buffer.byteLength(value);
        if (typeof rule.min_len === 'number' && [...value].length < rule.min_len) this.report(p, 'constraint', value === '' ? 'must not be empty' : `must be at least ${rule.min_len} characters`);
        if (typeof rule.max_len === 'number' && [...value].length > rule.max_len) this.report(p, 'constraint', `must be at most ${rule.max_len} characters`);
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
    const checks: Array<[string, (limit: number) => boolean, string]> = [
      ['gt', (l) => actual > l, 'greater than'], ['gte', (l) => actual >= l, 'at least'],
      ['lt', (l) => actual < l, 'less than'], ['lte', (l) => actual <= l, 'at most'],
    ];
    for (const [key, ok, words] of checks) {
      if (rule[key] === undefined) continue;
      const limit = toNumber(rule[key]);
      if (!ok(limit)) this.report(p, 'constraint', `must be ${words} ${limit}${unit}, is ${actual}${unit}`);
    }
  }

  /** Every cluster named by a route, tracer or health filter must be defined. */
  public checkClusterReferences(config: unknown): void {
    if (!isPlainObject(config)) return;
    const dynamic = config.dynamic_resources;
    if (isPlainObject(dynamic) && dynamic.cds_config !== undefined) return; // clusters also come from CDS
    const staticResources = config.static_resources;
    const clusters = isPlainObject(staticResources) && Array.isArray(staticResources.clusters) ? staticResources.clusters : [];
    const defined = new Set(clusters.filter(isPlainObject).map((c) => c.name).filter((n): n is string => typeof n === 'string'));
    for (const ref of this.clusterRefs) {
      if (!defined.has(ref.name)) {
        const near = closest(ref.name, [...defined]);
        this.report(ref.path, 'undefined-cluster', `cluster "${ref.name}" is not defined in static_resources.clusters${near ? `; did you mean "${near}"?` : ''}`);
      }
    }
  }
}

const NUMERIC_RULES = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/**
 * Rules Envoy enforces when it builds a filter or cluster, not in the
 * schema; a config breaking them is rejected at start-up or misbehaves.
 */
const SEMANTIC_RULES: Readonly<Record<string, (value: Record<string, unknown>, p: string, report: (path: string, message: string) => void) => void>> = {
  'envoy.extensions.filters.http.health_check.v3.HealthCheck': (value, p, report) => {
    // source/extensions/filters/http/health_check/config.cc
    if (value.pass_through_mode === false && value.cache_time !== undefined) {
      report(`${p}.cache_time`, 'Envoy rejects cache_time when pass_through_mode is false ("cache_time_ms must not be set when path_through_mode is disabled")');
    }
    if (!Array.isArray(value.headers) || value.headers.length === 0) {
      report(`${p}.headers`, 'with no headers every request is treated as a health check; match ":path" exactly');
    }
  },
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager': (value, p, report) => {
    const filters = Array.isArray(value.http_filters) ? value.http_filters : [];
    const last = filters[filters.length - 1];
    if (filters.length > 0 && !(isPlainObject(last) && last.name === 'envoy.filters.http.router')) {
      report(`${p}.http_filters`, 'the router filter must be the last HTTP filter');
    }
  },
  'envoy.config.cluster.v3.Cluster': (value, p, report) => {
    const checks = Array.isArray(value.health_checks) ? value.health_checks : [];
    const http2 = JSON.stringify(value.typed_extension_protocol_options ?? {}).includes('http2_protocol_options');
    checks.forEach((check, i) => {
      if (isPlainObject(check) && check.grpc_health_check !== undefined && !http2) {
        report(`${p}.health_checks[${i}].grpc_health_check`, 'gRPC health checks need an HTTP/2 cluster (typed_extension_protocol_options with http2_protocol_options)');
      }
    });
  },
};

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
  const got = describe(value);
  if (type === 'string' || type === 'bytes') return typeof value === 'string' ? undefined : `expected a string, got ${got}`;
  if (type === 'bool') return typeof value === 'boolean' ? undefined : `expected true or false, got ${got}`;
  if (type === 'double' || type === 'float') {
    return typeof value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(value as string) ? undefined : `expected a number, got ${got}`;
  }
  if (INT64.has(type)) {
    const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!ok) return `expected an integer (${type}), got ${got}`;
    return type.startsWith('u') || type.startsWith('fixed') ? (Number(value) < 0 ? `expected a non-negative integer (${type}), got ${got}` : undefined) : undefined;
  }
  if (INT32.has(type) || UINT32.has(type)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer (${type}), got ${got}`;
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
function closest(word: string, candidates: string[]): string | undefined {
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
