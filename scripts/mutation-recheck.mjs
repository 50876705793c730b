#!/usr/bin/env node
// Re-checks by hand the mutants a Stryker run reported with a given status (default Timeout): each
// mutant's replacement written into the source, the given test files run, the source restored.
// Prints, per mutant, whether the tests failed (killed) and how long they took.
//
//   node scripts/mutation-recheck.mjs libs/funding/src/bids/bid.repository.ts test/mutation-bid-repository.e2e-spec.ts [--status Timeout]
//
// Reads reports/mutation/<slug>.json (written by `npm run test:mutation -- <file>`).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { slug } from './mutation-paths.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { status: { type: 'string', default: 'Timeout' } } });
const [file, ...tests] = positionals;
if (!file || !tests.length) {
  console.error('usage: node scripts/mutation-recheck.mjs <mutated file> <test file>… [--status Timeout|Survived|NoCoverage]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(`reports/mutation/${slug(file)}.json`, 'utf8'));
const source = readFileSync(file, 'utf8');
const lines = source.split('\n');
// Stryker's locations: 1-based lines and columns.
const offset = (p) => lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;
const mutants = Object.values(report.files)[0].mutants.filter((m) => m.status === values.status);
let killed = 0;
try {
  for (const m of mutants) {
    writeFileSync(file, source.slice(0, offset(m.location.start)) + m.replacement + source.slice(offset(m.location.end)));
    const started = Date.now();
    const run = spawnSync('npm', ['test', '--silent', '--', '--forceExit', ...tests], { encoding: 'utf8', timeout: 300_000 });
    const summary = `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n').find((l) => l.startsWith('Tests:'))?.replace(/\s+/g, ' ') ?? `no result (exit ${run.status}, ${run.signal ?? 'no signal'})`;
    const failed = run.status !== 0 && /failed/.test(summary);
    if (failed) killed++;
    console.log(`${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(m.replacement).slice(0, 50)}: ${failed ? 'killed' : 'NOT killed'} (${summary}; ${Date.now() - started} ms)`);
  }
} finally {
  writeFileSync(file, source);
}
console.log(`${killed} of ${mutants.length} ${values.status} mutants fail the tests by hand`);
