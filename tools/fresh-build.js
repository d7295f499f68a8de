// Whether compiled JavaScript is newer than every TypeScript source it comes
// from, so the cdk8s CLI can run it directly instead of compiling through
// ts-node at every synth (`npm run build` compiles both lib/ and examples/).
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');

/** The newest modification time of the .ts files under the given folders of the repository. */
function newestSource(folders) {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  };
  for (const folder of folders) visit(path.join(ROOT, folder));
  return newest;
}

/** `compiled` (relative to the repository) when it exists and is newer than the sources in `folders`, else undefined. */
exports.freshBuild = (compiled, folders) => {
  const file = path.join(ROOT, compiled);
  return fs.existsSync(file) && fs.statSync(file).mtimeMs >= newestSource(folders) ? file : undefined;
};
