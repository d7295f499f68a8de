/**
 * Compiles .proto files into the schema the proto3 JSON validator reads
 * (lib/protojson/schema.ts), with protobufjs. Build and test time only:
 * protobufjs is a devDependency, and the library ships the compiled schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { FieldInfo, MessageInfo, OneofInfo, ProtoSchema, ProtoSchemaJson, ValidateRules, isPlainObject } from '../lib/protojson/schema';

/** The .proto files under `dir`, relative to it, sorted. */
export function protoFilesUnder(dir: string, relative: string = ''): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? protoFilesUnder(dir, child) : entry.name.endsWith('.proto') ? [child] : [];
    });
}

/**
 * Loads `files` (relative to the first of `includeDirs` that has them) and
 * their imports, and describes every message they define. protobufjs builds
 * google/protobuf/{any,duration,struct,...}.proto in; descriptor.proto comes
 * from an include dir (protobufjs ships a copy at its package root).
 *
 * A message with a field of a type none of the files define is left out
 * (Envoy's v2 API files name `envoy.api.v2` types that are no longer
 * shipped); a file that does not parse is an error.
 */
export function describeProtos(includeDirs: readonly string[], files: readonly string[]): MessageInfo[] {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => locate(includeDirs, target) ?? (null as unknown as string);
  for (const file of files) {
    if (!locate(includeDirs, file)) throw new Error(`${file} is in none of ${includeDirs.join(', ')}`);
    try {
      root.loadSync(file, { keepCase: true });
    } catch (e) {
      // loadSync parses the file and its imports, then resolves the whole
      // root; a reference that does not resolve only leaves its message out.
      if (!/^no such type/i.test((e as Error).message)) throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  const messages: MessageInfo[] = [];
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const info = describe(nested);
        if (info) messages.push(info);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return messages.sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
}

/** The schema of `files`, as a schema file holds it. */
export function compileProtoSchema(includeDirs: readonly string[], files: readonly string[], source: string): ProtoSchemaJson {
  return ProtoSchema.toJson(describeProtos(includeDirs, files), source);
}

function locate(includeDirs: readonly string[], relative: string): string | undefined {
  for (const dir of includeDirs) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
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

/** The message as the validator reads it; undefined when the type of one of its fields is not defined. */
function describe(type: protobuf.Type): MessageInfo | undefined {
  try {
    // Each field, not type.resolveAll(): that marks a type resolved before
    // its fields, so after loadSync's failed attempt on the whole root it no
    // longer throws for a field whose type is not defined.
    for (const field of type.fieldsArray) field.resolve();
  } catch {
    return undefined;
  }
  const fields = new Map<string, FieldInfo>();
  const oneofs: OneofInfo[] = type.oneofsArray
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
