import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { StaffService } from '@beacon/auth';
import { checkPage, CHROMIUM, consoleAgent, expectContains, hasChromium, launchConsoleBrowser, signInPage, type ConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { freePort } from './utils/free-port';
import { goodRow, toBeaconCsv } from './utils/import-fixture';
import { createTestApp, seedGeography, type TestApp } from './utils/test-app';

// Admin → Import (issue 18): the residents/schemes import of the API as console pages: upload,
// dry-run report, commit, a progress page that reloads itself (meta refresh, no script).
if (!hasChromium) console.warn(`Skipping the import journey in a browser: ${CHROMIUM} not found`);
const PASSWORD = 'console-import-password-1';

let t: TestApp;
let base: string;

/** Six good lines, one bad e-mail, one duplicate of line 2, one matching a resident already in Beacon. */
const CSV = toBeaconCsv([
  ...[0, 1, 2, 3, 4, 5].map((i) => goodRow(i, 'console')),
  { ...goodRow(6, 'console'), email: 'not-an-email' },
  { ...goodRow(7, 'console'), email: 'console0@example.org' },
  { ...goodRow(8, 'console'), email: 'already.here@example.org', phone: '', channels: 'email' },
]);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ PUBLIC_URL: base, DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-console-imports-')) });
  await t.app.listen(port, '127.0.0.1');
  await seedGeography(t);
  const staff = t.app.get(StaffService);
  await staff.create({ email: 'eco@imports.test', name: 'Erin Eco', password: PASSWORD, role: 'eco', npuCode: 'BE' });
  await staff.create({ email: 'lead@imports.test', name: 'Nia Lead', password: PASSWORD, role: 'npu_lead', npuCode: 'BE' });
  await staff.create({ email: 'admin@imports.test', name: 'Adam Admin', password: PASSWORD, role: 'admin', npuCode: null });
  await makeResident(t, { ward: 'BE01', email: 'already.here@example.org', firstName: 'Beacon' });
});
afterAll(async () => {
  await t?.close();
});

const agentFor = (email: string) => consoleAgent(t, email, PASSWORD);
const importCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM data_import'))[0].n;
const stagedCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM import_resident_row'))[0].n;
const upload = (a: Awaited<ReturnType<typeof agentFor>>, fields: Record<string, string>, file?: string) => {
  let r = a.agent.post('/console/imports');
  for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
  return file === undefined ? r : r.attach('file', Buffer.from(file), 'members.csv');
};

