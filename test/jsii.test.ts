import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, copyRepository } from './support/repository-copy';

/**
 * What jsii makes of the sources, built afresh in a copy of the repository (so that neither a
 * stale .jsii nor this checkout's build/ can hide a change): the API reference docs/API.md is
 * what jsii-docgen writes from it.
 */
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
// No GitHub look-up from jsii's tools, and no end-of-life banner for the pinned Node 20.
const env = { ...process.env, JSII_SILENCE_SUPPORT_WARNING: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
let copy: ReturnType<typeof copyRepository>;

beforeAll(() => {
  copy = copyRepository('cdk8s-observable-jsii-');
  execFileSync('npm', ['run', '--silent', 'compile'], { cwd: copy.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}, 120_000);

afterAll(() => copy?.remove());

test('docs/API.md is what jsii-docgen writes from the current sources (npm run build && npm run docs:api rewrites it)', () => {
  execFileSync(bin('jsii-docgen'), ['--output', 'API.md'], { cwd: copy.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const generated = fs.readFileSync(path.join(copy.dir, 'API.md'), 'utf8');
  const committed = fs.readFileSync(path.join(ROOT, 'docs', 'API.md'), 'utf8');
  expect(generated.length).toBeGreaterThan(100_000);
  expect(generated).toContain('### ObservableService');
  // Compared as a flag, not as text: a 500 kB diff would bury the fix.
  expect(committed === generated ? 'current' : 'stale: run npm run build && npm run docs:api').toBe('current');
}, 60_000);
