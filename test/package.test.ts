import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

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
});

test('the plugin entry point exports the validation plugin alone and loads neither cdk8s-plus-27 nor the rest of the library', () => {
  expect(pkg.exports['./plugin']).toEqual({ types: './build/plugin.d.ts', default: './build/plugin.js' });
  const script = `require('ts-node').register({ transpileOnly: true });
    const plugin = require('./lib/plugin');
    const loaded = Object.keys(require.cache).map((f) => require('path').relative(process.cwd(), f)).filter((f) => !f.startsWith('node_modules/ts-node') && !f.startsWith('node_modules/typescript'));
    console.log(JSON.stringify({ exports: Object.keys(plugin), loaded }));`;
  const { exports, loaded } = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
  expect(exports).toEqual(['ProductionReadinessValidation']);
  expect(loaded.filter((f: string) => f.startsWith('node_modules/cdk8s-plus-27/') || /^lib\/(service|workload|envoy|istio|telemetry|monitoring|loadtest|protojson)\//.test(f))).toEqual([]);
  expect(loaded).toContain('lib/readiness/plugin.ts');
});
