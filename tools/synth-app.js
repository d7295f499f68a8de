// The app `npx cdk8s synth` runs (cdk8s.yaml): the examples as compiled by
// `npm run build` (which `npm ci` runs) when that is newer than the sources,
// else the TypeScript sources through ts-node, so an edit is synthesized at
// once, only slower.
const path = require('path');
const { freshBuild } = require('./fresh-build');

const compiled = freshBuild('build-examples/examples/main.js', ['lib', 'examples']);
if (compiled) {
  require(compiled).main();
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  require('../examples/main').main();
}
