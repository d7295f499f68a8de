// What `npm run build` is made from, and the stamp it leaves: the build starts by hashing the
// contents of its inputs (`start`) and, only once every step has succeeded, stamps its output
// with that hash (`finish`: build/.inputs.sha256). A build is a clean build of the current
// sources when its stamp equals the hash of the inputs now (test/support/repository-copy.ts):
// an edit made while it ran, a failed step, or a copy that kept older modification times all
// leave no stamp or a stamp that differs.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** Folders whose .ts files (not .d.ts) the build compiles. */
const SOURCE_FOLDERS = ['lib', 'examples'];
/** The other files the build reads: the README (the jsii assembly carries it), the package and its lock file, the compiler settings, the Envoy schema generator. */
const INPUT_FILES = ['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.examples.json', 'tools/envoy-schema.ts', 'tools/proto-schema.ts'];
/** The stamp of a finished build. */
const STAMP = 'build/.inputs.sha256';
/** The hash a build started from, until it finishes. */
const PENDING = '.build-inputs.pending';

/** The input files of a repository, relative and '/'-separated, sorted. */
function inputFiles(root) {
  const sources = SOURCE_FOLDERS.flatMap((folder) => {
    const dir = path.join(root, folder);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => `${folder}/${f.split(path.sep).join('/')}`);
  });
  return [...sources, ...INPUT_FILES].sort();
}

/** The SHA-256 of the inputs' names and contents (a missing file hashes as missing). */
function inputsHash(root) {
  const hash = crypto.createHash('sha256');
  for (const file of inputFiles(root)) {
    const full = path.join(root, file);
    hash.update(`${file}\0`);
    hash.update(fs.existsSync(full) ? fs.readFileSync(full) : '\0missing\0');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The start of a build: no stamp until it finishes, and the hash of what it starts from. */
function start(root) {
  fs.rmSync(path.join(root, STAMP), { force: true });
  fs.writeFileSync(path.join(root, PENDING), inputsHash(root));
}

/** The end of a build whose every step succeeded: its output stamped with the hash it started from. */
function finish(root) {
  fs.mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
  fs.renameSync(path.join(root, PENDING), path.join(root, STAMP));
}

module.exports = { STAMP, PENDING, inputFiles, inputsHash, start, finish };

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const step = process.argv[2];
  if (step === 'start') start(root);
  else if (step === 'finish') finish(root);
  else throw new Error(`usage: node tools/build-inputs.js start|finish (got ${step})`);
}
