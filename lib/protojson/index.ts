export { ProtoSchema, isPlainObject } from './schema';
export { closest, validateProtoJson } from './validator';
export type { MessageHook, ProtoJsonIssue, ProtoJsonIssueKind } from './validator';
