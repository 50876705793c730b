#!/usr/bin/env node
// Mutation testing, one rule-heavy file at a time (issue 27; docs/testing.md "Mutation testing").
//
//   npm run test:mutation                       every file in TESTS, in order
//   npm run test:mutation -- libs/funding/src/money.ts [more files]
//   npm run test:mutation -- libs/residents/src/verification.service.ts:143-162   (lines only, Stryker's range syntax)
//
// Stryker's findRelatedTests cannot see through Nest's DI (every e2e file imports AppModule), and
// the whole suite per mutant is hours on two cores. So each file is mutated in its own Stryker run
// whose Jest only matches the test files named for it below; within those, `perTest` coverage
// runs only the tests that reach the mutant. Each file keeps its own incremental file under
// reports/stryker-incremental/, so a re-run only tests mutants in changed code or tests.
// Runs at nice 15, one Stryker process, concurrency 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { slug } from './mutation-paths.mjs';

/** Mutated file → the test files that exercise it (unit specs and the e2e files that reach it). */
export const TESTS = {
  'libs/auth/src/tokens/link-token.service.ts': ['libs/auth/src/tokens/link-token.service.spec.ts'],
  'libs/auth/src/tokens/access-token.service.ts': ['libs/auth/src/tokens/access-token.service.spec.ts'],
  'libs/funding/src/money.ts': ['libs/funding/src/money.spec.ts'],
  // Real routes over HTTP and the guard on handlers declared there (one app boot per mutant).
  'libs/auth/src/guards/auth.guard.ts': ['test/mutation-auth-guard.e2e-spec.ts'],
  'libs/residents/src/unverified-purge.service.ts': ['test/resident-rules.e2e-spec.ts'],
  'libs/messaging/src/sending/failure-outcome.ts': ['libs/messaging/src/sending/failure-outcome.spec.ts'],
  'libs/messaging/src/sending/outcome-writer.ts': ['test/outcome-writer.e2e-spec.ts'],
  'libs/messaging/src/sending/delivery-feedback.ts': ['test/delivery-feedback.e2e-spec.ts'],
  'libs/residents/src/unsubscribe.service.ts': ['test/mutation-unsubscribe.e2e-spec.ts'],
  'libs/residents/src/verification.service.ts': ['test/mutation-verification.e2e-spec.ts'],
  'libs/funding/src/bids/bid-decision.service.ts': ['test/funding.e2e-spec.ts', 'test/mutation-funding.e2e-spec.ts'],
  // The payment (and award) rules' SQL: addPaid's conditional UPDATE, the payment rows, the bid
  // listing. Against the repository without the app (the two funding files boot it twice a mutant:
  // ~2 minutes each here, session 9).
  'libs/funding/src/bids/bid.repository.ts': ['test/mutation-bid-repository.e2e-spec.ts'],
  // sms-rules and sms-manage e2e files dropped (they boot the app for every mutant); the spec and
  // mutation-sms-inbound reach every branch they did here (limit, E.164, logs, limiter failure).
  'libs/engagement/src/sms-inbound.service.ts': ['libs/engagement/src/sms-inbound.service.spec.ts', 'test/mutation-sms-inbound.e2e-spec.ts'],
  'libs/engagement/src/inbox.service.ts': ['libs/engagement/src/inbox.service.spec.ts', 'test/mutation-inbox.e2e-spec.ts'],
  'libs/messaging/src/sending/claim.repository.ts': ['test/mutation-claims.e2e-spec.ts'],
  'libs/messaging/src/sending/batch-sender.ts': ['test/mutation-batch-sender.e2e-spec.ts'],
};

/**
 * One embedded PostgreSQL for the whole session (BEACON_MUTATION_PG_URL): Jest's globalSetup
 * runs once per mutant, and starting a cluster and migrating the template each time would cost
 * more than most mutants' tests. test/setup/global-setup.ts then reuses it (and drops the
 * previous run's test databases). libs/core's starter is TypeScript: transpiled here first.
 */
async function startPostgres() {
  const out = 'reports/mutation/.pg';
  mkdirSync(out, { recursive: true });
  for (const name of ['embedded-postgres', 'stale-postmaster']) {
    const source = readFileSync(`libs/core/src/database/${name}.ts`, 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(out, `${name}.mjs`), js.replace("from './stale-postmaster'", "from './stale-postmaster.mjs'"));
  }
  const { startEmbeddedPostgres } = await import(resolve(out, 'embedded-postgres.mjs'));
  const port = await new Promise((ok, fail) => {
    const srv = createServer().on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'beacon-mutation-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', persistent: false });
  return { url: server.url, stop: async () => (await server.stop(), rmSync(dataDir, { recursive: true, force: true })) };
}

/** `file.ts:10-20` (a line range, as Stryker's --mutate takes it) → `file.ts`. */
const pathOf = (spec) => spec.replace(/\.ts:[\d:-]+$/, '.ts');
const files = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TESTS);
for (const spec of files) {
  const file = pathOf(spec);
  if (!TESTS[file]) {
    console.error(`[mutation] ${file}: no test list in scripts/mutation.mjs TESTS`);
    process.exit(2);
  }
  for (const t of [file, ...TESTS[file]]) if (!existsSync(t)) throw new Error(`[mutation] missing ${t}`);
}
const pg = await startPostgres();
process.once('SIGINT', () => void pg.stop().finally(() => process.exit(130)));
let failed = 0;
for (const spec of files) {
  const file = pathOf(spec);
  const tests = TESTS[file];
  // The checker type-checks this file alone (with what it imports): with the whole project, each
  // mutant re-checked every dependant of the file (~10 s a mutant for link tokens).
  writeFileSync('tsconfig.mutation.json', `${JSON.stringify({ extends: './tsconfig.json', files: [file], include: [] }, null, 2)}\n`);
  console.log(`[mutation] ${spec} ← ${tests.join(', ')}`);
  const run = spawnSync(
    'nice',
    ['-n', '15', 'node', 'node_modules/@stryker-mutator/core/bin/stryker.js', 'run', '--mutate', spec, '--concurrency', '1',
      '--incrementalFile', `reports/stryker-incremental/${slug(file)}.json`],
    { stdio: 'inherit', env: { ...process.env, BEACON_MUTATION_PG_URL: pg.url, BEACON_MUTATION_TSCONFIG: 'tsconfig.mutation.json', BEACON_MUTATION_TESTS: tests.join(','), BEACON_MUTATION_REPORT: slug(file) } },
  );
  if (run.status !== 0) failed++;
}
rmSync('tsconfig.mutation.json', { force: true });
await pg.stop();
process.exit(failed ? 1 : 0);
