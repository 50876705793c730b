import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StaffService } from '@beacon/auth';
import type { Page } from 'playwright-core';
import { ReportAggregatesService, currentMonth } from '@beacon/reports';
import { monthName } from '@beacon/web';
import { checkPage, CHROMIUM, consoleAgent, expectContains, hasChromium, signInPage, startConsoleApp, useConsoleBrowser, visibleText } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { loginAs, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

// The server-rendered staff console, second part (issue 16): reports and schemes, each in Chromium.
if (!hasChromium) console.warn(`Skipping the console journeys in a browser: ${CHROMIUM} not found`);
const PASSWORD = 'console-journey-password-2';
const MONTH_CODE = /\b\d{4}-(0[1-9]|1[0-2])\b/;

let t: TestApp;
let base: string;

beforeAll(async () => {
  ({ t, base } = await startConsoleApp({
    name: 'console2',
    domain: 'journey.test',
    password: PASSWORD,
    staff: [
      ['eco2', 'Erin Eco', 'eco', 'BE'],
      ['analyst2', 'Ana Analyst', 'analyst', null],
      ['admin2', 'Adam Admin', 'admin', null],
    ],
  }));
});
afterAll(async () => {
  await t?.close();
});


const agentFor = (email: string) => consoleAgent(t, email, PASSWORD);

describe('console schemes: roles as the API', () => {
  it('an analyst reads schemes but cannot create one or add members', async () => {
    const analyst = await agentFor('analyst2@journey.test');
    await analyst.agent.get('/console/schemes').expect(200);
    await analyst.agent.get('/console/schemes/new').expect(403);
    await analyst.agent.post('/console/schemes').type('form').send({ csrfToken: analyst.csrf, name: 'x', type: 'street_watch', wardCode: 'BE01' }).expect(403);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM scheme'))[0].n).toBe(0);
  });
});

describe('console reports: scope and input', () => {
  it('NPU-bound staff get their NPU only: another NPU is a 403, as on the API', async () => {
    const eco = await agentFor('eco2@journey.test');
    const own = await eco.agent.get('/console/reports').expect(200);
    expect(own.text).toContain('Birmingham East,');
    expect(own.text).not.toContain('Whole force');
    await eco.agent.get('/console/reports?area=SW').expect(403);
    await eco.agent.get('/console/reports/wards/csv?area=SW').expect(403);
    await eco.agent.get('/console/reports/wards/chart?area=SW').expect(403);
  });

  it('a month or area that is not on the list comes back with the error summary, a 400', async () => {
    const analyst = await agentFor('analyst2@journey.test');
    const bad = await analyst.agent.get('/console/reports?month=2026-13&area=NOPE').expect(400);
    expect(bad.text).toContain('govuk-error-summary');
    expect(bad.text).toContain('href="#month"');
    expect(bad.text).toContain('href="#area"');
    await analyst.agent.get('/console/reports/nonsense/csv').expect(404);
  });
});

// Admin → Geography import (issue 17): the ONS and postcode uploads the API takes, as a form.
const POSTCODE_FILE = ['pcd,pcds,osward,lat,long,doterm,ctry', 'B338TH ,B33 8TH,BE01,52.481,-1.781,,E92000001', 'B276QX ,B27 6QX,BE03,52.441,-1.818,202003,E92000001', 'B698AA ,B69 8AA,SW01,52.505,-2.016,,E92000001', 'CV1 1AA,CV1 1AA,E05001234,52.40,-1.51,,E92000001'].join('\n');

describe('console geography import: roles, CSRF and bad files', () => {
  beforeAll(async () => {
    await t.app.get(StaffService).create({ email: 'adminbe2@journey.test', name: 'Bea Admin', password: PASSWORD, role: 'admin', npuCode: 'BE' });
  });
  const postcodeCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM postcode'))[0].n;
  const upload = (a: Awaited<ReturnType<typeof agentFor>>, fields: Record<string, string>, file?: string) => {
    let r = a.agent.post('/console/geography');
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return file === undefined ? r : r.attach('file', Buffer.from(file), 'upload.csv');
  };

  it('is for force-wide admins only (the nav offers it to them only), and a form without its CSRF token is a 403 that imports nothing', async () => {
    const eco = await agentFor('eco2@journey.test');
    expect((await eco.agent.get('/console').expect(200)).text).not.toContain('href="/console/geography"');
    await eco.agent.get('/console/geography').expect(403);
    await upload(eco, { csrfToken: eco.csrf, kind: 'postcodes' }, POSTCODE_FILE).expect(403);
    const npuAdmin = await agentFor('adminbe2@journey.test');
    expect((await npuAdmin.agent.get('/console').expect(200)).text).not.toContain('href="/console/geography"');
    await npuAdmin.agent.get('/console/geography').expect(403);
    await upload(npuAdmin, { csrfToken: npuAdmin.csrf, kind: 'postcodes' }, POSTCODE_FILE).expect(403);
    const admin = await agentFor('admin2@journey.test');
    expect((await admin.agent.get('/console').expect(200)).text).toContain('href="/console/geography"');
    await upload(admin, { kind: 'postcodes' }, POSTCODE_FILE).expect(403);
    await upload(admin, { csrfToken: eco.csrf, kind: 'postcodes' }, POSTCODE_FILE).expect(403);
    expect(await postcodeCount()).toBe(0);
  });

  it('a missing choice or file, or a broken line, comes back with the error summary (400) and nothing imported', async () => {
    const admin = await agentFor('admin2@journey.test');
    const empty = await upload(admin, { csrfToken: admin.csrf }).expect(400);
    expect(empty.text).toContain('govuk-error-summary');
    expect(empty.text).toContain('href="#kind"');
    expect(empty.text).toContain('href="#file"');
    const broken = await upload(admin, { csrfToken: admin.csrf, kind: 'postcodes' }, POSTCODE_FILE + '\nB330AA ,B33 0AA,BE01,north,-1.78,,E92000001').expect(400);
    expect(broken.text).toContain('govuk-error-summary');
    expect(broken.text).toContain('line 6');
    const unknownWard = await upload(admin, { csrfToken: admin.csrf, kind: 'ward_mapping' }, 'ward_code,neighbourhood,npu_code\nE05999999,Nowhere,BE').expect(400);
    expect(unknownWard.text).toContain('E05999999');
    expect(await postcodeCount()).toBe(0);
  });
});

(hasChromium ? describe : describe.skip)('console journeys in Chromium (reports, schemes)', () => {
  const b = useConsoleBrowser();
  let page: Page;
  beforeAll(() => {
    page = b.page;
  });

  /** The shared page checks, and no month code (`2026-11`) on screen either. */
  async function check(name: string): Promise<void> {
    await checkPage(b, name);
    expect({ page: name, month: MONTH_CODE.exec(await visibleText(page))?.[0] ?? null }).toEqual({ page: name, month: null });
  }

  const signIn = (email: string) => signInPage(page, base, email, PASSWORD);

  it('an analyst reads the SIM pack for the whole force (not Birmingham East), with month and ward names, CSV and SVG per section', async () => {
    await makeResident(t, { ward: 'BE01', channels: ['email'] });
    await makeResident(t, { ward: 'SW02', channels: ['email'] });
    await t.app.get(ReportAggregatesService).refresh();
    await signIn('analyst2@journey.test');
    await page.click('.govuk-service-navigation a:has-text("Reports")');
    await page.waitForURL(/\/console\/reports$/);
    const month = currentMonth();
    await page.selectOption('#area', 'FORCE');
    await page.selectOption('#month', month);
    await page.click('[data-action="show-report"]');
    await page.waitForURL(/area=FORCE/);
    await expectContains(page, '#report-heading', `Whole force, ${monthName(month)}`);
    await expectContains(page, '#refreshed', 'last refreshed');
    // Whole force: both NPUs' wards, by name.
    const wards = (await page.textContent('#section-wards')) ?? '';
    expect(wards).toContain('Smethwick');
    expect(wards).toContain('Hodge Hill');
    expect(wards).not.toMatch(/\b(BE01|SW02)\b/);
    expect(await page.textContent('#section-growth')).toContain(monthName(month));
    // Each chart is the server's SVG, and loads under the page's CSP.
    const charts = page.locator('img.beacon-chart');
    expect(await charts.count()).toBeGreaterThan(3);
    await page.waitForFunction('[...document.querySelectorAll("img.beacon-chart")].every((i) => i.complete && i.naturalWidth > 0)');
    await check('reports');

    // The section's CSV: headings and labels, not codes.
    const csvHref = (await page.getAttribute('[data-csv="wards"]', 'href'))!;
    const csv = await page.request.get(`${base}${csvHref}`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const csvText = await csv.text();
    expect(csvText.split('\r\n')[0]).toBe('Ward,New sign-ups,Leavers,Net change,Subscribers');
    expect(csvText).toContain('Smethwick,1,');
    const svg = await page.request.get(`${base}${(await page.getAttribute('[data-svg="growth"]', 'href'))!}`);
    expect(svg.headers()['content-type']).toContain('image/svg+xml');
    expect(svg.headers()['content-disposition']).toContain('attachment');
    const svgText = await svg.text();
    // The whole force: a line per NPU, by name.
    expect(svgText).toContain('<title>Birmingham East</title>');
    expect(svgText).toContain('<title>Sandwell</title>');
    expect(svgText).toContain(`>${monthName(month).replace(/^(\w{3})\w* /, '$1 ')}</text>`);
    expect(svgText).not.toMatch(MONTH_CODE);

    // One NPU: only its wards.
    await page.selectOption('#area', 'SW');
    await page.click('[data-action="show-report"]');
    await page.waitForURL(/area=SW/);
    await expectContains(page, '#report-heading', 'Sandwell');
    expect(await page.textContent('#section-wards')).not.toContain('Hodge Hill');
  });

  it('an ECO sets up a scheme, adds a member with their consent, makes them coordinator (the list shows them), then closes it', async () => {
    await makeResident(t, { ward: 'BE02', firstName: 'Priya', channels: ['email'] });
    await makeResident(t, { ward: 'SW01', firstName: 'Priyanka', channels: ['email'] });
    await signIn('eco2@journey.test');
    await page.click('.govuk-service-navigation a:has-text("Schemes")');
    await page.waitForURL(/\/console\/schemes$/);
    await page.click('[data-action="new-scheme"]');
    await page.waitForURL(/\/console\/schemes\/new$/);
    await check('scheme-new');
    await page.click('[data-action="create-scheme"]');
    await page.waitForSelector('.govuk-error-summary a[href="#name"]');
    await page.waitForSelector('.govuk-error-summary a[href="#wardCode"]');
    await check('scheme-new-errors');
    await page.fill('#name', 'Shard End Street Watch');
    await page.selectOption('#type', 'street_watch');
    // Only the ECO's own NPU's wards are offered.
    expect(await page.locator('#wardCode option[value="SW01"]').count()).toBe(0);
    await page.selectOption('#wardCode', 'BE02');
    await page.click('[data-action="create-scheme"]');
    await page.waitForURL(/\/console\/schemes\/[0-9a-f-]{36}\?done=created$/);
    const schemeUrl = page.url().replace(/\?.*$/, '');
    await expectContains(page, '#scheme-summary', 'Shard End');
    await check('scheme');

    // Find by name: residents of the NPU only.
    await page.fill('#q', 'Priya');
    await page.click('[data-action="find-resident"]');
    await page.waitForSelector('[data-found]');
    expect(await page.locator('[data-found]').count()).toBe(1);
    // Adding without saying how they agreed: the error summary, nothing stored.
    await page.click('[data-found] [data-action="add-member"]');
    await page.waitForSelector('.govuk-error-summary');
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM scheme_member'))[0].n).toBe(0);
    await check('scheme-add-errors');
    await page.locator('[data-found] input[value="phone"]').check();
    await page.click('[data-found] [data-action="add-member"]');
    await page.waitForURL(/\?done=added$/);
    await expectContains(page, '#member-list', 'Priya Tester');
    expect(await t.sql('SELECT consent FROM scheme_member')).toEqual([{ consent: 'phone' }]);
    await page.click('[data-action="make-coordinator"]');
    await page.waitForURL(/\?done=coordinator$/);
    await expectContains(page, '#scheme-summary', 'Priya Tester');

    // The list's coordinator column (always "–" in the old console) names them.
    await page.click('.govuk-service-navigation a:has-text("Schemes")');
    await page.waitForSelector('#scheme-list');
    const row = page.locator('#scheme-list tr', { hasText: 'Shard End Street Watch' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('Priya Tester');
    await check('schemes');

    await page.goto(schemeUrl);
    await page.fill('#name', 'Shard End Street Watch (closed)');
    await page.check('#status-2');
    await page.click('[data-action="save-scheme"]');
    await page.waitForURL(/\?done=updated$/);
    await expectContains(page, '#scheme-status', 'Closed');
    await expectContains(page, 'h1', 'Shard End Street Watch (closed)');
  });

  it('an admin imports the postcode directory from Admin → Geography: the error summary first, then the counts (post/redirect/get)', async () => {
    await t.sql('DELETE FROM postcode');
    await signIn('admin2@journey.test');
    await page.click('.govuk-service-navigation a:has-text("Geography")');
    await page.waitForURL(/\/console\/geography$/);
    await check('geography');
    await page.click('[data-action="import"]');
    await page.waitForSelector('.govuk-error-summary a[href="#kind"]');
    await page.waitForSelector('.govuk-error-summary a[href="#file"]');
    await check('geography-errors');
    await page.check('input[name="kind"][value="postcodes"]');
    await page.setInputFiles('#file', { name: 'onspd.csv', mimeType: 'text/csv', buffer: Buffer.from(POSTCODE_FILE) });
    await page.click('[data-action="import"]');
    await page.waitForURL(/\/console\/geography\?done=postcodes&/);
    await expectContains(page, '[data-notice="imported"]', '4 lines read, 3 postcodes of the force kept (1 terminated)');
    await check('geography-imported');
    expect(await t.sql('SELECT postcode, ward_code FROM postcode ORDER BY postcode')).toEqual([
      { postcode: 'B27 6QX', ward_code: 'BE03' },
      { postcode: 'B33 8TH', ward_code: 'BE01' },
      { postcode: 'B69 8AA', ward_code: 'SW01' },
    ]);
  });

  it('every page was walked, and no page logged a script error or CSP violation', () => {
    expect([...b.visited].sort()).toEqual(['/console/reports', '/console/schemes', '/console/schemes/new', '/console/schemes/:id', '/console/schemes/:id/members', '/console/geography'].sort());
    expect(b.problems).toEqual([]);
  });
});

// Last in the file: the journeys above count every scheme member.
describe('console schemes: removing a member', () => {
  it('a manager removes a member (post/redirect/get); the coordinator only after another is chosen (error summary); no CSRF token, no change', async () => {
    const coordinator = await makeResident(t, { ward: 'BE01', firstName: 'Cyril' });
    const member = await makeResident(t, { ward: 'BE01', firstName: 'Mona' });
    const api = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    const created = await t.http().post('/api/v1/schemes').set(...api).send({ type: 'neighbourhood_watch', name: 'Removal Road Watch', wardCode: 'BE01', coordinatorResidentId: coordinator.id, coordinatorConsent: 'in_person' }).expect(201);
    const id = (created.body as { id: string }).id;
    await t.http().post(`/api/v1/schemes/${id}/members`).set(...api).send({ residentId: member.id, consent: 'phone' }).expect(201);
    const members = async () => (await t.sql<{ resident_id: string }>('SELECT resident_id FROM scheme_member WHERE scheme_id = $1 ORDER BY joined_at', [id])).map((r) => r.resident_id);
    const eco = await agentFor('eco2@journey.test');
    await eco.agent.post(`/console/schemes/${id}/members/${member.id}/remove`).type('form').send({}).expect(403);
    const refused = await eco.agent.post(`/console/schemes/${id}/members/${coordinator.id}/remove`).type('form').send({ csrfToken: eco.csrf });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.text).toContain('govuk-error-summary');
    expect(refused.text).toContain('choose another coordinator first');
    expect(await members()).toEqual([coordinator.id, member.id]);
    const ok = await eco.agent.post(`/console/schemes/${id}/members/${member.id}/remove`).type('form').send({ csrfToken: eco.csrf }).expect(303);
    expect(ok.headers.location).toBe(`/console/schemes/${id}?done=removed`);
    expect(await members()).toEqual([coordinator.id]);
    expect(await t.sql('SELECT left_at IS NOT NULL AS closed FROM scheme_member_period WHERE scheme_id = $1 AND member_key = $2', [id, member.id])).toEqual([{ closed: true }]);
  });
});
