import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { OutboxStore } from '@beacon/channels';
import { SchemesService } from '@beacon/schemes';
import { dateToUkLocal } from '../apps/api/src/console/message-form';
import { checkPage, consoleAgent, expectContains, hasChromium, rawCodeOn, signInPage, startConsoleApp, useConsoleBrowser, UUID } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import type { TestApp } from './utils/test-app';

// The staff console's residents, patrols, targets and dev outbox (issue 16), and a walk of every page.
if (!hasChromium) console.warn('Skipping the console journeys in a browser: /usr/bin/chromium not found');
const PASSWORD = 'console-journey-password-3';
const DAY_MS = 24 * 3600 * 1000;

let t: TestApp;
let base: string;
let staffIds: Record<string, string>;

beforeAll(async () => {
  ({ t, base, ids: staffIds } = await startConsoleApp({
    name: 'console3',
    domain: 'journey.test',
    password: PASSWORD,
    staff: [
      ['eco3', 'Erin Eco', 'eco', 'BE'],
      ['lead3', 'Lara Lead', 'npu_lead', 'BE'],
      ['analyst3', 'Ana Analyst', 'analyst', null],
      ['admin3', 'Adam Admin', 'admin', null],
    ],
  }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const agentFor = (email: string) => consoleAgent(t, email, PASSWORD);
const count = async (sqlText: string, values?: unknown[]) => (await t.sql<{ n: number }>(sqlText, values))[0].n;

describe('console residents: the rules over HTTP', () => {
  it('a form post without the CSRF token is a 403 and writes nothing (add, preferences, erase)', async () => {
    const r = await makeResident(t, { ward: 'BE01', firstName: 'Csrf', channels: ['email'] });
    const eco = await agentFor('eco3@journey.test');
    const before = await count('SELECT count(*)::int AS n FROM resident');
    const paper = { firstName: 'Door', email: 'door.knock@example.org', wardCode: 'BE01', channels: 'email', source: 'door_knock', consent: 'yes' };
    await eco.agent.post('/console/residents').type('form').send(paper).expect(403);
    await eco.agent.post('/console/residents').type('form').send({ ...paper, csrfToken: 'forged' }).expect(403);
    await eco.agent.post(`/console/residents/${r.id}/preferences`).type('form').send({ channels: 'email', 'minPriority-email': 'urgent', 'minPriority-sms': 'urgent' }).expect(403);
    await eco.agent.post(`/console/residents/${r.id}/erase`).type('form').send({ confirm: 'yes' }).expect(403);
    await eco.agent.post(`/console/patrols/${r.id}/cancel`).type('form').send({}).expect(403);
    await eco.agent.post('/console/scheme-targets').type('form').send({ type: 'street_watch', target: '9', dueDate: '2030-03-31' }).expect(403);
    expect(await count('SELECT count(*)::int AS n FROM resident')).toBe(before);
    expect(await t.sql('SELECT status, first_name FROM resident WHERE id = $1', [r.id])).toEqual([{ status: 'active', first_name: 'Csrf' }]);
    expect(await t.sql("SELECT min_priority FROM resident_channel WHERE resident_id = $1", [r.id])).toEqual([{ min_priority: 'information' }]);
  });

  it('an analyst sees contact details masked: the address and number are absent from the HTML, and searching by them is refused', async () => {
    const r = await makeResident(t, { ward: 'BE02', firstName: 'Maskme', email: 'maskme.person@example.org', phone: '+447911123456', channels: ['email', 'sms'] });
    const analyst = await agentFor('analyst3@journey.test');
    const list = await analyst.agent.get('/console/residents?q=Maskme').expect(200);
    const detail = await analyst.agent.get(`/console/residents/${r.id}`).expect(200);
    for (const html of [list.text, detail.text]) {
      expect(html).toContain('Maskme');
      expect(html).not.toContain('maskme.person@example.org');
      expect(html).not.toContain('maskme.person');
      expect(html).not.toContain('+447911123456');
      expect(html).not.toContain('7911123456');
      expect(html).toContain('m***@example.org');
    }
    // No change forms for a role that only reads.
    expect(detail.text).not.toContain(`/console/residents/${r.id}/erase`);
    await analyst.agent.get('/console/residents/new').expect(403);
    await analyst.agent.post(`/console/residents/${r.id}/erase`).type('form').send({ csrfToken: analyst.csrf, confirm: 'yes' }).expect(403);
    // Searching by a value seen masked would reveal it: the error summary, not a result.
    const probe = await analyst.agent.get('/console/residents?q=maskme.person%40example.org').expect(400);
    expect(probe.text).toContain('govuk-error-summary');
    expect(probe.text).not.toContain('Maskme');
    // Staff who contact residents see the address.
    const eco = await agentFor('eco3@journey.test');
    expect((await eco.agent.get(`/console/residents/${r.id}`).expect(200)).text).toContain('maskme.person@example.org');
    expect(await t.sql('SELECT status FROM resident WHERE id = $1', [r.id])).toEqual([{ status: 'active' }]);
  });

  it('NPU scope: a resident, patrol or target of another NPU is a 403 and nothing changes; an unknown resident a 404', async () => {
    const sw = await makeResident(t, { ward: 'SW01', firstName: 'Sandwellian', channels: ['email'] });
    const eco = await agentFor('eco3@journey.test');
    await eco.agent.get(`/console/residents/${sw.id}`).expect(403);
    await eco.agent.post(`/console/residents/${sw.id}/erase`).type('form').send({ csrfToken: eco.csrf, confirm: 'yes' }).expect(403);
    await eco.agent.post(`/console/residents/${sw.id}/export`).type('form').send({ csrfToken: eco.csrf }).expect(403);
    await eco.agent.post(`/console/residents/${sw.id}/preferences`).type('form').send({ csrfToken: eco.csrf, channels: 'email', 'minPriority-email': 'urgent', 'minPriority-sms': 'urgent' }).expect(403);
    await eco.agent.get('/console/residents/00000000-0000-4000-8000-000000000000').expect(404);
    // A paper form placing someone in another NPU's ward is refused with the error summary.
    const other = await eco.agent.post('/console/residents').type('form').send({ csrfToken: eco.csrf, firstName: 'Far', email: 'far.away@example.org', wardCode: 'SW02', channels: 'email', source: 'event', consent: 'yes' }).expect(400);
    expect(other.text).toContain('href="#wardCode"');
    expect(await count("SELECT count(*)::int AS n FROM resident WHERE first_name = 'Far'")).toBe(0);
    expect(await t.sql('SELECT status FROM resident WHERE id = $1', [sw.id])).toEqual([{ status: 'active' }]);
    expect(await t.sql("SELECT min_priority FROM resident_channel WHERE resident_id = $1", [sw.id])).toEqual([{ min_priority: 'information' }]);

    // An NPU lead sets their own NPU's targets only; the ECO sets none.
    const lead = await agentFor('lead3@journey.test');
    await lead.agent.post('/console/scheme-targets').type('form').send({ csrfToken: lead.csrf, npuCode: 'SW', type: 'street_watch', target: '9', dueDate: '2030-03-31' }).expect(303);
    expect(await t.sql('SELECT npu_code, target FROM scheme_target ORDER BY npu_code')).toEqual([{ npu_code: 'BE', target: 9 }]);
    await eco.agent.post('/console/scheme-targets').type('form').send({ csrfToken: eco.csrf, type: 'street_watch', target: '7', dueDate: '2030-03-31' }).expect(403);
    expect(await t.sql('SELECT target FROM scheme_target')).toEqual([{ target: 9 }]);
    await t.sql('DELETE FROM scheme_target');

    // A patrol of another NPU: neither seen nor cancelled.
    const swScheme = await t.app.get(SchemesService).create({ kind: 'staff', id: staffIds.admin3, role: 'admin', npuCode: null, name: 'A', sessionId: undefined } as never, { type: 'street_watch', name: 'Oldbury Street Watch', wardCode: 'SW01' });
    const swPatrol = await insertPatrol(swScheme.id, Date.now() + 3 * DAY_MS, [sw.id]);
    await eco.agent.get(`/console/patrols/${swPatrol}`).expect(403);
    await eco.agent.post(`/console/patrols/${swPatrol}/cancel`).type('form').send({ csrfToken: eco.csrf }).expect(403);
    expect(await t.sql('SELECT status FROM patrol WHERE id = $1', [swPatrol])).toEqual([{ status: 'planned' }]);
  });

  it('the dev outbox page is for admins only', async () => {
    const eco = await agentFor('eco3@journey.test');
    expect((await eco.agent.get('/console').expect(200)).text).not.toContain('href="/console/outbox"');
    await eco.agent.get('/console/outbox').expect(403);
    const admin = await agentFor('admin3@journey.test');
    expect((await admin.agent.get('/console').expect(200)).text).toContain('href="/console/outbox"');
    await admin.agent.get('/console/outbox').expect(200);
  });
});

/** A patrol straight into the tables (a past one cannot be planned through the service). */
async function insertPatrol(schemeId: string, startsAt: number, volunteers: string[], hours = 2): Promise<string> {
  const [p] = await t.sql<{ id: string }>(
    `INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, $2, $3, 'High Street and back', 'staff:test') RETURNING id`,
    [schemeId, new Date(startsAt), new Date(startsAt + hours * 3600 * 1000)],
  );
  for (const r of volunteers) {
    await t.sql(`INSERT INTO patrol_volunteer (patrol_id, resident_id, during) VALUES ($1, $2, tstzrange($3, $4, '[)'))`, [p.id, r, new Date(startsAt), new Date(startsAt + hours * 3600 * 1000)]);
  }
  return p.id;
}

(hasChromium ? describe : describe.skip)('console journeys in Chromium (residents, patrols, targets, outbox)', () => {
  const b = useConsoleBrowser();
  let page: Page;
  let problems: string[];
  beforeAll(() => {
    ({ page, problems } = b);
  });

  it('an ECO adds a resident from a paper form (source and campaign kept, verification sent to them), changes a resident’s preferences, exports and erases on request', async () => {
    const known = await makeResident(t, { ward: 'BE03', firstName: 'Gwendolyn', channels: ['email'] });
    await signInPage(page, base, 'eco3@journey.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Residents")');
    await page.waitForURL(/\/console\/residents$/);
    await checkPage(page, 'residents');
    await page.click('[data-action="new-resident"]');
    await page.waitForURL(/\/console\/residents\/new$/);
    await checkPage(page, 'resident-new');
    await page.click('[data-action="add-resident"]');
    await page.waitForSelector('.govuk-error-summary a[href="#firstName"]');
    await page.waitForSelector('.govuk-error-summary a[href="#source"]');
    await page.waitForSelector('.govuk-error-summary a[href="#consent"]');
    await checkPage(page, 'resident-new-errors');
    expect(await count("SELECT count(*)::int AS n FROM resident WHERE source = 'door_knock'")).toBe(0);
    await page.fill('#firstName', 'Doris');
    await page.fill('#lastName', 'Knock');
    await page.fill('#email', 'Doris.Knock@Example.org');
    await page.selectOption('#wardCode', 'BE02');
    expect(await page.locator('#wardCode option[value="SW01"]').count()).toBe(0);
    await page.check('input[name="channels"][value="email"]');
    await page.check('input[name="source"][value="door_knock"]');
    await page.fill('#campaignCode', 'SPRING-24');
    await page.check('input[name="consent"]');
    await page.click('[data-action="add-resident"]');
    await page.waitForURL(/\/console\/residents\?done=added$/);
    await expectContains(page, '[data-notice]', 'sent the resident a message to confirm');
    expect(await t.sql("SELECT status, ward_code, source, campaign_code, email_verified_at FROM resident WHERE email = 'doris.knock@example.org'")).toEqual([
      { status: 'pending', ward_code: 'BE02', source: 'door_knock', campaign_code: 'SPRING-24', email_verified_at: null },
    ]);
    // The verification still goes to the resident (the dev outbox stands in for SMTP here).
    const outbox = t.app.get(OutboxStore);
    await waitUntil(() => outbox.list(50).some((e) => e.to === 'doris.knock@example.org'), 20_000, 'the verification e-mail');
    // The staff member's audit row holds neither the name nor the address.
    expect(JSON.stringify(await t.sql('SELECT data FROM audit_event'))).not.toMatch(/doris/i);

    // Find a resident by name, open them, change preferences.
    await page.fill('#q', 'Gwen');
    await page.click('[data-action="search-residents"]');
    await page.waitForSelector('#resident-list a');
    await page.click('#resident-list a:has-text("Gwendolyn")');
    await page.waitForURL(new RegExp(`/console/residents/${known.id}$`));
    await expectContains(page, '#resident-summary', known.email!);
    await checkPage(page, 'resident');
    await page.selectOption('#minPriority-email', 'urgent');
    await page.check('input[name="topics"][value="fraud_scams"]');
    await page.check('input[name="interestGroups"][value="dog_walker"]');
    await page.click('[data-action="save-preferences"]');
    await page.waitForURL(/\?done=preferences$/);
    expect(await t.sql('SELECT min_priority, enabled FROM resident_channel WHERE resident_id = $1', [known.id])).toEqual([{ min_priority: 'urgent', enabled: true }]);
    expect(await t.sql('SELECT topic FROM resident_topic WHERE resident_id = $1', [known.id])).toEqual([{ topic: 'fraud_scams' }]);
    expect(await t.sql('SELECT interest_group FROM resident_interest WHERE resident_id = $1', [known.id])).toEqual([{ interest_group: 'dog_walker' }]);
    await expectContains(page, '#resident-summary', 'Fraud and scams');

    // A subject access request: the export downloads; it is recorded in the staff member's name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-resident"]')]);
    expect(download.suggestedFilename()).toBe('beacon-resident-data.json');
    const exported = JSON.parse(await streamText(await download.createReadStream())) as { resident: { id: string } };
    expect(exported.resident.id).toBe(known.id);
    expect(await count("SELECT count(*)::int AS n FROM audit_event WHERE action = 'residents.exported-on-request' AND actor = $1", [`staff:${staffIds.eco3}`])).toBe(1);

    // Erasure needs the box ticked; then it is done and recorded as the staff member's.
    await page.click('[data-action="erase-resident"]');
    await page.waitForSelector('.govuk-error-summary a[href="#confirm"]');
    expect(await t.sql('SELECT status FROM resident WHERE id = $1', [known.id])).toEqual([{ status: 'active' }]);
    await page.check('input[name="confirm"]');
    await page.click('[data-action="erase-resident"]');
    await page.waitForURL(/\/console\/residents\?done=erased$/);
    expect(await t.sql('SELECT status, first_name, email FROM resident WHERE id = $1', [known.id])).toEqual([{ status: 'erased', first_name: null, email: null }]);
    expect(await t.sql("SELECT actor FROM audit_event WHERE action = 'resident.erased' AND subject = $1", [`resident:${known.id}`])).toEqual([{ actor: `staff:${staffIds.eco3}` }]);
  });

  it('an ECO plans a patrol on the calendar, cancels it with a reason, and reports on one that has ended', async () => {
    const a = await makeResident(t, { ward: 'BE01', firstName: 'Alma', channels: ['email'] });
    const b = await makeResident(t, { ward: 'BE03', firstName: 'Bertie', channels: ['email'] });
    const schemes = t.app.get(SchemesService);
    const admin = { kind: 'staff', id: staffIds.admin3, role: 'admin', npuCode: null, name: 'Adam Admin' } as never;
    const scheme = await schemes.create(admin, { type: 'street_watch', name: 'Hodge Hill Street Watch', wardCode: 'BE01' });
    await schemes.enrol(admin, scheme.id, a.id, 'in_person');
    await schemes.enrol(admin, scheme.id, b.id, 'written');
    const past = await insertPatrol(scheme.id, Date.now() - 5 * 3600 * 1000, [a.id, b.id]);

    await signInPage(page, base, 'eco3@journey.test', PASSWORD);
    await page.goto(`${base}/console/schemes/${scheme.id}`);
    await page.click('[data-action="plan-patrol-link"]');
    await page.waitForURL(/\/patrols\/new$/);
    await checkPage(page, 'patrol-new');
    await page.check(`input[name="volunteers"][value="${a.id}"]`);
    await page.click('[data-action="plan-patrol"]');
    await page.waitForSelector('.govuk-error-summary a[href="#date"]');
    await page.waitForSelector('.govuk-error-summary a[href="#volunteers"]');
    await checkPage(page, 'patrol-new-errors');
    expect(await count('SELECT count(*)::int AS n FROM patrol WHERE scheme_id = $1', [scheme.id])).toBe(1);
    const day = dateToUkLocal(new Date(Date.now() + 2 * DAY_MS)).slice(0, 10);
    await page.fill('#date', day);
    await page.fill('#start', '19:00');
    await page.fill('#end', '21:30');
    await page.fill('#route', 'Coleshill Road, Bucklands End Lane, back via the park');
    await page.check(`input[name="volunteers"][value="${b.id}"]`);
    await page.click('[data-action="plan-patrol"]');
    await page.waitForURL(/\/console\/patrols\/[0-9a-f-]{36}\?done=planned$/);
    const patrolId = /patrols\/([0-9a-f-]{36})/.exec(page.url())![1];
    await expectContains(page, '#patrol-summary', '7:00pm to 9:30pm');
    await checkPage(page, 'patrol');

    // The calendar of that week shows it on its day.
    await page.click('.govuk-back-link');
    await page.waitForURL(/\/console\/patrols\?week=/);
    await expectContains(page, `[data-day="${day}"]`, 'Hodge Hill Street Watch');
    await expectContains(page, `[data-day="${day}"]`, 'Alma, Bertie');
    await checkPage(page, 'patrols');

    await page.goto(`${base}/console/patrols/${patrolId}`);
    await page.fill('#reason', 'Heavy rain forecast');
    await page.click('[data-action="cancel-patrol"]');
    await page.waitForURL(/\?done=cancelled$/);
    await expectContains(page, '#patrol-status', 'Cancelled');
    expect(await t.sql('SELECT status, cancel_reason, cancelled_by FROM patrol WHERE id = $1', [patrolId])).toEqual([{ status: 'cancelled', cancel_reason: 'Heavy rain forecast', cancelled_by: `staff:${staffIds.eco3}` }]);
    await page.click('.govuk-back-link');
    await expectContains(page, `[data-day="${day}"]`, 'Called off: Heavy rain forecast');

    // The patrol that has ended takes its report.
    await page.goto(`${base}/console/patrols/${past}`);
    await page.click('[data-action="report-patrol"]');
    await page.waitForSelector('.govuk-error-summary a[href="#observations"]');
    await checkPage(page, 'patrol-report-errors');
    await page.fill('#observations', 'Quiet night; one insecure shed reported to the owner.');
    await page.click('[data-action="report-patrol"]');
    await page.waitForURL(/\?done=reported$/);
    await expectContains(page, '#patrol-summary', 'insecure shed');
    expect(await t.sql('SELECT observations, reported_by FROM patrol_report WHERE patrol_id = $1', [past])).toEqual([{ observations: 'Quiet night; one insecure shed reported to the owner.', reported_by: `staff:${staffIds.eco3}` }]);
  });

  it('an NPU lead sets a target per type for their NPU and reads it against the schemes', async () => {
    await signInPage(page, base, 'lead3@journey.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Schemes")');
    await page.click('[data-action="scheme-targets"]');
    await page.waitForURL(/\/console\/scheme-targets$/);
    await checkPage(page, 'scheme-targets');
    await page.selectOption('#type', 'street_watch');
    await page.fill('#target', 'lots');
    await page.click('[data-action="set-target"]');
    await page.waitForSelector('.govuk-error-summary a[href="#target"]');
    await page.waitForSelector('.govuk-error-summary a[href="#dueDate"]');
    await checkPage(page, 'scheme-targets-errors');
    await page.fill('#target', '6');
    await page.fill('#dueDate', '2031-03-31');
    await page.click('[data-action="set-target"]');
    await page.waitForURL(/\?done=set$/);
    const row = page.locator('#target-list tr', { hasText: 'Street Watch' });
    const text = ((await row.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('Birmingham East');
    expect(text).toContain('31 March 2031');
    expect(await t.sql("SELECT npu_code, type, target, due_date::text AS due FROM scheme_target WHERE type = 'street_watch'")).toEqual([{ npu_code: 'BE', type: 'street_watch', target: 6, due: '2031-03-31' }]);
  });

  it('an admin reads the dev outbox, and every console page reachable from the navigation shows no UUID or snake_case code', async () => {
    const schemes = t.app.get(SchemesService);
    await schemes.seedDemo();
    await signInPage(page, base, 'admin3@journey.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Outbox")');
    await page.waitForURL(/\/console\/outbox$/);
    await expectContains(page, '#outbox-list', 'doris.knock@example.org');
    expect(await page.locator('[data-verbatim] a[href*="/verify"]').count()).toBeGreaterThan(0);
    await checkPage(page, 'outbox');

    // Breadth first from the home page over every same-console link (one page per route shape).
    const seen = new Set<string>();
    const queue = ['/console'];
    const found: { page: string; uuid: string | null; code: string | null }[] = [];
    const skip = /^\/console\/(sign-out)|\/(csv|chart)(\?|$)|cursor=/;
    while (queue.length && seen.size < 60) {
      const path = queue.shift()!;
      const shape = path.replace(new RegExp(UUID.source, 'gi'), ':id').replace(/\?.*$/, '');
      if (seen.has(shape)) continue;
      seen.add(shape);
      const res = await page.goto(`${base}${path}`);
      expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
      const raw = await rawCodeOn(page);
      if (raw.uuid || raw.code) found.push({ page: path, ...raw });
      const links = (await page.evaluate('[...document.querySelectorAll("a[href^=\\"/console\\"]")].map((a) => a.getAttribute("href"))')) as string[];
      for (const href of links) if (!skip.test(href)) queue.push(href);
    }
    expect(found).toEqual([]);
    for (const must of ['/console/residents', '/console/residents/:id', '/console/schemes', '/console/schemes/:id', '/console/patrols', '/console/scheme-targets', '/console/outbox', '/console/messages', '/console/reports']) {
      expect([...seen]).toContain(must);
    }
    expect(problems).toEqual([]);
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
