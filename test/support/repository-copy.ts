import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..', '..');

/** What a copy leaves out: installed packages (linked instead) and everything a build or a run writes. */
const LEFT_OUT = ['node_modules', 'build', 'build-bench', 'build-examples', 'dist', 'dist-jsii', '.jsii', '.git', 'coverage'];

/** A copy of the repository: its folder, and how to delete it. */
export interface RepositoryCopy {
  readonly dir: string;
  readonly remove: () => void;
}

/**
 * A copy of the repository's sources in a temporary folder, with the installed packages linked,
 * so that a build can run there apart from this checkout's build/ and .jsii. `remove` deletes it.
 */
export function copyRepository(prefix: string, parent = os.tmpdir()): RepositoryCopy {
  const dir = fs.mkdtempSync(path.join(parent, prefix));
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !LEFT_OUT.includes(path.relative(ROOT, src)) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The folder test/support/global-setup.ts makes for one jest run, shared by its workers. */
export const RUN_DIR_VARIABLE = 'CDK8S_OBSERVABLE_TEST_RUN_DIR';

/** The environment for the build and jsii's tools: no GitHub look-up, no end-of-life banner for the pinned Node 20. */
export const BUILD_ENV = { ...process.env, JSII_SILENCE_SUPPORT_WARNING: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The files under a folder of a repository whose names end with `suffix`, relative to the folder, '/'-separated. */
function filesUnder(root: string, folder: string, suffix: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => f.split(path.sep).join('/'));
}

/** The build's inputs and stamp (tools/build-inputs.js, which `npm run build` runs first and last). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const buildInputs = require('../../tools/build-inputs') as { STAMP: string; inputFiles(root: string): string[]; inputsHash(root: string): string };

/**
 * Why a checkout's build (by default this one's) is not a clean build of its current sources,
 * or undefined when it is. It is when the build finished (`npm run build` stamps build/ with the
 * hash of its inputs' contents as they were when it started, tools/build-inputs.js), that hash is
 * the hash of the inputs now, and build/ holds exactly one .js and one .d.ts per source in lib/
 * (a source deleted since leaves none behind) besides the assembly and the Envoy schema. An edit
 * made while the build ran, a failed step, or files copied with older modification times all
 * read as stale: a stale verdict costs a build, and a current one rests on the contents.
 */
export function staleCheckoutBuild(root = ROOT): string | undefined {
  const stampFile = path.join(root, buildInputs.STAMP);
  if (!fs.existsSync(stampFile)) return `${buildInputs.STAMP} is missing: no build finished since the last one started`;
  if (fs.readFileSync(stampFile, 'utf8') !== buildInputs.inputsHash(root)) return `the inputs changed since the build (their hash is not ${buildInputs.STAMP})`;
  const sources = buildInputs.inputFiles(root).filter((f) => f.startsWith('lib/')).map((f) => f.slice('lib/'.length));
  const expected = sources.flatMap((f) => [f.replace(/\.ts$/, '.js'), f.replace(/\.ts$/, '.d.ts')]).sort();
  const built = [...filesUnder(root, 'build', '.js'), ...filesUnder(root, 'build', '.d.ts')].sort();
  if (built.join('\n') !== expected.join('\n')) return `build/ does not hold exactly one .js and .d.ts per source in lib/ (${built.length} files for ${sources.length} sources)`;
  const missing = ['.jsii', 'build/envoy-api.json'].find((f) => !fs.existsSync(path.join(root, f)));
  return missing ? `${missing} is missing` : undefined;
}

/**
 * The repository as `npm publish` would ship it, built by its `prepare` script (`npm run build`:
 * jsii, the Envoy schema, the examples), for the tests that read a build (the tarball's files,
 * the jsii assembly).
 *
 * This checkout itself when its build is a clean build of the current sources
 * (`staleCheckoutBuild`): after `npm ci`, whose prepare script builds, and in CI, which builds
 * before it tests. Otherwise a copy of the repository, built once per jest run by the first
 * worker that asks, the others waiting for it; deleted by test/support/global-teardown.ts. A
 * build failure fails every test that asks, with its output.
 */
export function builtRepository(): string {
  if (staleCheckoutBuild() === undefined) return ROOT;
  const run = process.env[RUN_DIR_VARIABLE];
  if (!run) throw new Error(`${RUN_DIR_VARIABLE} is not set: jest's globalSetup (test/support/global-setup.ts) makes it`);
  const lock = path.join(run, 'built.lock');
  const done = path.join(run, 'built.done');
  const failed = path.join(run, 'built.failed');
  let mine = false;
  try {
    fs.mkdirSync(lock);
    mine = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (mine) {
    const copy = copyRepository('built-', run);
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: copy.dir, env: BUILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      fs.writeFileSync(done, copy.dir);
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      fs.writeFileSync(failed, `npm run build failed in ${copy.dir}:\n${err.stdout ?? ''}${err.stderr ?? e}`);
    }
  }
  for (let waited = 0; waited < 300_000; waited += 200) {
    if (fs.existsSync(done)) return fs.readFileSync(done, 'utf8');
    if (fs.existsSync(failed)) throw new Error(fs.readFileSync(failed, 'utf8'));
    sleep(200);
  }
  throw new Error(`no built copy of the repository in ${run} after 300 s`);
}
