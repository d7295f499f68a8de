import * as path from 'path';
import { ProtoSchema, validateProtoJson } from '../lib/protojson';
import { compileProtoSchema, describeProtos } from '../tools/proto-schema';

// The general proto3-JSON validator, on a schema of its own (not Envoy's),
// compiled from .proto files and read back from its JSON text as the library
// reads a shipped schema.
const FIXTURES = path.join(__dirname, 'fixtures', 'protojson');
const PGV = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps', 'protoc-gen-validate');
const PROTOBUFJS = path.dirname(require.resolve('protobufjs/package.json'));
const INCLUDE_DIRS = [FIXTURES, PGV, PROTOBUFJS];
const schema = ProtoSchema.fromJson(JSON.parse(JSON.stringify(compileProtoSchema(INCLUDE_DIRS, ['shop.proto'], 'test/fixtures/protojson'))));
const ORDER = 'test.shop.v1.Order';

const valid = () => ({
  id: 'o-1',
  items: [{ sku: 'abc', quantity: 2, size: 'LARGE', weight_grams: 120 }],
  deliver_within: '3600s',
  address: { city: 'Kyoto' },
  card_token: 'tok',
});

const issues = (value: unknown) => validateProtoJson(schema, ORDER, value).map((i) => `${i.kind} ${i.path}: ${i.message}`);

test('a valid value, by original names or JSON names, has no issue', () => {
  expect(issues(valid())).toEqual([]);
  expect(issues({ ...valid(), deliver_within: undefined, deliverWithin: '1.5s' })).toEqual([]);
});

test('an unknown field, with the nearest known name', () => {
  expect(issues({ ...valid(), adress: {} })).toEqual(['unknown-field adress: unknown field "adress" in test.shop.v1.Order; did you mean "address"?']);
});

test('wrong types: a string for a number, a number for a message, a bad duration, a wrapper', () => {
  const v = valid();
  expect(issues({ ...v, items: [{ ...v.items[0], quantity: 'two' }] })).toEqual(['wrong-type items[0].quantity: expected an integer (uint32), got string "two"']);
  expect(issues({ ...v, address: 5 })).toEqual(['wrong-type address: expected an object (test.shop.v1.Address), got number 5']);
  expect(issues({ ...v, deliver_within: '1h' })).toEqual(['wrong-type deliver_within: expected a duration such as "1.5s", got string "1h"']);
  expect(issues({ ...v, items: [{ ...v.items[0], weight_grams: -1 }] })).toEqual(['wrong-type items[0].weight_grams: -1 is out of range for uint32']);
});

test('an unknown enum value, with the nearest', () => {
  expect(issues({ ...valid(), items: [{ sku: 'abc', quantity: 1, size: 'LARGEE' }] })).toEqual([
    'unknown-enum items[0].size: "LARGEE" is not one of SMALL, MEDIUM, LARGE; did you mean "LARGE"?',
  ]);
});

test('protoc-gen-validate rules: string length, numeric bounds, list size, duration above zero, required message and oneof', () => {
  const v = valid();
  expect(issues({ ...v, items: [{ sku: 'ab', quantity: 11 }] })).toEqual([
    'constraint items[0].sku: must be at least 3 characters',
    'constraint items[0].quantity: must be at most 10, is 11',
  ]);
  expect(issues({ ...v, items: [] })).toEqual(['constraint items: needs at least 1 item(s), has 0']);
  // min_len counts characters (code points), not UTF-16 units: two emoji are 2 characters in 4 units.
  expect(issues({ ...v, items: [{ sku: '\u{1F4E6}\u{1F4E6}', quantity: 1 }] })).toEqual(['constraint items[0].sku: must be at least 3 characters']);
  expect(issues({ ...v, items: [{ sku: '\u{1F4E6}\u{1F4E6}\u{1F4E6}', quantity: 1 }] })).toEqual([]);
  expect(issues({ ...v, deliver_within: '0s' })).toEqual(['constraint deliver_within: must be greater than 0s, is 0s']);
  const { address: _address, card_token: _card, ...bare } = v;
  expect(issues(bare)).toEqual([
    'required (root): one of card_token, invoice_ref is required (oneof payment)',
    'required address: "address" is required in test.shop.v1.Order',
  ]);
  expect(issues({ ...v, invoice_ref: 'inv-1' })).toEqual(['oneof (root): only one of card_token, invoice_ref may be set (oneof payment); found card_token, invoice_ref']);
});

