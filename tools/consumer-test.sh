#!/usr/bin/env bash
# The library as a cdk8s app uses it. Packs it (npm pack builds it through
# prepare), makes a fresh app from test/consumer/ (package.json, tsconfig.json
# and jest.config.js of cdk8s-cli's typescript-app template, cdk8s.yaml with
# README.md's plugin line, main.ts = README.md's quick start, a snapshot test)
# in a temporary folder, and installs the tarball with the peers at each end of
# their ranges in package.json: the lowest versions (the ranges' floors) and
# the highest (what npm resolves the ranges to today). At each end:
#   - one copy of cdk8s, constructs and cdk8s-plus-27, the app's and the library's;
#   - tsc --noEmit;
#   - cdk8s synth with the plugin exits 0; with a :latest image it fails naming OBS-IMG1;
#   - the app's jest test twice: the first run writes the snapshot, the second
#     (--ci, which writes none) must match it.
# The one step of CI that installs from the npm registry (--prefer-offline: the
# npm cache serves what it has). Usage: tools/consumer-test.sh [lowest|highest]...
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false # no registry look-up for a newer cdk8s CLI (README.md)

repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-observable-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
ends=("$@")
[ ${#ends[@]} -gt 0 ] || ends=(lowest highest)

fail() { echo "consumer test ($end): $*" >&2; exit 1; }
say() { echo "::: consumer ($end, ${SECONDS}s): $*"; }

tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "packed $tarball"

# "cdk8s@2.69.0 constructs@10.3.0 ..." (lowest) or "cdk8s@^2.69.0 ..." (highest), from the peer ranges.
peer_specs() {
  node -e '
    const peers = require(process.argv[1]).peerDependencies;
    const end = process.argv[2];
    console.log(Object.entries(peers).map(([name, range]) => {
      if (!/^\^\d+\.\d+\.\d+$/.test(range)) throw new Error(`peer range ${name}@${range} is not ^x.y.z`);
      return `${name}@${end === "lowest" ? range.slice(1) : range}`;
    }).join(" "));
  ' "$repo/package.json" "$1"
}

for end in "${ends[@]}"; do
  case "$end" in lowest|highest) ;; *) echo "unknown end '$end' (lowest or highest)" >&2; exit 2 ;; esac
  app="$work/app-$end"
  mkdir -p "$app"
  cp "$repo"/test/consumer/{package.json,tsconfig.json,jest.config.js,cdk8s.yaml,main.ts,main.test.ts} "$app/"
  cd "$app"

  specs=$(peer_specs "$end")
  say "npm install $(basename "$tarball") $specs"
  npm install --no-audit --no-fund --prefer-offline "$work/$tarball" $specs >install.log 2>&1 || { cat install.log; fail "npm install failed"; }
  node -e '
    const path = require("path");
    const fromLibrary = path.dirname(require.resolve("cdk8s-observable"));
    const versions = ["cdk8s", "constructs", "cdk8s-plus-27"].map((name) => {
      const app = require.resolve(`${name}/package.json`);
      const lib = require.resolve(`${name}/package.json`, { paths: [fromLibrary] });
      if (app !== lib) throw new Error(`two copies of ${name}: the app has ${app}, the library ${lib}`);
      return `${name} ${require(app).version}`;
    });
    // Only what the library bundles (its non-jsii runtime dependencies) comes inside it; no peer.
    const own = "node_modules/cdk8s-observable/node_modules";
    const brought = require("fs").existsSync(own) ? require("fs").readdirSync(own).filter((e) => !e.startsWith(".")).sort() : [];
    const bundled = [...(require("cdk8s-observable/package.json").bundledDependencies ?? [])].sort();
    if (JSON.stringify(brought) !== JSON.stringify(bundled)) throw new Error(`the library brought ${brought.join(", ") || "nothing"} in its own node_modules, not its bundled dependencies (${bundled.join(", ")})`);
    console.log("one copy each: " + versions.join(", ") + "; cdk8s-observable " + require("cdk8s-observable/package.json").version);
  ' || fail "the app and the library do not share one copy of each peer"

  say "tsc --noEmit"
  npx tsc --noEmit || fail "tsc --noEmit failed"

  say "cdk8s synth"
  npx cdk8s synth >synth.log 2>&1 || { cat synth.log; fail "cdk8s synth of the compliant app failed"; }
  grep -q 'Validations ended succesfully' synth.log || { cat synth.log; fail "cdk8s synth did not run the plugin"; }
  [ -s dist/accounting.k8s.yaml ] && [ -s dist/production-readiness.json ] || fail "cdk8s synth wrote no manifest or no readiness report"

  say "cdk8s synth with a :latest image must fail naming OBS-IMG1"
  sed 's#journal-api:2\.14\.0#journal-api:latest#' main.ts >main-latest.ts
  grep -q 'journal-api:latest' main-latest.ts || fail "the quick start has no journal-api:2.14.0 image to replace"
  rc=0
  npx cdk8s synth --app 'npx ts-node main-latest.ts' --output dist-latest >synth-latest.log 2>&1 || rc=$?
  rm main-latest.ts
  [ "$rc" -ne 0 ] || { cat synth-latest.log; fail "cdk8s synth passed an app with a :latest image"; }
  grep -q 'OBS-IMG1' synth-latest.log || { cat synth-latest.log; fail "cdk8s synth failed (exit $rc) without naming OBS-IMG1"; }
  echo "exit $rc, naming OBS-IMG1"

  say "jest, twice"
  [ ! -e __snapshots__ ] || fail "a snapshot exists before the first run"
  npx jest --ci=false || fail "the first jest run failed"
  [ -s __snapshots__/main.test.ts.snap ] || fail "the first jest run wrote no snapshot"
  npx jest --ci || fail "the second jest run does not match the snapshot the first wrote"
  cd "$repo"
done
echo "consumer test passed: ${ends[*]}"
