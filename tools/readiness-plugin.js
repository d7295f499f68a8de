// The production-readiness validation plugin, loaded by cdk8s-cli from this
// project's cdk8s.yaml (`package: ./tools/readiness-plugin.js`). It runs the
// TypeScript sources of the plugin entry point (lib/plugin.ts) through ts-node,
// so `npx cdk8s synth` checks the examples with the rules as they are now,
// without a build. Apps name the built entry point instead:
// `package: ./node_modules/cdk8s-observable/build/plugin.js` (README.md).
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
module.exports = require('../lib/plugin');
