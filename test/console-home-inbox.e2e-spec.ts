import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StaffService } from '@beacon/auth';
import { FundingService } from '@beacon/funding';
import { ReportAggregatesService } from '@beacon/reports';
import { checkPage, consoleAgent, expectContains, hasChromium, signInPage, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import type { TestApp } from './utils/test-app';

// The console's home dashboard and inbox (issue 16): what waits for the role, assigning a reply
// to a colleague, unread replies, rating comments; rules over HTTP, then the journey in Chromium.
const PASSWORD = 'console-home-inbox-password-1';

let t: TestApp;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  ({ t, base, ids } = await startConsoleApp({
    name: 'home-inbox',
    domain: 'home.test',
    password: PASSWORD,
    staff: [
      ['eco', 'Erin Eco', 'eco', 'BE'],
      ['officer', 'Olly Officer', 'officer', 'BE'],
      ['lead', 'Lara Lead', 'npu_lead', 'BE'],
      ['ecoSW', 'Sam Sandwell', 'eco', 'SW'],
      ['gone', 'Dee Departed', 'eco', 'BE'],
      ['analyst', 'Ana Analyst', 'analyst', null],
      ['admin', 'Adam Admin', 'admin', null],
    ],
  }));
  await t.sql(`UPDATE staff SET active = false WHERE id = $1`, [ids.gone]);
});
afterAll(async () => {
  await t?.close();
});

const agent = (key: string) => consoleAgent(t, `${key}@home.test`, PASSWORD);

/** A sent message of NPU `npu` and a reply to it from a new resident of `ward`; optionally their rating. */
async function replyTo(ward: string, npu: string, body: string, rating?: { score: number; comment: string }): Promise<{ replyId: string; messageId: string }> {
  const resident = await makeResident(t, { ward, firstName: 'Pat', channels: ['email'] });
  const [m] = await t.sql<{ id: string }>(
    `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status, sent_at)
     VALUES ($1, $2, 'Bike thefts', 'Lock your bike.', 'other', 'standard', '{email}', '{}', $3, 'sent', now()) RETURNING id`,
    [npu === 'BE' ? ids.eco : ids.ecoSW, npu, `{${ward}}`],
  );
  const [r] = await t.sql<{ id: string }>(`INSERT INTO reply (message_id, resident_id, body, via, npu_code) VALUES ($1, $2, $3, 'web', $4) RETURNING id`, [m.id, resident.id, body, npu]);
  if (rating) await t.sql(`INSERT INTO rating (message_id, resident_id, score, comment) VALUES ($1, $2, $3, $4)`, [m.id, resident.id, rating.score, rating.comment]);
  return { replyId: r.id, messageId: m.id };
}
/** The inbox card (one `data-reply` block) holding `text`. */
const cardOf = (html: string, text: string) => html.split('data-reply').find((chunk) => chunk.includes(text)) ?? '';
const assignee = async (replyId: string) => (await t.sql<{ a: string | null }>('SELECT assigned_to_id AS a FROM reply WHERE id = $1', [replyId]))[0].a;

