#!/usr/bin/env node
/**
 * The nightly-style property run: twenty times the CI cases (PROPERTY_SCALE)
 * of the property tests and the adversarial payload tests, with a fresh seed
 * (PROPERTY_SEED), printed first so that a failure can be replayed with
 * `PROPERTY_SEED=<seed> PROPERTY_SCALE=<scale> npx jest test/property.test.ts test/adversarial.test.ts`.
 */
const { spawnSync } = require('child_process');
const path = require('path');

const seed = process.env.PROPERTY_SEED ?? String(Date.now() % 2147483647);
const scale = process.env.PROPERTY_SCALE ?? '20';
const files = ['test/property.test.ts', 'test/adversarial.test.ts'];
console.log(`property tests: seed ${seed}, scale ${scale} (replay: PROPERTY_SEED=${seed} PROPERTY_SCALE=${scale} npx jest ${files.join(' ')})`);
const jest = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, ...files, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, PROPERTY_SEED: seed, PROPERTY_SCALE: scale },
});
process.exit(result.status ?? 1);
