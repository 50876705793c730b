// One writer per table (docs/architecture.md, "Table ownership"): reads the ownership table from
// the doc and checks the code against it, so the doc and the code cannot drift apart.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd(); // jest's rootDir: npm test runs from the repo root

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** lib → the tables it owns, from the doc's table (`pgboss.*` stands for the queue's schema). */
function ownershipFromDoc(): Map<string, string> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.split('## Table ownership')[1]?.split('\n## ')[0] ?? '';
  const owner = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| ([a-z]+) \| (.+) \|$/.exec(line.trim());
    if (!m || m[1] === 'lib') continue;
    for (const table of m[2].split(',').map((x) => x.trim().split(' ')[0])) owner.set(table, m[1]);
  }
  return owner;
}

const LIBS = readdirSync(join(ROOT, 'libs')).filter((l) => statSync(join(ROOT, 'libs', l, 'src')).isDirectory());
const files = LIBS.flatMap((lib) => sourceFiles(join(ROOT, 'libs', lib, 'src')).map((path) => ({ lib, path, text: readFileSync(path, 'utf8') })));
const owner = ownershipFromDoc();
const ownerOf = (table: string) => owner.get(table) ?? (table.startsWith('pgboss.') ? owner.get('pgboss.*') : undefined);
const rel = (path: string) => path.slice(ROOT.length + 1);

// Statements that write a table; `DO UPDATE` (upsert) and `FOR UPDATE` (a lock) are not writes of their own.
const WRITES = /(?<!\bDO |\bFOR |\bNO KEY )\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s+"?([a-z_]+(?:\.[a-z_]+)?)"?/gi;

/** Every `@Entity('table') export class Name` with the lib that declares it. */
const entities = files.flatMap(({ lib, path, text }) =>
  [...text.matchAll(/@Entity\('([a-z_]+)'[^)]*\)\s*(?:@[^\n]+\s*)*export class (\w+)/g)].map((m) => ({ lib, path, table: m[1], cls: m[2] })),
);

describe('table ownership: one writer per table', () => {
  it('the doc lists owners, and every entity under the lib that declares it', () => {
    expect(owner.size).toBeGreaterThan(30);
    expect(entities.length).toBeGreaterThan(30);
    const wrong = entities.filter((e) => owner.get(e.table) !== e.lib).map((e) => `${e.table} (declared in ${rel(e.path)}, doc says ${owner.get(e.table) ?? 'nothing'})`);
    expect(wrong).toEqual([]);
  });

  it("no lib writes another lib's table in SQL", () => {
    const found: string[] = [];
    let writes = 0;
    for (const { lib, path, text } of files) {
      for (const m of text.matchAll(WRITES)) {
        const table = m[2].toLowerCase();
        const o = ownerOf(table);
        if (!o) continue; // a CTE name, a word in a comment
        writes++;
        if (o !== lib) found.push(`${rel(path)}: ${m[1].toUpperCase()} ${table} (owned by ${o})`);
      }
    }
    expect(writes).toBeGreaterThan(50); // the scan sees the code's writes at all
    expect(found).toEqual([]);
  });

  it("no lib uses another lib's entity class for a repository", () => {
    const found: string[] = [];
    for (const { lib, path, text } of files) {
      for (const e of entities) {
        if (e.lib === lib) continue;
        if (new RegExp(`(getRepository|InjectRepository|forFeature)\\([^)]*\\b${e.cls}\\b`).test(text)) found.push(`${rel(path)} uses ${e.cls} (owned by ${e.lib})`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the check sees a cross-lib write (it can fail)', () => {
    const probe = `await tx.query('UPDATE resident_channel SET enabled = false WHERE resident_id = $1')`;
    const hits = [...probe.matchAll(WRITES)].map((m) => ownerOf(m[2]));
    expect(hits).toEqual(['residents']);
    expect([...'INSERT INTO x ON CONFLICT (a) DO UPDATE SET b = 1; SELECT 1 FROM delivery FOR UPDATE'.matchAll(WRITES)].map((m) => m[2])).toEqual(['x']);
  });
});