describe('console import: admins only, CSRF, bad files', () => {
  it('a non-admin gets 403 on every import page and route (the nav does not offer it), and nothing is written', async () => {
    for (const email of ['eco@imports.test', 'lead@imports.test']) {
      const a = await agentFor(email);
      expect((await a.agent.get('/console').expect(200)).text).not.toContain('href="/console/imports"');
      await a.agent.get('/console/imports').expect(403);
      await upload(a, { csrfToken: a.csrf, mapping: 'beacon' }, CSV).expect(403);
    }
    expect(await importCount()).toBe(0);
    expect(await stagedCount()).toBe(0);
  });

  it('an admin without the CSRF token gets 403; a missing choice or file, or a broken file, comes back with the error summary (400) and nothing kept', async () => {
    const admin = await agentFor('admin@imports.test');
    expect((await admin.agent.get('/console').expect(200)).text).toContain('href="/console/imports"');
    await upload(admin, { mapping: 'beacon' }, CSV).expect(403);
    const empty = await upload(admin, { csrfToken: admin.csrf }).expect(400);
    expect(empty.text).toContain('govuk-error-summary');
    expect(empty.text).toContain('href="#mapping"');
    expect(empty.text).toContain('href="#file"');
    const noColumn = await upload(admin, { csrfToken: admin.csrf, mapping: 'beacon' }, 'email,phone\na@example.org,\n').expect(400);
    expect(noColumn.text).toContain('govuk-error-summary');
    expect(noColumn.text).toContain('href="#file"');
    const unclosed = await upload(admin, { csrfToken: admin.csrf, mapping: 'beacon' }, CSV + '"unclosed,\n').expect(400);
    expect(unclosed.text).toContain('govuk-error-summary');
    expect(await importCount()).toBe(0);
    expect(await stagedCount()).toBe(0);
  });

  it("a non-admin cannot see or commit an admin's dry run: 403, and it stays a dry run", async () => {
    const admin = await agentFor('admin@imports.test');
    const res = await upload(admin, { csrfToken: admin.csrf, mapping: 'beacon' }, CSV).expect(303);
    const path = res.headers.location as string;
    expect(path).toMatch(/^\/console\/imports\/[0-9a-f-]{36}$/);
    const eco = await agentFor('eco@imports.test');
    await eco.agent.get(path).expect(403);
    await eco.agent.post(`${path}/commit`).type('form').send({ csrfToken: eco.csrf }).expect(403);
    await eco.agent.get(`${path}/rejected.csv`).expect(403);
    expect(await t.sql('SELECT status FROM data_import')).toEqual([{ status: 'dry_run' }]);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email LIKE 'console%'`))[0].n).toBe(0);
    await t.sql('DELETE FROM import_resident_row');
    await t.sql('DELETE FROM import_rejection');
    await t.sql('DELETE FROM data_import');
  });
});

(hasChromium ? describe : describe.skip)('console import journey in Chromium', () => {
  let b: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    b = await launchConsoleBrowser();
    page = b.page;
  });
  afterAll(async () => {
    await b?.browser.close();
  });

  it(
    'an admin uploads a CSV, reads the dry run, commits it and watches the progress page update itself until it is imported',
    async () => {
      await signInPage(page, base, 'admin@imports.test', PASSWORD);
      await page.click('.govuk-service-navigation a:has-text("Import")');
      await page.waitForURL(/\/console\/imports$/);
      await checkPage(b, 'imports');
      await page.click('[data-action="check-import"]');
      await page.waitForSelector('.govuk-error-summary a[href="#mapping"]');
      await page.waitForSelector('.govuk-error-summary a[href="#file"]');
      await checkPage(b, 'imports-errors');

      await page.check('input[name="mapping"][value="beacon"]');
      await page.setInputFiles('#file', { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await page.click('[data-action="check-import"]');
      await page.waitForURL(/\/console\/imports\/[0-9a-f-]{36}$/);
      await expectContains(page, '#import-status', 'Checked, not imported yet');
      const counts = (await page.locator('#import-counts').innerText()).replace(/\s+/g, ' ');
      expect(counts).toContain('Lines read 9');
      expect(counts).toContain('Accepted (new and matched residents) 7');
      expect(counts).toContain('Matched to residents already in Beacon 1');
      expect(counts).toContain('New residents 6');
      expect(counts).toContain('Rejected 1');
      expect(counts).toContain('Duplicates within the file 1');
      const rows = await page.locator('#import-errors tbody tr').allInnerTexts();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['8 bad e-mail address', '9 duplicate of line 2 (same e-mail)']);
      await checkPage(b, 'import-dry-run');
      expect(await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email LIKE 'console%'`)).toEqual([{ n: 0 }]);

      // Hold the commit inside its transaction (it waits to write resident_import) so the progress page is seen.
      const hold = await t.db.connect();
      try {
        await hold.query('BEGIN');
        await hold.query('LOCK TABLE resident_import IN SHARE ROW EXCLUSIVE MODE');
        await page.click('[data-action="commit-import"]');
        await page.waitForURL(/\/console\/imports\/[0-9a-f-]{36}$/);
        await expectContains(page, '#import-status', 'Importing');
        expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('2');
        await expectContains(page, '#import-progress', 'updates itself');
      } finally {
        await hold.query('COMMIT');
        hold.release();
      }
      // No reload from the test: the page's own refresh brings the final counts.
      await expectContains(page, '#import-status', 'Imported', 90_000);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      const result = (await page.locator('#import-result').innerText()).replace(/\s+/g, ' ');
      expect(result).toContain('New residents 6');
      expect(result).toContain('Residents already in Beacon updated 1');
      await checkPage(b, 'import-committed');
      expect(await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email LIKE 'console%'`)).toEqual([{ n: 6 }]);
      expect(await t.sql('SELECT status FROM data_import')).toEqual([{ status: 'committed' }]);
      expect([...b.visited].sort()).toEqual(['/console/imports', '/console/imports/:id'].sort());
      expect(b.problems).toEqual([]);
    },
    180_000,
  );
});
