// The production-readiness validation plugin, loaded by cdk8s-cli from this
// project's cdk8s.yaml (`package: ./tools/readiness-plugin.js`): the built
// plugin entry point (build/plugin.js) when it is newer than the sources, else
// lib/plugin.ts through ts-node, so `npx cdk8s synth` checks the examples with
// the rules as they are now. Apps name the built entry point instead:
// `package: ./node_modules/cdk8s-observable/build/plugin.js` (README.md).
const path = require('path');
const { freshBuild } = require('./fresh-build');

const compiled = freshBuild('build/plugin.js', ['lib']);
if (compiled) {
  module.exports = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  module.exports = require('../lib/plugin');
}
