// /docs-json is what integrators and the access-matrix test read: it must be a valid OpenAPI
// document by Redocly's recommended rules (a summary on every operation, `security: []` on public
// routes, servers, …). Lints the document the running app serves, with @redocly/cli.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useSuite } from './utils/suite';

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

describe('OpenAPI document', () => {
  const { t } = useSuite();

  it('passes `redocly lint` with the recommended rules: no errors and no warnings', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as object;
    const dir = mkdtempSync(join(tmpdir(), 'beacon-openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const run = await promisify(execFile)(process.execPath, [join('node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--extends=recommended', '--format=json'], { maxBuffer: 64 * 1024 * 1024 }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
    );
    const problems = (JSON.parse(run.stdout) as { problems: LintProblem[] }).problems;
    const summary = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(summary).toEqual([]);
  }, 120_000);
});
