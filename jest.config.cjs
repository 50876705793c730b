// Jest runs in native ESM mode (NestJS 12 packages are ESM-only); see docs/testing.md.
const { readFileSync } = require('node:fs');
const paths = JSON.parse(readFileSync('./tsconfig.json', 'utf8')).compilerOptions.paths;
const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target.replace('./', '')}`;
}
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper,
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  // Before any test module loads: pg-boss's delay without a require per call (see the file).
  setupFiles: ['<rootDir>/test/setup/pg-boss-timers.cjs'],
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // A mutation-testing sandbox left behind must not be run as a second copy of the tests.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/.tools/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/', '<rootDir>/.tools/'],
  maxWorkers: 2,
  testTimeout: 60000,
};