describe('console inbox: assigning a reply to a colleague', () => {
  it('assigns to an active colleague who may answer it; anyone else, another NPU’s reply or a post without the CSRF token is refused and writes nothing', async () => {
    const { replyId } = await replyTo('BE01', 'BE', 'Street lights out on Bromford Lane');
    const eco = await agent('eco');
    const post = (staffId: string, csrfToken = eco.csrf) => eco.agent.post(`/console/inbox/${replyId}/assign`).type('form').send({ csrfToken, staffId });

    await eco.agent.post(`/console/inbox/${replyId}/assign`).type('form').send({ staffId: ids.officer }).expect(403);
    expect(await assignee(replyId)).toBeNull();

    // Not a colleague who may answer it: another NPU's ECO, a deactivated account, an analyst (no inbox), nonsense.
    for (const who of [ids.ecoSW, ids.gone, ids.analyst, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const res = await post(who).expect(400);
      expect(res.text).toContain('govuk-error-summary');
      expect(res.text).toContain('Choose a colleague who can answer replies for this NPU');
      expect(await assignee(replyId)).toBeNull();
    }
    // Another NPU's staff cannot touch the reply at all.
    const sw = await agent('ecoSW');
    await sw.agent.post(`/console/inbox/${replyId}/assign`).type('form').send({ csrfToken: sw.csrf, staffId: ids.ecoSW }).expect(403);
    expect(await assignee(replyId)).toBeNull();

    const ok = await post(ids.officer).expect(303);
    expect(ok.headers.location).toBe('/console/inbox?done=assigned');
    expect(await assignee(replyId)).toBe(ids.officer);
    // A force-wide admin may be given it too; an empty choice takes it off everyone.
    await post(ids.admin).expect(303);
    expect(await assignee(replyId)).toBe(ids.admin);
    await post('').expect(303);
    expect(await assignee(replyId)).toBeNull();

    // The list says who has it, and offers only the right colleagues.
    await post(ids.officer).expect(303);
    const page = await eco.agent.get('/console/inbox').expect(200);
    const card = cardOf(page.text, 'Street lights out');
    expect(card).toContain('Assigned to Olly Officer');
    const select = /<select[^>]*name="staffId"[^>]*>([\s\S]*?)<\/select>/.exec(card)![1];
    expect(select).toContain('Lara Lead');
    expect(select).toContain('Adam Admin');
    expect(select).not.toContain('Sam Sandwell');
    expect(select).not.toContain('Dee Departed');
    expect(select).not.toContain('Ana Analyst');
  });

  it('a bearer token is no credential for the form, and a console session none for the JSON API', async () => {
    const { replyId } = await replyTo('BE03', 'BE', 'Speeding on Stechford Road');
    const login = await t.http().post('/api/v1/auth/staff/login').send({ email: 'eco@home.test', password: PASSWORD }).expect(200);
    const res = await t.http().post(`/console/inbox/${replyId}/assign`).set('Authorization', `Bearer ${login.body.accessToken}`).type('form').send({ staffId: ids.officer }).expect(303);
    expect(res.headers.location).toContain('/console/sign-in');
    expect(await assignee(replyId)).toBeNull();
    const eco = await agent('eco');
    await eco.agent.get('/api/v1/inbox').expect(401);
  });

  it('“Assigned to me” lists only the replies given to the signed-in colleague', async () => {
    const mine = await replyTo('BE02', 'BE', 'Parking on the pavement near the school');
    const theirs = await replyTo('BE02', 'BE', 'Dog fouling in the park');
    await t.sql('UPDATE reply SET assigned_to_id = $1 WHERE id = $2', [ids.lead, mine.replyId]);
    await t.sql('UPDATE reply SET assigned_to_id = $1 WHERE id = $2', [ids.officer, theirs.replyId]);
    const lead = await agent('lead');
    const page = await lead.agent.get('/console/inbox?status=mine').expect(200);
    expect(page.text).toContain('Parking on the pavement');
    expect(page.text).not.toContain('Dog fouling');
  });
});

describe('console inbox: rating comments', () => {
  it('a reply shows the resident’s rating of the message; the comments tab lists the NPU’s rating comments only', async () => {
    await replyTo('BE03', 'BE', 'Thanks for the advice', { score: 5, comment: 'Clear and useful' });
    await replyTo('SW01', 'SW', 'Who do I call?', { score: 2, comment: 'Sandwell comment' });
    const eco = await agent('eco');
    const open = await eco.agent.get('/console/inbox').expect(200);
    expect(cardOf(open.text, 'Thanks for the advice')).toContain('Rated the message 5 – Useful: “Clear and useful”');
    const comments = await eco.agent.get('/console/inbox?status=comments').expect(200);
    expect(comments.text).toContain('Clear and useful');
    expect(comments.text).toContain('Bike thefts');
    expect(comments.text).not.toContain('Sandwell comment');
  });
});

describe('console navigation: each role its sections', () => {
  const sections = async (key: string) => {
    const home = (await (await agent(key)).agent.get('/console').expect(200)).text;
    const nav = /<nav[^>]*govuk-service-navigation[\s\S]*?<\/nav>/.exec(home)?.[0] ?? '';
    return [...nav.matchAll(/href="(\/console[^"]*)"/g)].map((m) => m[1]);
  };

  it('an analyst reads; an admin has every section; nobody is offered the old console', async () => {
    const analyst = await sections('analyst');
    expect(analyst).toEqual(expect.arrayContaining(['/console', '/console/messages', '/console/reports', '/console/schemes', '/console/acf']));
    expect(analyst).not.toContain('/console/inbox');
    expect(analyst).not.toContain('/console/staff');
    const admin = await sections('admin');
    expect(admin).toEqual(expect.arrayContaining(['/console', '/console/messages', '/console/inbox', '/console/residents', '/console/reports', '/console/staff', '/console/outbox']));
    expect([...analyst, ...admin].some((href) => href.startsWith('/console/legacy'))).toBe(false);
    await (await agent('admin')).agent.get('/console/legacy').expect(404);
  });
});

describe('console messages: the two-person rule in the console', () => {
  it('a force-wide message waits on the home page for a second approver, who approves it from its page; its author gets no button and a 403', async () => {
    const second = (await t.app.get(StaffService).create({ email: 'admin2@home.test', name: 'Ada Approver', password: PASSWORD, role: 'admin', npuCode: null })).id;
    const [m] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status, send_requested_at)
       VALUES ($1, NULL, 'Force-wide appeal', 'Body', 'other', 'standard', '{email}', '{}', '{BE01}', 'pending_approval', now()) RETURNING id`,
      [ids.admin],
    );
    const status = async () => (await t.sql<{ status: string; approved_by: string | null }>('SELECT status, approved_by FROM message WHERE id = $1', [m.id]))[0];
    const author = await agent('admin');
    expect((await author.agent.get(`/console/messages/${m.id}`).expect(200)).text).not.toContain('data-action="approve"');
    await author.agent.post(`/console/messages/${m.id}/approve`).type('form').send({ csrfToken: author.csrf }).expect(403);
    const approver = await agent('admin2');
    const home = (await approver.agent.get('/console').expect(200)).text;
    expect(/data-tile="pending"[\s\S]*?<\/div>/.exec(home)?.[0].replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')).toMatch(/\b[1-9]\d* messages? waiting for approval/);
    const page = (await approver.agent.get(`/console/messages/${m.id}`).expect(200)).text;
    expect(page).toContain('data-action="approve"');
    await approver.agent.post(`/console/messages/${m.id}/approve`).type('form').send({}).expect(403);
    expect(await status()).toEqual({ status: 'pending_approval', approved_by: null });
    const res = await approver.agent.post(`/console/messages/${m.id}/approve`).type('form').send({ csrfToken: approver.csrf }).expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^/console/messages/${m.id}\\?done=`));
    const after = await status();
    expect(after.approved_by).toBe(second);
    expect(after.status).not.toBe('pending_approval');
  });
});

