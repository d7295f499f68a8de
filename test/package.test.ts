import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, builtRepository } from './support/repository-copy';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * The files `npm pack` puts in the tarball, packed from a clean build of the current sources by
 * the prepare script (npm run build), as `npm publish` would build it: this checkout's when it is
 * one, else a fresh copy's (builtRepository); --ignore-scripts: that build has run; --offline:
 * tests do not reach the registry.
 */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--offline', '--ignore-scripts', '--no-update-notifier'], { cwd: builtRepository(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
}

test('the tarball holds the build output (.js, .d.ts and the jsii assembly), the Envoy schema, the bundled yaml, README, LICENSE and package.json, nothing else', () => {
  const files = packedFiles();
  const bundled = (f: string) => (pkg.bundledDependencies as string[]).some((name) => f.startsWith(`node_modules/${name}/`));
  const allowed = (f: string) => ['package.json', 'README.md', 'LICENSE', '.jsii', 'build/envoy-api.json'].includes(f) || /^build\/.+\.(js|d\.ts)$/.test(f) || bundled(f);
  expect(files.filter((f) => !allowed(f))).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', '.jsii', 'build/envoy-api.json', 'build/index.js', 'build/index.d.ts', 'build/plugin.js', 'build/plugin.d.ts',
    'node_modules/yaml/package.json']));
  // Every source file is there compiled, and no test, example, benchmark, tool or TypeScript source.
  const sources = fs.readdirSync(path.join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => f.split(path.sep).join('/'));
  expect(sources.length).toBeGreaterThan(50);
  for (const source of sources) expect(files).toEqual(expect.arrayContaining([`build/${source.replace(/\.ts$/, '.js')}`, `build/${source.replace(/\.ts$/, '.d.ts')}`]));
  expect(files.filter((f) => /^(test|examples|bench|tools|lib|docs)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !bundled(f)))).toEqual([]);
}, 120_000);

test('LICENSE is the Apache License 2.0, as package.json says', () => {
  const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  expect(pkg.license).toBe('Apache-2.0');
  expect(license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n\s+http:\/\/www\.apache\.org\/licenses\/\n/);
  expect(license).toContain('END OF TERMS AND CONDITIONS');
  // The text apache.org publishes (www.apache.org/licenses/LICENSE-2.0.txt), byte for byte.
  expect(require('crypto').createHash('md5').update(license).digest('hex')).toBe('3b83ef96387f14655fc854ddc3c6bd57');
});

test('cdk8s, constructs and cdk8s-plus-27 are peers, and the versions the repository tests with are in their ranges', () => {
  const parts = (v: string) => v.split('.').map(Number);
  /** Whether an exact version is in a caret range (^A.B.C with A ≥ 1: same major, not lower). */
  const inCaret = (version: string, range: string) => {
    const [v, r] = [parts(version), parts(range.replace(/^\^/, ''))];
    return range.startsWith('^') && v[0] === r[0] && (v[1] > r[1] || (v[1] === r[1] && v[2] >= r[2]));
  };
  expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs']);
  for (const [name, range] of Object.entries(pkg.peerDependencies as Record<string, string>)) {
    expect(pkg.dependencies[name]).toBeUndefined();
    expect(`${name} ${pkg.devDependencies[name]} in ${range}: ${inCaret(pkg.devDependencies[name], range)}`).toBe(`${name} ${pkg.devDependencies[name]} in ${range}: true`);
  }
  // The Envoy protos and the protobuf parser are build-time only: the package ships their compiled schema.
  expect(Object.keys(pkg.dependencies)).toEqual(['yaml']);
  // jsii takes only jsii libraries as dependencies; any other runtime dependency travels inside the package.
  expect(pkg.bundledDependencies).toEqual(Object.keys(pkg.dependencies));
});

test('the plugin entry point exports the validation plugin alone and loads neither cdk8s-plus-27 nor the rest of the library', () => {
  expect(pkg.exports['./plugin']).toEqual({ types: './build/plugin.d.ts', default: './build/plugin.js' });
  // The compiled entry point the package ships, in a process of its own: what requiring it loads.
  const script = `const plugin = require('./build/plugin');
    const loaded = Object.keys(require.cache).map((f) => f.includes('/node_modules/') ? f.slice(f.lastIndexOf('/node_modules/') + 1) : require('path').relative(process.cwd(), f));
    console.log(JSON.stringify({ exports: Object.keys(plugin), loaded }));`;
  const { exports, loaded } = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: builtRepository(), encoding: 'utf8' }));
  expect(exports).toEqual(['ProductionReadinessValidation']);
  expect(loaded.filter((f: string) => f.startsWith('node_modules/cdk8s-plus-27/') || /^build\/(service|workload|envoy|istio|telemetry|monitoring|loadtest|protojson)\//.test(f))).toEqual([]);
  expect(loaded).toContain('build/readiness/plugin.js');
}, 120_000);
