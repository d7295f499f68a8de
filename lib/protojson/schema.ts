/**
 * .proto definitions loaded with protobufjs, described as the proto3 JSON
 * validator reads them: fields with their JSON names, oneofs, enums, and the
 * protoc-gen-validate rules (github.com/bufbuild/protoc-gen-validate,
 * `validate/validate.proto`) from the `(validate.rules)` options.
 * @internal
 */
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';

/** protoc-gen-validate rules of a field, as protobufjs parses the `(validate.rules)` option. */
export type ValidateRules = { [key: string]: unknown };

/** What the validator knows of one field. */
export interface FieldInfo {
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

/** What the validator knows of one message. */
export interface MessageInfo {
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

/** Whether a JSON value is an object (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A set of .proto files, loaded with protobufjs on demand: the entry files at
 * once, any other package when a message of it is first asked for (an `Any`'s
 * `@type`).
 */
export class ProtoSchema {
  private readonly root = new protobuf.Root();
  private readonly includeDirs: string[];
  private readonly searchedDirs: number;
  private readonly messages = new Map<string, MessageInfo | undefined>();
  /** `package.TopLevelMessage` → the .proto file (relative to its include dir) that defines it. */
  private fileIndex: Map<string, string> | undefined;

  /**
   * @param includeDirs the import roots, searched in order; the first
   *   `searchedDirs` of them are indexed to find a message's file
   * @param entryFiles files loaded at once (relative to an include dir)
   */
  constructor(includeDirs: readonly string[], entryFiles: readonly string[], searchedDirs: number = includeDirs.length) {
    this.includeDirs = [...includeDirs];
    this.searchedDirs = searchedDirs;
    // An import not shipped with the files is skipped: only the messages
    // that use it stay unresolvable.
    this.root.resolvePath = (_origin, target) => this.locate(target) ?? (null as unknown as string);
    for (const file of entryFiles) this.load(file);
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

  /** Reads the package and top-level messages of every .proto in the searched dirs (once). */
  private indexFiles(): Map<string, string> {
    const index = new Map<string, string>();
    for (const dir of this.includeDirs.slice(0, this.searchedDirs)) {
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