describe('the landing page’s favicon', () => {
  it('every page links an SVG favicon that is served, and /favicon.ico answers with it', async () => {
    const landing = (await agent('eco').then((a) => a.agent.get('/').expect(200))).text;
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(landing)?.[1];
    expect(href).toMatch(/favicon\.svg$/);
    const icon = await t.http().get(href!).expect(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    const ico = await t.http().get('/favicon.ico').expect(200);
    expect(ico.headers['content-type']).toContain('image/svg+xml');
  });
});

describe('console messages: the SMS preview', () => {
  it('a draft for e-mail and SMS shows both previews, the text with its length in characters and segments', async () => {
    const [m] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status)
       VALUES ($1, 'BE', 'Bins day moved', 'Bins go out on Tuesday this week.', 'other', 'standard', '{email,sms}', '{}', '{BE01}', 'draft') RETURNING id`,
      [ids.eco],
    );
    const eco = await agent('eco');
    const page = (await eco.agent.get(`/console/messages/${m.id}`).expect(200)).text;
    expect(page).toContain('class="beacon-email-frame"');
    const sms = /id="sms-preview">([^<]*)</.exec(page)?.[1] ?? '';
    expect(sms).toContain('Bins go out on Tuesday this week.');
    expect(page).toMatch(/\d+ characters, \d+ SMS segments? per resident/);
  });
});

describe('console home: what waits for the signed-in role', () => {
  it('counts open and unread replies (seeing them in the inbox reads them), today’s patrols, bids awaiting decision and sign-ups this month against last', async () => {
    // Replies of SW (the tests above add one more).
    await replyTo('SW02', 'SW', 'First');
    await replyTo('SW02', 'SW', 'Second');
    const [scheme] = await t.sql<{ id: string }>(`INSERT INTO scheme (type, name, ward_code) VALUES ('street_watch', 'Oldbury Street Watch', 'SW01') RETURNING id`);
    const londonDay = `(date_trunc('day', now() AT TIME ZONE 'Europe/London') + $2::interval) AT TIME ZONE 'Europe/London'`;
    for (const at of ['12 hours', '36 hours'])
      await t.sql(`INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, ${londonDay}, ${londonDay} + interval '2 hours', 'High Street', 'test')`, [scheme.id, at]);
    await t.app.get(FundingService).setBudget('SW', '2026-27', 1_000_000);
    for (const title of ['Youth club', 'Garden'])
      await t
        .http()
        .post('/api/v1/bids')
        .send({ npuCode: 'SW', financialYear: '2026-27', applicantName: 'Oldbury Residents', applicantType: 'group', contactEmail: 'oldbury@example.org', title, summary: 'A summary.', theme: 'youth_violence', amountRequestedPence: 10_000 })
        .expect(201);
    for (let i = 0; i < 3; i++) await makeResident(t, { ward: 'SW01' });
    const last = await makeResident(t, { ward: 'SW02' });
    await t.sql(`UPDATE resident SET activated_at = now() - interval '1 month' WHERE id = $1`, [last.id]);
    await t.app.get(ReportAggregatesService).refresh();

    await t.app.get(StaffService).create({ email: 'leadsw@home.test', name: 'Lee Lead', password: PASSWORD, role: 'npu_lead', npuCode: 'SW' });
    const lead = await consoleAgent(t, 'leadsw@home.test', PASSWORD);
    const [{ open }] = await t.sql<{ open: number }>(`SELECT count(*)::int AS open FROM reply WHERE npu_code = 'SW' AND status = 'open'`);
    expect(open).toBeGreaterThanOrEqual(2);
    const home = (await lead.agent.get('/console').expect(200)).text;
    const tile = (id: string, html = home) => (new RegExp(`data-tile="${id}"[\\s\\S]*?</div>`).exec(html)?.[0] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(tile('open-replies')).toContain(`${open} replies waiting for an answer, ${open} unread`);
    expect(tile('patrols-today')).toContain('1 patrol today');
    expect(home).toContain('Oldbury Street Watch');
    expect(tile('bids')).toContain('2 bids waiting for a decision');
    // Every SW resident this file made is this month's, but the one moved to last month.
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM resident r JOIN ward w ON w.code = r.ward_code WHERE w.npu_code = 'SW' AND r.activated_at >= date_trunc('month', now() AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London'`,
    );
    expect(n).toBeGreaterThanOrEqual(3);
    expect(tile('signups')).toContain(`${n} sign-ups this month (1 last month), your NPU`);

    await lead.agent.get('/console/inbox').expect(200);
    const after = (await lead.agent.get('/console').expect(200)).text;
    expect(tile('open-replies', after)).toContain(`${open} replies waiting for an answer, none unread`);

    // An analyst: no inbox, no bids to decide; the sign-ups, force-wide.
    const analyst = await agent('analyst');
    const a = (await analyst.agent.get('/console').expect(200)).text;
    expect(a).not.toContain('data-tile="open-replies"');
    expect(a).not.toContain('data-tile="bids"');
    expect(a).toContain('data-tile="signups"');
  });
});

