/**
 * Writes the Envoy schema the package ships (build/envoy-api.json, read by
 * lib/envoy/validate.ts): the .proto files of Envoy's v3 API, cncf/xds,
 * googleapis and protoc-gen-validate's validate.proto as the npm package
 * @grpc/grpc-js-xds ships them (a devDependency: its `deps/` folders are git
 * submodules of envoyproxy/data-plane-api, cncf/xds, googleapis and
 * bufbuild/protoc-gen-validate), compiled by tools/proto-schema.ts.
 * `npm run build` runs it; usage: ts-node tools/envoy-schema.ts [out-file].
 */
import * as fs from 'fs';
import * as path from 'path';
import { envoySchemaFile } from '../lib/envoy/validate';
import { ProtoSchemaJson } from '../lib/protojson/schema';
import { compileProtoSchema, protoFilesUnder } from './proto-schema';

export const ENVOY_PROTO_PACKAGE = '@grpc/grpc-js-xds';

/** The .proto files of the Envoy schema in the installed @grpc/grpc-js-xds, where they import from, and a line naming them. */
export function envoyProtos(): { includeDirs: string[]; files: string[]; source: string } {
  const packageDir = path.dirname(require.resolve(`${ENVOY_PROTO_PACKAGE}/package.json`));
  const version = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const deps = (name: string) => path.join(packageDir, 'deps', name);
  // google/protobuf/descriptor.proto (imported by validate.proto) comes from
  // protobufjs' own copy; the other google/protobuf files are built into protobufjs.
  const includeDirs = [deps('envoy-api'), deps('xds'), deps('googleapis'), deps('protoc-gen-validate'), path.dirname(require.resolve('protobufjs/package.json'))];
  // Of protoc-gen-validate only validate.proto: its other files are its own tests and Java stubs.
  const files = [...['envoy-api', 'xds', 'googleapis'].flatMap((d) => protoFilesUnder(deps(d))), 'validate/validate.proto'];
  return { includeDirs, files, source: `${ENVOY_PROTO_PACKAGE}@${version} deps/envoy-api, deps/xds, deps/googleapis, deps/protoc-gen-validate/validate` };
}

/** The Envoy schema, compiled from the installed @grpc/grpc-js-xds. */
export function envoySchemaJson(): ProtoSchemaJson {
  const { includeDirs, files, source } = envoyProtos();
  return compileProtoSchema(includeDirs, files, source);
}

if (require.main === module) {
  const out = process.argv[2] ?? envoySchemaFile();
  const json = envoySchemaJson();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Renamed into place, so a process reading the file never sees half of it.
  fs.writeFileSync(`${out}.${process.pid}`, JSON.stringify(json));
  fs.renameSync(`${out}.${process.pid}`, out);
  // On stderr: `npm pack --json` builds (prepare) and must print only its JSON on stdout.
  console.error(`${path.relative(process.cwd(), out)}: ${Object.keys(json.messages).length} Envoy API messages from ${json.source}`);
}
