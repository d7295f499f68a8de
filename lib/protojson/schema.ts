/**
 * What the proto3 JSON validator knows of a set of .proto definitions: each
 * message's fields with their JSON names, oneofs and enums, and the
 * protoc-gen-validate rules (github.com/bufbuild/protoc-gen-validate,
 * `validate/validate.proto`) of their `(validate.rules)` options. A schema is
 * data: tools/proto-schema.ts compiles .proto files into it with protobufjs at
 * build time, so the library parses no .proto file at run time.
 * @internal
 */
import * as fs from 'fs';

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

/** What the validator knows of one oneof. */
export interface OneofInfo {
  readonly name: string;
  readonly required: boolean;
  readonly members: readonly string[];
}

/** What the validator knows of one message. */
export interface MessageInfo {
  readonly fullName: string;
  /** By field name and, where it differs, by JSON name (both keys name the same field). */
  readonly fields: ReadonlyMap<string, FieldInfo>;
  readonly oneofs: readonly OneofInfo[];
}

/** The version of the file format; a schema file of another version is refused. */
const FORMAT = 'cdk8s-observable/proto-schema@1';

/** One field in a schema file: what is false or unset is left out. */
interface FieldJson {
  readonly name: string;
  readonly jsonName: string;
  readonly repeated?: true;
  readonly map?: true;
  readonly keyType?: string;
  readonly scalar?: string;
  /** Enum value names and numbers, in declaration order. */
  readonly enum?: Readonly<Record<string, number>>;
  readonly message?: string;
  readonly oneof?: string;
  readonly optional?: true;
  readonly deprecated?: true;
  readonly rules?: ValidateRules;
}

/** The schema as written to a file: messages by full name (without a leading dot). */
export interface ProtoSchemaJson {
  readonly format: typeof FORMAT;
  /** Where the definitions came from, for a reader of the file. */
  readonly source: string;
  readonly messages: Readonly<Record<string, { readonly fields: readonly FieldJson[]; readonly oneofs: readonly OneofInfo[] }>>;
}

/** Whether a JSON value is an object (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A compiled set of .proto definitions. Each message is built from the file's
 * data when first asked for; a message the definitions do not describe (or
 * describe with a reference they cannot resolve) is `undefined`.
 */
export class ProtoSchema {
  /** The schema in `json`, as {@link ProtoSchema.toJson} wrote it. */
  public static fromJson(json: unknown, origin: string = 'the schema'): ProtoSchema {
    if (!isPlainObject(json) || json.format !== FORMAT || !isPlainObject(json.messages)) {
      throw new Error(`${origin} is not a proto schema of format ${FORMAT}`);
    }
    return new ProtoSchema(json as unknown as ProtoSchemaJson);
  }

  /** The schema in a file written by {@link ProtoSchema.toJson}. */
  public static read(file: string): ProtoSchema {
    return ProtoSchema.fromJson(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  }

  /** The data of `messages`, for a schema file. */
  public static toJson(messages: readonly MessageInfo[], source: string): ProtoSchemaJson {
    const entries = messages.map((m) => [m.fullName, {
      fields: [...new Set(m.fields.values())].map(fieldToJson),
      oneofs: m.oneofs.map((o) => ({ name: o.name, required: o.required, members: [...o.members] })),
    }] as const);
    return { format: FORMAT, source, messages: Object.fromEntries(entries) };
  }

  private readonly built = new Map<string, MessageInfo | undefined>();

  private constructor(private readonly json: ProtoSchemaJson) {}

  /** The full names of the messages described, in file order. */
  public get messageNames(): string[] {
    return Object.keys(this.json.messages);
  }

  /** The message `fullName`; `undefined` when the schema does not describe it. */
  public message(fullName: string): MessageInfo | undefined {
    if (!this.built.has(fullName)) {
      const data = Object.prototype.hasOwnProperty.call(this.json.messages, fullName) ? this.json.messages[fullName] : undefined;
      this.built.set(fullName, data && {
        fullName,
        fields: new Map(data.fields.flatMap((f) => {
          const info = fieldFromJson(f);
          return info.jsonName === info.name ? [[info.name, info] as const] : [[info.name, info] as const, [info.jsonName, info] as const];
        })),
        oneofs: data.oneofs,
      });
    }
    return this.built.get(fullName);
  }
}

function fieldToJson(f: FieldInfo): FieldJson {
  return {
    name: f.name,
    jsonName: f.jsonName,
    ...(f.repeated && { repeated: true }),
    ...(f.map && { map: true }),
    ...(f.keyType !== undefined && { keyType: f.keyType }),
    ...(f.scalar !== undefined && { scalar: f.scalar }),
    ...(f.enumValues && { enum: Object.fromEntries(f.enumValues) }),
    ...(f.messageType !== undefined && { message: f.messageType }),
    ...(f.oneof !== undefined && { oneof: f.oneof }),
    ...(f.optional && { optional: true }),
    ...(f.deprecated && { deprecated: true }),
    ...(f.rules && { rules: f.rules }),
  };
}

function fieldFromJson(f: FieldJson): FieldInfo {
  const enumValues = f.enum && new Map(Object.entries(f.enum));
  return {
    name: f.name,
    jsonName: f.jsonName,
    repeated: f.repeated === true,
    map: f.map === true,
    keyType: f.keyType,
    scalar: f.scalar,
    enumValues,
    enumNumbers: enumValues && new Set(enumValues.values()),
    messageType: f.message,
    oneof: f.oneof,
    optional: f.optional === true,
    deprecated: f.deprecated === true,
    rules: f.rules,
  };
}