test('a scalar left at its default still meets its rules (protoc-gen-validate checks proto3 scalars when unset)', () => {
  const { id: _id, ...withoutId } = valid();
  expect(issues(withoutId)).toEqual(['constraint id: must not be empty']);
});

test('a deprecated field is reported', () => {
  expect(issues({ ...valid(), items: [{ sku: 'abc', quantity: 1, old_code: 'x' }] })).toEqual(['deprecated items[0].old_code: "old_code" is deprecated in test.shop.v1.Item']);
});

test('an Any is validated as the message its @type names, or reported when the type is unknown', () => {
  expect(issues({ ...valid(), extension: { '@type': 'type.googleapis.com/test.shop.v1.GiftWrap', paper: 'red' } })).toEqual([]);
  expect(issues({ ...valid(), extension: { '@type': 'type.googleapis.com/test.shop.v1.GiftWrap', paper: 'r' } })).toEqual(['constraint extension.paper: must be at least 2 characters']);
  expect(issues({ ...valid(), extension: { '@type': 'type.googleapis.com/test.shop.v1.Nope' } })).toEqual([
    'unresolved-type extension.@type: "type.googleapis.com/test.shop.v1.Nope" does not name a message of the schema',
  ]);
});

test('message hooks see every value of their type and report in walk order', () => {
  const seen: string[] = [];
  const found = validateProtoJson<'policy'>(schema, ORDER, { ...valid(), items: [{ sku: 'abc', quantity: 1 }, { sku: 'zzz', quantity: 1, size: 'SMALL' }] }, {
    'test.shop.v1.Item': (value, p, report) => {
      seen.push(p);
      if (value.sku === 'zzz') report(`${p}.sku`, 'policy', 'zzz is retired');
    },
  });
  expect(seen).toEqual(['items[0]', 'items[1]']);
  expect(found).toEqual([{ path: 'items[1].sku', kind: 'policy', message: 'zzz is retired' }]);
});

test('an unknown message type is an error, not an empty result', () => {
  expect(() => validateProtoJson(schema, 'test.shop.v1.Nope', {})).toThrow(/unknown message type test.shop.v1.Nope/);
});

test('a schema read back from its file describes every message as protobufjs does', () => {
  const described = describeProtos(INCLUDE_DIRS, ['shop.proto']);
  expect(described.map((m) => m.fullName)).toEqual(expect.arrayContaining([ORDER, 'test.shop.v1.Item', 'test.shop.v1.GiftWrap', 'google.protobuf.Duration']));
  expect(schema.messageNames).toEqual(described.map((m) => m.fullName));
  for (const message of described) expect(schema.message(message.fullName)).toStrictEqual(message);
});

test('a file that is not a schema, or one of another format, is refused', () => {
  expect(() => ProtoSchema.fromJson({ messages: {} }, 'envoy-api.json')).toThrow('envoy-api.json is not a proto schema of format cdk8s-observable/proto-schema@1');
  expect(() => ProtoSchema.fromJson([])).toThrow(/the schema is not a proto schema/);
});

test('a .proto file that does not parse fails the compilation, naming the file', () => {
  expect(() => describeProtos([path.join(PGV, 'tests', 'harness', 'cases'), PGV, PROTOBUFJS], ['wkt_duration.proto'])).toThrow(/^wkt_duration\.proto: /);
});

test('a value in memory is read as its JSON text reads back: toJSON, non-finite numbers, and what JSON cannot write', () => {
  const v = valid();
  const inMemory = [
    { ...v, id: { toJSON: () => 'o-2' } },
    { ...v, id: undefined, card_token: () => 'x' },
    { ...v, items: [{ ...v.items[0], quantity: Number.NaN, weight_grams: Infinity }] },
    { ...v, items: [undefined, { ...v.items[0], sku: Symbol('s') }] },
    { ...v, deliver_within: new Date(0), notes: { a: 'b', gone: undefined, f: () => 1 } },
    { ...v, address: { city: { toJSON: () => '' } } },
  ];
  for (const value of inMemory) {
    expect(issues(value)).toEqual(issues(JSON.parse(JSON.stringify(value))));
  }
  // The in-memory reading is what made these equal: each has issues of its own.
  expect(inMemory.map((value) => issues(value).length)).toEqual([0, 2, 1, 2, 1, 1]);
});
