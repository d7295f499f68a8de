// The production-readiness validation plugin, loaded by cdk8s-cli from this
// project's cdk8s.yaml (`package: ./tools/readiness-plugin.js`). It runs the
// TypeScript sources through ts-node, so `npx cdk8s synth` needs no build
// step. Users of the published package name `cdk8s-observable` instead.
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
module.exports = require('../lib');
