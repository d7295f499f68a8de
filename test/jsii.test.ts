import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILD_ENV, ROOT, builtRepository } from './support/repository-copy';

/**
 * What jsii makes of the current sources (builtRepository: this checkout's build when it is a
 * clean build of them, else a fresh build in a copy, so that a stale .jsii cannot hide a
 * change): the API reference docs/API.md is what jsii-docgen writes from it, and the Python
 * quick start uses the Python module jsii-pacmak generates from it.
 */
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
// jsii-pacmak runs `npm pack` in a folder of its own, where the preload .npmrc names cannot be
// found; and without the prepare script, which has built the copy already.
const env = { ...BUILD_ENV, NODE_OPTIONS: '', npm_config_ignore_scripts: 'true' };
let built: string;
let out: string;

beforeAll(() => {
  built = builtRepository();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-observable-jsii-'));
}, 300_000);

afterAll(() => out && fs.rmSync(out, { recursive: true, force: true }));

test('docs/API.md is what jsii-docgen writes from the current sources (npm run build && npm run docs:api rewrites it)', () => {
  execFileSync(bin('jsii-docgen'), ['--output', path.join(out, 'API.md')], { cwd: built, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const generated = fs.readFileSync(path.join(out, 'API.md'), 'utf8');
  const committed = fs.readFileSync(path.join(ROOT, 'docs', 'API.md'), 'utf8');
  expect(generated.length).toBeGreaterThan(100_000);
  expect(generated).toContain('### ObservableService');
  // Compared as a flag, not as text: a 500 kB diff would bury the fix.
  expect(committed === generated ? 'current' : 'stale: run npm run build && npm run docs:api').toBe('current');
}, 60_000);

test('the Python quick start (docs/python.md) uses only names, arguments and members of the generated Python module', () => {
  execFileSync(bin('jsii-pacmak'), ['--targets', 'python', '--code-only', '--no-npmignore', '--outdir', out], { cwd: built, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const module = path.join(out, 'python', 'src', 'cdk8s_observable', '__init__.py');
  const check = (page: string) => {
    try {
      // `synth` is cdk8s's own App.synth.
      execFileSync('python3', [path.join(__dirname, 'support', 'python-api-check.py'), module, page, 'synth'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return [];
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? e).trim().split('\n');
    }
  };
  expect(check(path.join(ROOT, 'docs', 'python.md'))).toEqual([]);
  // The check can fail: a keyword the constructor does not take, and a name the module lacks.
  const wrong = path.join(out, 'wrong.md');
  fs.writeFileSync(wrong, '```python\nfrom cdk8s_observable import ObservableService, Nothing\nObservableService(None, "x", image="a/b:1", port=1, replica_count=2)\n```\n');
  expect(check(wrong)).toEqual([
    `${wrong}:2: cdk8s_observable has no Nothing`,
    expect.stringMatching(new RegExp(`^${wrong}:2: ObservableService.__init__ takes no replica_count \\(it takes scope, id, image, port, `)),
  ]);
}, 120_000);
