// Mutation testing (issue 27): `npm run test:mutation` (slow on two cores: not in CI). It runs
// scripts/mutation.mjs, which mutates one file per Stryker run with Jest restricted to the test
// files named for it there (BEACON_MUTATION_TESTS); see docs/testing.md "Mutation testing".
// A bare `npx stryker run` would mutate every file below against the whole suite (hours).
const tests = process.env.BEACON_MUTATION_TESTS?.split(',').filter(Boolean);
const report = process.env.BEACON_MUTATION_REPORT ?? 'mutation';
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    configFile: 'jest.config.cjs',
    enableFindRelatedTests: false,
    // One Jest worker: the mutant runs are serial anyway, and the machine is shared.
    config: { ...(tests ? { testMatch: tests.map((f) => `<rootDir>/${f}`) } : {}), maxWorkers: 1 },
  },
  checkers: ['typescript'],
  tsconfigFile: process.env.BEACON_MUTATION_TSCONFIG ?? 'tsconfig.json',
  // The rule-heavy files: sending and claims, inbound SMS and inbox, ACF decisions and payments,
  // tokens and guards, verification, unsubscribe and purge.
  mutate: [
    'libs/messaging/src/**/delivery*.ts',
    'libs/messaging/src/**/sending/**/*.ts',
    'libs/engagement/src/sms-inbound.service.ts',
    'libs/engagement/src/inbox.service.ts',
    'libs/funding/src/bids/bid-decision.service.ts',
    'libs/funding/src/bids/bid.repository.ts',
    'libs/funding/src/money.ts',
    'libs/auth/src/tokens/*.ts',
    'libs/auth/src/guards/*.ts',
    'libs/residents/src/verification.service.ts',
    'libs/residents/src/unsubscribe.service.ts',
    'libs/residents/src/unverified-purge.service.ts',
    '!**/*.spec.ts',
  ],
  // Not copied into the sandbox (node_modules is symlinked, so the embedded PostgreSQL binary is the real one).
  ignorePatterns: ['/dist', '/.data', '/.tools', '/coverage', '/reports', '/test/artifacts', '/.stryker-tmp'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  tempDirName: '.stryker-tmp',
};
