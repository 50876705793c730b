// Migrations are append-only once committed: no commit after FROZEN_FROM (nor the working tree)
// may modify, delete or rename a timestamped migration. A schema change is a new file.
// Run by `npm run lint`, so CI refuses an edit to a landed migration.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Migrations in this commit (the last of session 3) and every one added since are frozen: a
// change to a file that existed here, or that a later commit added, fails. Move it forward
// only to a commit that has landed.
const FROZEN_FROM = 'df42af3';
const MIGRATION = /^migrations\/\d{13}-[A-Za-z0-9]+\.ts$/;

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

function changed(lines) {
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
    .filter(([status, path]) => /^[MDR]/.test(status) && MIGRATION.test(path))
    .map(([status, path]) => `${status[0]} ${path}`);
}

// The one squash before the first release: the baseline names the migrations it replaced, and
// their deletion (only that: not an edit) is not a change to a landed migration.
const BASELINE = 'migrations/1796300000000-Baseline.ts';
const squashed = new Set();
try {
  const text = readFileSync(BASELINE, 'utf8');
  const list = /export const SQUASHED = \[([^\]]*)\]/.exec(text)?.[1] ?? '';
  for (const [, name, ts] of list.matchAll(/'([A-Za-z0-9]+?)(\d{13})'/g)) squashed.add(`D migrations/${ts}-${name}.ts`);
} catch {
  // no baseline in this tree: nothing was squashed
}

let hasBase = true;
try {
  git('cat-file', '-e', `${FROZEN_FROM}^{commit}`);
} catch {
  hasBase = false;
}
const problems = [];
// Every commit since, not just the end result: a migration added later and edited after is caught too.
if (hasBase) problems.push(...changed(git('log', '--format=', '--name-status', '--no-renames', `${FROZEN_FROM}..HEAD`, '--', 'migrations')));
else console.warn(`check-migrations: commit ${FROZEN_FROM} is not in this clone (shallow?); only the working tree is checked.`);
problems.push(...changed(git('diff', '--name-status', 'HEAD', '--', 'migrations')));

const refused = problems.filter((p) => !squashed.has(p));
problems.length = 0;
problems.push(...refused);
if (problems.length) {
  console.error('Committed migrations are append-only; add a new migration instead of changing these:\n  ' + [...new Set(problems)].join('\n  '));
  process.exit(1);
}
console.log('check-migrations: no committed migration changed.');
