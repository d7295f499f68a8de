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

/**
 * A copy of the repository built by its `prepare` script (`npm run build`: jsii, the Envoy
 * schema, the examples), as `npm publish` builds it: made once per jest run, by the first worker
 * that asks, and shared by the tests that read a build (the tarball's files, the jsii assembly)
 * so that the build runs once, not once per test file. The others wait for it. Deleted by
 * test/support/global-teardown.ts. A build failure fails every test that asks, with its output.
 */
export function builtRepository(): string {
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
