import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..', '..');

/** What a copy leaves out: installed packages (linked instead) and everything a build or a run writes. */
const LEFT_OUT = ['node_modules', 'build', 'build-bench', 'dist', 'dist-jsii', '.jsii', '.git', 'coverage'];

/**
 * A copy of the repository's sources in a temporary folder, with the installed packages linked,
 * so that a build can run there apart from this checkout's build/ and .jsii. `remove` deletes it.
 */
export function copyRepository(prefix: string): { readonly dir: string; readonly remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !LEFT_OUT.includes(path.relative(ROOT, src)) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
