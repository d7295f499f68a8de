/**
 * The tests that read a build (package.test.ts, jsii.test.ts) read this checkout's own build
 * only when it is a clean build of the current sources, else a fresh build in a copy
 * (test/support/repository-copy.ts). The rule, on a small repository laid out as this one is.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { staleCheckoutBuild } from './support/repository-copy';

const INPUTS = ['lib/index.ts', 'lib/envoy/validate.ts', 'README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tools/envoy-schema.ts', 'tools/proto-schema.ts'];
const OUTPUTS = ['.jsii', 'build/envoy-api.json', 'build/index.js', 'build/index.d.ts', 'build/envoy/validate.js', 'build/envoy/validate.d.ts'];

let root: string;
const at = (seconds: number, ...files: string[]) => {
  for (const f of files) fs.utimesSync(path.join(root, f), seconds, seconds);
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-build-'));
  for (const f of [...INPUTS, ...OUTPUTS]) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), '');
  }
  at(1_000_000, ...INPUTS);
  at(1_000_100, ...OUTPUTS);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('a build newer than every input, with one .js and .d.ts per source, is current', () => {
  expect(staleCheckoutBuild(root)).toBeUndefined();
  // An output written in the same instant as the newest input still counts as made from it.
  at(1_000_100, 'lib/index.ts');
  expect(staleCheckoutBuild(root)).toBeUndefined();
});

test.each(INPUTS)('an edit of %s since the build makes it stale', (input) => {
  at(1_000_200, input);
  expect(staleCheckoutBuild(root)).toMatch(new RegExp(`^${input.replace(/\./g, '\\.')} is newer than `));
});

test('a source added or deleted since the build makes it stale', () => {
  fs.writeFileSync(path.join(root, 'lib', 'added.ts'), '');
  at(1_000_000, 'lib/added.ts');
  expect(staleCheckoutBuild(root)).toBe('build/ does not hold exactly one .js and .d.ts per source in lib/ (4 files for 3 sources)');
  fs.rmSync(path.join(root, 'lib', 'added.ts'));
  fs.rmSync(path.join(root, 'lib', 'envoy', 'validate.ts'));
  expect(staleCheckoutBuild(root)).toBe('build/ does not hold exactly one .js and .d.ts per source in lib/ (4 files for 1 sources)');
});

test('a missing assembly or schema makes it stale', () => {
  fs.rmSync(path.join(root, '.jsii'));
  expect(staleCheckoutBuild(root)).toBe('.jsii is missing');
  fs.writeFileSync(path.join(root, '.jsii'), '');
  fs.rmSync(path.join(root, 'build', 'envoy-api.json'));
  expect(staleCheckoutBuild(root)).toBe('build/envoy-api.json is missing');
});

test('an output older than an input (a half-finished build) makes it stale', () => {
  at(999_000, 'build/envoy/validate.d.ts');
  expect(staleCheckoutBuild(root)).toMatch(/ is newer than build\/envoy\/validate\.d\.ts$/);
});