(hasChromium ? describe : describe.skip)('console home and inbox in Chromium', () => {
  const b = useConsoleBrowser();

  it('an ECO sees the dashboard, gives a reply to a colleague, reads the rating comments and closes a reply', async () => {
    await replyTo('BE01', 'BE', 'Graffiti on the underpass', { score: 6, comment: 'Very quick response' });
    await signInPage(b.page, base, 'eco@home.test', PASSWORD);
    await expectContains(b.page, '[data-tile="open-replies"]', 'unread');
    await checkPage(b, 'home-dashboard');
    await b.page.click('[data-tile="open-replies"] a');
    await b.page.waitForURL(/\/console\/inbox$/);
    await checkPage(b, 'inbox-open');
    const card = b.page.locator('[data-reply]', { hasText: 'Graffiti on the underpass' });
    await expectContains(b.page, '[data-reply]:has-text("Graffiti on the underpass")', 'Rated the message 6');
    await card.locator('select[name="staffId"]').selectOption({ label: 'Olly Officer' });
    await card.locator('[data-action="assign"]').click();
    await b.page.waitForURL(/done=assigned$/);
    await expectContains(b.page, '[data-reply]:has-text("Graffiti on the underpass")', 'Assigned to Olly Officer');
    await checkPage(b, 'inbox-assigned');
    await b.page.click('a:has-text("Rating comments")');
    await b.page.waitForURL(/status=comments$/);
    await expectContains(b.page, '#rating-comment-list', 'Very quick response');
    await checkPage(b, 'inbox-comments');
    await b.page.goto(`${base}/console/inbox`);
    await b.page.locator('[data-reply]', { hasText: 'Graffiti on the underpass' }).locator('[data-action="close"]').click();
    await b.page.waitForURL(/done=closed$/);
    expect(await b.page.locator('[data-reply]', { hasText: 'Graffiti on the underpass' }).count()).toBe(0);
    expect(b.problems).toEqual([]);
  });

  it('a second admin finds a force-wide message waiting on the home page, reads its e-mail and SMS previews and approves it', async () => {
    const approverId = (await t.app.get(StaffService).create({ email: 'approver@home.test', name: 'Aled Approver', password: PASSWORD, role: 'admin', npuCode: null })).id;
    const [m] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status, send_requested_at)
       VALUES ($1, NULL, 'Scam calls', 'Police will never ask for your bank details on the phone.', 'other', 'standard', '{email,sms}', '{}', '{BE01}', 'pending_approval', now()) RETURNING id`,
      [ids.admin],
    );
    await signInPage(b.page, base, 'approver@home.test', PASSWORD);
    await expectContains(b.page, '[data-tile="pending"]', 'waiting for approval');
    await b.page.goto(`${base}/console/messages/${m.id}`);
    await expectContains(b.page, '#sms-preview', 'Police will never ask for your bank details on the phone.');
    expect(await b.page.locator('text=/\\d+ characters, \\d+ SMS segments? per resident/').count()).toBe(1);
    expect(await b.page.locator('.beacon-email-frame').count()).toBe(1);
    await checkPage(b, 'message-pending-approval');
    await b.page.click('[data-action="approve"]');
    await b.page.waitForURL(new RegExp(`/console/messages/${m.id}\\?done=`));
    const [after] = await t.sql<{ status: string; approved_by: string | null }>('SELECT status, approved_by FROM message WHERE id = $1', [m.id]);
    expect(after.approved_by).toBe(approverId);
    expect(after.status).not.toBe('pending_approval');
    expect(b.problems).toEqual([]);
  }, 120_000);
});
