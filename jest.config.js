/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/consumer/ is an app of its own, tested against the packed library by tools/consumer-test.sh.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/'],
  // One folder per run, in which the first test that needs a built copy of the repository builds it for all (test/support/repository-copy.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Every core: several suites wait on child processes (jsii, npm pack, promtool, nginx), and jest's
  // default (cores - 1) runs a 2-core CI machine's suites one at a time.
  maxWorkers: '100%',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
