// Issue 16, residents' own pages: the public Active Citizens Fund bid form and the resident's
// ballot, over HTTP (CSRF, post/redirect/get, errors write nothing, one resident's link votes
// only for them) and in Chromium (axe-clean at 1280 and 375 px, no raw code or id on screen).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { OutboxStore } from '@beacon/channels';
import { financialYearOf } from '@beacon/funding';
import { ResidentLinksService } from '@beacon/residents';
import { checkPage, csrfOf, hasChromium, launchConsoleBrowser, type ConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { freePort } from './utils/free-port';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

describe('Active Citizens Fund pages', () => {
  let t: TestApp;
  let base: string;
  let admin: Auth;
  const year = financialYearOf();
  const session = (residentId: string, level: 'full' | 'prefs' = 'full') => t.app.get(ResidentLinksService).manageToken(residentId, level);
  const bidCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM bid'))[0].n;
  const votes = (residentId: string) => t.sql<{ bid_id: string }>('SELECT bid_id FROM bid_vote WHERE resident_id = $1 ORDER BY bid_id', [residentId]);
  const good = { npuCode: 'BE', applicantType: 'group', applicantName: 'Friends of Kents Moat', contactEmail: 'friends@example.org', title: 'Park lights', summary: 'Lights along the park path.', theme: 'crime_prevention', amount: '1,250.50' };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ PUBLIC_URL: base, DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-acf-pages-')) });
    await t.app.listen(port, '127.0.0.1');
    await seedGeography(t);
    admin = (await loginAs(t, 'admin')).auth as Auth;
    await t.http().put(`/api/v1/funds/BE/${year}`).set(...admin).send({ budgetPence: 1_000_000 }).expect(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  async function bidAgent() {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/acf/bid').expect(200);
    return { agent, csrf: csrfOf(form.text) };
  }

  it('a bid: without the CSRF token a 403; bad input the error summary and nothing written; then 303 and one bid in pence', async () => {
    const before = await bidCount();
    const { agent, csrf } = await bidAgent();
    await agent.post('/acf/bid').type('form').send(good).expect(403);
    await request(t.app.getHttpServer()).post('/acf/bid').type('form').send({ ...good, csrfToken: csrf }).expect(403);
    const bad = await agent.post('/acf/bid').type('form').send({ ...good, amount: '12.345', theme: 'nonsense', contactEmail: 'x', csrfToken: csrf }).expect(400);
    for (const field of ['contactEmail', 'theme', 'amount']) expect(bad.text).toContain(`href="#${field}"`);
    const noFund = await agent.post('/acf/bid').type('form').send({ ...good, npuCode: 'SW', csrfToken: csrf }).expect(400);
    expect(noFund.text).toContain('no Active Citizens Fund this year');
    expect(await bidCount()).toBe(before);
    const ok = await agent.post('/acf/bid').type('form').send({ ...good, csrfToken: csrf }).expect(303);
    expect(ok.headers.location).toBe('/acf/bid/sent');
    const [bid] = await t.sql<{ amount_requested_pence: string; status: string }>('SELECT amount_requested_pence, status FROM bid WHERE title = $1', ['Park lights']);
    expect(bid).toEqual({ amount_requested_pence: '125050', status: 'submitted' });
  });

  describe('the ballot', () => {
    let bidIds: string[];
    let voter: { id: string };
    let other: { id: string };

    beforeAll(async () => {
      bidIds = [];
      for (const title of ['Youth boxing club', 'Street lighting survey', 'Canal clean-up']) {
        const res = await t.http().post('/api/v1/bids').send({ npuCode: 'BE', financialYear: year, applicantName: 'Group', applicantType: 'group', contactEmail: 'g@example.org', title, summary: `About ${title}`, theme: 'community_cohesion', amountRequestedPence: 50_000 }).expect(201);
        bidIds.push((res.body as { id: string }).id);
      }
      await t.http().post(`/api/v1/funds/BE/${year}/voting`).set(...admin).send({ opensAt: new Date(Date.now() + 3600_000).toISOString(), closesAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(), maxVotesPerResident: 2, bidIds }).expect(200);
      // Open it now (a round can be set only before it opens).
      await t.sql(`UPDATE voting_round SET opens_at = now() - interval '1 minute' WHERE npu_code = 'BE'`);
      voter = await makeResident(t, { ward: 'BE01', firstName: 'Vera' });
      other = await makeResident(t, { ward: 'BE02', firstName: 'Olga' });
    });

    async function ballot(residentId: string) {
      const agent = request.agent(t.app.getHttpServer());
      const page = await agent.get(`/me/vote?token=${encodeURIComponent(session(residentId))}`).expect(200);
      return { agent, csrf: csrfOf(page.text), token: /name="token" value="([^"]+)"/.exec(page.text)![1], html: page.text };
    }

    it('shows the open round with labels, not codes; bad choices are a 400 with nothing written', async () => {
      const { agent, csrf, token, html } = await ballot(voter.id);
      const words = html.replace(/<[^>]*>/g, ' ');
      expect(words).toContain('Youth boxing club');
      expect(words).toContain('£500.00 for community cohesion');
      expect(words).not.toMatch(/community_cohesion|[0-9a-f]{8}-[0-9a-f]{4}-/);
      await agent.post('/me/vote').type('form').send({ token, csrfToken: csrf }).expect(400);
      await agent.post('/me/vote').type('form').send({ token, csrfToken: csrf, bidIds }).expect(400);
      await agent.post('/me/vote').type('form').send({ token, csrfToken: csrf, bidIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
      await agent.post('/me/vote').type('form').send({ token, bidIds: [bidIds[0]] }).expect(403);
      expect(await votes(voter.id)).toEqual([]);
    });

    it('votes once for the link\'s own resident; a forwarded preferences link, another NPU and a second ballot are refused', async () => {
      await request(t.app.getHttpServer()).get(`/me/vote?token=${encodeURIComponent(session(voter.id, 'prefs'))}`).expect(403);
      const elsewhere = await makeResident(t, { ward: 'SW01' });
      const far = await request(t.app.getHttpServer()).get(`/me/vote?token=${encodeURIComponent(session(elsewhere.id))}`).expect(200);
      expect(far.text).toContain('There is no vote at the moment');
      const { agent, csrf, token } = await ballot(voter.id);
      const res = await agent.post('/me/vote').type('form').send({ token, csrfToken: csrf, bidIds: [bidIds[0], bidIds[2]] }).expect(303);
      expect(res.headers.location).toMatch(/^\/me\/vote\/done\?token=/);
      expect((await votes(voter.id)).map((v) => v.bid_id)).toEqual([bidIds[0], bidIds[2]].sort());
      expect(await votes(other.id)).toEqual([]);
      await agent.post('/me/vote').type('form').send({ token, csrfToken: csrf, bidIds: [bidIds[1]] }).expect(409);
      expect((await votes(voter.id)).map((v) => v.bid_id)).toEqual([bidIds[0], bidIds[2]].sort());
    });

    it('a plain /me/vote link (the one a message announcing the round carries) signs the resident in and lands on their ballot', async () => {
      const r = await makeResident(t, { ward: 'BE01', firstName: 'Sid' });
      const plain = await request(t.app.getHttpServer()).get('/me/vote').expect(303);
      expect(plain.headers.location).toBe('/me?next=vote');
      const signIn = await request(t.app.getHttpServer()).get('/me?next=vote').expect(200);
      expect(signIn.text).toContain('Sign in to vote');
      expect(signIn.text).toContain('name="next" value="vote"');
      await request(t.app.getHttpServer()).post('/me/link').type('form').send({ email: r.email, next: 'vote' }).expect(303);
      const outbox = t.app.get(OutboxStore);
      await waitUntil(() => outbox.list(200).some((e) => e.to === r.email), 30_000, 'the sign-in e-mail');
      const mail = outbox.list(200).find((e) => e.to === r.email)!;
      const link = /\/me\?token=[A-Za-z0-9_.-]+&next=vote/.exec(mail.text)?.[0];
      expect(link).toBeDefined();
      const landed = await request(t.app.getHttpServer()).get(link!).expect(303);
      expect(landed.headers.location).toMatch(/^\/me\/vote\?token=/);
      const page = await request(t.app.getHttpServer()).get(landed.headers.location as string).expect(200);
      expect(page.text).toContain('Cast your vote');
      // Only listed pages: any other `next` is the ordinary sign-in, and never a redirect elsewhere.
      const odd = await request(t.app.getHttpServer()).get('/me?next=https://evil.example').expect(200);
      expect(odd.text).not.toContain('name="next"');
      // A message's preferences-only link does not become a ballot session by adding next.
      const prefs = await request(t.app.getHttpServer()).get(`/me?token=${encodeURIComponent(session(r.id, 'prefs'))}&next=vote`).expect(200);
      expect(prefs.text).not.toContain('Cast your vote');
    }, 60_000);

    (hasChromium ? it : it.skip)('in Chromium: the bid form with its errors, the ballot, a vote (axe-clean, no codes)', async () => {
      const b: ConsoleBrowser = await launchConsoleBrowser();
      try {
        const { page } = b;
        await page.goto(`${base}/acf/bid`);
        await checkPage(b, 'acf-bid-form');
        await page.click('button:has-text("Send the bid")');
        await page.waitForSelector('.govuk-error-summary a[href="#npuCode"]');
        await checkPage(b, 'acf-bid-form-errors');
        await page.selectOption('#npuCode', 'BE');
        await page.check('label:has-text("Community group")');
        await page.fill('#applicantName', 'Shard End Residents');
        await page.fill('#contactEmail', 'shard@example.org');
        await page.fill('#title', 'Safer alleyways');
        await page.fill('#summary', 'Gates for the alleyways.');
        await page.check('label:has-text("Crime prevention")');
        await page.fill('#amount', '800');
        await page.click('button:has-text("Send the bid")');
        await page.waitForURL(`${base}/acf/bid/sent`);
        await checkPage(b, 'acf-bid-sent');
        expect(await t.sql('SELECT 1 FROM bid WHERE title = $1', ['Safer alleyways'])).toHaveLength(1);

        await page.goto(`${base}/me?token=${session(other.id)}`);
        await page.click('a:has-text("Vote for Active Citizens Fund projects")');
        await page.waitForURL(/\/me\/vote\?token=/);
        await checkPage(b, 'acf-ballot');
        await page.click('button:has-text("Cast your vote")');
        await page.waitForSelector('.govuk-error-summary a[href="#bidIds"]');
        await checkPage(b, 'acf-ballot-errors');
        await page.check('label:has-text("Canal clean-up")');
        await page.click('button:has-text("Cast your vote")');
        await page.waitForURL(/\/me\/vote\/done\?token=/);
        await checkPage(b, 'acf-voted');
        await page.reload();
        expect((await votes(other.id)).map((v) => v.bid_id)).toEqual([bidIds[2]]);
        expect(b.problems).toEqual([]);
      } finally {
        await b.browser.close();
      }
    }, 240_000);
  });
});
