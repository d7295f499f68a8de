// Preloaded into node processes started by npm and npx (see .npmrc `node-options`; installed as the
// local devDependency `cdk8s-cli-offline` so `--require` resolves from any
// package directory, including dependencies running install scripts).
//
// cdk8s-cli asks the npm registry for a newer CLI on every run; offline or
// behind a proxy that prints an HTTP error stack trace and a bogus
// "new version undefined" banner. The CLI reads its options from CDK8S_*
// environment variables (yargs `.env('CDK8S')`), so this turns the check off
// for `npx cdk8s synth` without the user having to remember a flag.
// An explicit CDK8S_CHECK_UPGRADE in the environment still wins.
if (process.env.CDK8S_CHECK_UPGRADE === undefined) {
  process.env.CDK8S_CHECK_UPGRADE = 'false';
}
