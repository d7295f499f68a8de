/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/consumer/ is an app of its own, tested against the packed library by tools/consumer-test.sh.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
};
