/**
 * The tests that read a build (package.test.ts, jsii.test.ts) read this checkout's own build
 * only when it is a clean build of the current sources, else a fresh build in a copy
 * (test/support/repository-copy.ts). The rule, on a small repository laid out as this one is,
 * with the build's own start and finish steps (tools/build-inputs.js).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, staleCheckoutBuild } from './support/repository-copy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const buildInputs = require('../tools/build-inputs') as { inputFiles(root: string): string[]; start(root: string): void; finish(root: string): void };

const SOURCES = ['lib/index.ts', 'lib/envoy/validate.ts', 'examples/main.ts'];
const OTHER_INPUTS = ['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.examples.json', 'tools/envoy-schema.ts', 'tools/proto-schema.ts'];
const OUTPUTS = ['.jsii', 'build/envoy-api.json', 'build/index.js', 'build/index.d.ts', 'build/envoy/validate.js', 'build/envoy/validate.d.ts'];

let root: string;
const write = (file: string, text = file) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
/** A build as `npm run build` makes it: start, the steps, finish. */
const build = (steps: () => void = () => OUTPUTS.forEach((f) => write(f))) => {
  buildInputs.start(root);
  steps();
  buildInputs.finish(root);
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-build-'));
  for (const f of [...SOURCES, ...OTHER_INPUTS]) write(f);
  build();
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('the inputs are those of this repository: every source of lib/ and examples/, and the files the build reads', () => {
  expect(buildInputs.inputFiles(root)).toEqual([...SOURCES, ...OTHER_INPUTS].sort());
  const own = buildInputs.inputFiles(ROOT);
  expect(own).toEqual(expect.arrayContaining(['lib/index.ts', 'examples/main.ts', ...OTHER_INPUTS]));
  for (const f of own) expect([f, fs.existsSync(path.join(ROOT, f))]).toEqual([f, true]);
  // What the schema generator imports of this repository is among them.
  for (const tool of ['tools/envoy-schema.ts', 'tools/proto-schema.ts']) {
    const text = fs.readFileSync(path.join(ROOT, tool), 'utf8');
    for (const [, spec] of text.matchAll(/from '(\.\.?\/[^']+)'/g)) {
      const file = path.relative(ROOT, path.resolve(ROOT, path.dirname(tool), spec)).split(path.sep).join('/');
      const candidates = [`${file}.ts`, `${file}/index.ts`];
      expect([tool, spec, candidates.some((c) => own.includes(c))]).toEqual([tool, spec, true]);
    }
  }
});

test('a finished build of the current inputs is current, whatever the files\' modification times', () => {
  expect(staleCheckoutBuild(root)).toBeUndefined();
  // Touched, or copied with other times, but the same contents.
  for (const f of SOURCES) fs.utimesSync(path.join(root, f), 2_000_000_000, 2_000_000_000);
  expect(staleCheckoutBuild(root)).toBeUndefined();
});

test.each([...SOURCES, ...OTHER_INPUTS])('an edit of %s since the build makes it stale', (input) => {
  write(input, 'edited');
  expect(staleCheckoutBuild(root)).toBe('the inputs changed since the build (their hash is not build/.inputs.sha256)');
});

test('an edit made while the build ran makes it stale, though every output is newer than it', () => {
  build(() => {
    write('lib/index.ts', 'edited during the build');
    OUTPUTS.forEach((f) => write(f));
  });
  expect(staleCheckoutBuild(root)).toMatch(/^the inputs changed since the build/);
});

test('a build that failed, or has not finished, is stale though its outputs are there', () => {
  buildInputs.start(root);
  OUTPUTS.forEach((f) => write(f));
  expect(staleCheckoutBuild(root)).toBe('build/.inputs.sha256 is missing: no build finished since the last one started');
});

test('a source added or deleted since the build makes it stale, and so does a compiled file no source makes', () => {
  write('lib/added.ts');
  expect(staleCheckoutBuild(root)).toMatch(/^the inputs changed since the build/);
  fs.rmSync(path.join(root, 'lib', 'added.ts'));
  expect(staleCheckoutBuild(root)).toBeUndefined();
  write('build/removed-source.js');
  expect(staleCheckoutBuild(root)).toBe('build/ does not hold exactly one .js and .d.ts per source in lib/ (5 files for 2 sources)');
});

test('a missing assembly or schema makes it stale', () => {
  fs.rmSync(path.join(root, '.jsii'));
  expect(staleCheckoutBuild(root)).toBe('.jsii is missing');
  write('.jsii');
  fs.rmSync(path.join(root, 'build', 'envoy-api.json'));
  expect(staleCheckoutBuild(root)).toBe('build/envoy-api.json is missing');
});
