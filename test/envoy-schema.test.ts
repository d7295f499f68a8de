import * as fs from 'fs';
import { validateEnvoyConfig } from '../lib';
import { bootstrap } from '../lib/envoy/bootstrap';
import { envoySchemaFile } from '../lib/envoy/validate';
import { ProtoSchema } from '../lib/protojson';
import { envoyProtos } from '../tools/envoy-schema';
import { describeProtos } from '../tools/proto-schema';
import { bootstrapSpec } from './support/envoy-spec';
import { Manifest } from './support/synth';

// The validator reads Envoy's API from the schema file `npm run build` compiles
// (build/envoy-api.json, shipped in the package); these tests hold that file to
// the .proto files of the devDependency @grpc/grpc-js-xds it comes from.
const protos = envoyProtos();
const described = describeProtos(protos.includeDirs, protos.files);

test('the schema file the validator reads is what the build compiles from the installed @grpc/grpc-js-xds', () => {
  expect(fs.readFileSync(envoySchemaFile(), 'utf8')).toBe(JSON.stringify(ProtoSchema.toJson(described, protos.source)));
  expect(protos.source).toMatch(/^@grpc\/grpc-js-xds@1\.14\.1 /);
});

test('every message read back from the schema file is as protobufjs describes it from the .proto files', () => {
  const schema = ProtoSchema.read(envoySchemaFile());
  expect(described.length).toBeGreaterThan(1500);
  expect(schema.messageNames).toEqual(described.map((m) => m.fullName));
  for (const message of described) expect(schema.message(message.fullName)).toStrictEqual(message);
});

test('a message with a field of a type the files do not define is left out (the v2 bootstrap names envoy.api.v2 types)', () => {
  const names = new Set(described.map((m) => m.fullName));
  expect(names.has('envoy.config.bootstrap.v3.Bootstrap')).toBe(true);
  expect(names.has('envoy.config.bootstrap.v2.Bootstrap')).toBe(false);
});

const HCM = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';

test('any Envoy extension can be validated, also after an @type the schema does not describe', () => {
  const c = bootstrap(bootstrapSpec(
    [{ match: { prefix: '/' }, cluster: 'web.shop', timeoutMs: 15000 }],
    [{ cluster: 'web.shop', host: 'web.shop.svc.cluster.local', port: 8080, http2: false, headless: false, healthCheck: { httpPath: '/ready' }, minHealthyPercent: 25 }],
  )) as Manifest;
  const filters = c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters;
  filters.splice(filters.length - 1, 0,
    { name: 'v2', typed_config: { '@type': 'type.googleapis.com/envoy.config.bootstrap.v2.Bootstrap' } },
    { name: 'envoy.filters.http.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', default_source_code: { inline_strin: 'function envoy_on_request(h) end' } } });
  const at = (i: number) => `${HCM}.http_filters[${i}].typed_config`;
  expect(validateEnvoyConfig(c).map((i) => `${i.kind} ${i.path}`)).toEqual([
    `unresolved-type ${at(filters.length - 3)}.@type`,
    `unknown-field ${at(filters.length - 2)}.default_source_code.inline_strin`,
    `required ${at(filters.length - 2)}.default_source_code`, // DataSource: one of filename, inline_bytes, inline_string, ...
  ]);
});
