// Mutation testing (issue 27): `npm run test:mutation` (slow on two cores: not in CI).
// `-- --mutate <file>` narrows it to one file; the incremental file keeps earlier results, so a
// re-run only tests mutants in code (or tests) that changed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: { configFile: 'jest.config.cjs', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // The rule-heavy files: sending and claims, inbound SMS and inbox, ACF decisions and payments,
  // tokens and guards, verification, unsubscribe and purge.
  mutate: [
    'libs/messaging/src/**/delivery*.ts',
    'libs/messaging/src/**/sending/**/*.ts',
    'libs/engagement/src/sms-inbound.service.ts',
    'libs/engagement/src/inbox.service.ts',
    'libs/funding/src/bids/bid-decision.service.ts',
    'libs/funding/src/money.ts',
    'libs/auth/src/tokens/*.ts',
    'libs/auth/src/guards/*.ts',
    'libs/residents/src/verification.service.ts',
    'libs/residents/src/unsubscribe.service.ts',
    'libs/residents/src/unverified-purge.service.ts',
    '!**/*.spec.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
};
