import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkPage, consoleAgent, hasChromium, signInPage, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import type { TestApp } from './utils/test-app';

// The console's campaign page (issue 22): the campaign's figures per tactic, officer and team, and
// the signed-in officer's own sign-up link and QR code (a resident signing up through it is theirs).
const PASSWORD = 'console-campaign-password';
let t: TestApp;
let base: string;
let ids: Record<string, string>;

beforeAll(async () => {
  ({ t, base, ids } = await startConsoleApp({
    name: 'console-campaign',
    domain: 'campaign.test',
    password: PASSWORD,
    staff: [
      ['ecoBE', 'Erin Eco', 'eco', 'BE'],
      ['annBE', 'PC Ann', 'officer', 'BE'],
      ['samSW', 'PC Sam', 'officer', 'SW'],
      ['analyst', 'Ana Analyst', 'analyst', null],
    ],
  }));
  await t.sql(
    `WITH c AS (INSERT INTO campaign (code, name, npu_code, tactic, starts_on, ends_on, created_by) VALUES ('OP-WHOLESTONE', 'Op Wholestone', 'BE', 'door_knock', '2019-10-01', '2019-10-31', $1) RETURNING id)
     INSERT INTO campaign_area (campaign_id, ward_code, role, households) SELECT id, w, r, h FROM c, (VALUES ('BE01', 'target', 2000), ('BE02', 'control', 4000)) v(w, r, h)`,
    [ids.ecoBE],
  );
  const { id } = await makeResident(t, { ward: 'BE01' });
  await t.sql(`UPDATE resident SET activated_at = '2019-10-10T10:00:00Z', source = 'online', campaign_code = 'OP-WHOLESTONE', assisted_by = $2 WHERE id = $1`, [id, ids.annBE]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const signIn = (key: string) => consoleAgent(t, `${key}@campaign.test`, PASSWORD);
const words = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ');

describe('console campaign page over HTTP', () => {
  it('lists the campaigns of the staff member’s NPU, linked from the reports page', async () => {
    const { agent } = await signIn('annBE');
    expect((await agent.get('/console/reports').expect(200)).text).toContain('href="/console/campaigns"');
    const list = await agent.get('/console/campaigns').expect(200);
    expect(list.text).toContain('<a class="govuk-link" href="/console/campaigns/OP-WHOLESTONE">Op Wholestone</a>');
    expect(words(list.text)).toContain('Door knock');
    const other = await (await signIn('samSW')).agent.get('/console/campaigns').expect(200);
    expect(other.text).not.toContain('Op Wholestone');
  });

  it('shows the officer their own link and QR code, the tactics and the sign-ups per officer and team', async () => {
    const { agent } = await signIn('annBE');
    const page = await agent.get('/console/campaigns/OP-WHOLESTONE').expect(200);
    const link = /data-officer-link>([^<]+)</.exec(page.text)![1];
    expect(link).toMatch(new RegExp(`^${base}/signup\\?campaign=OP-WHOLESTONE&amp;officer=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(page.text).toContain('<svg');
    const text = words(page.text);
    expect(text).toContain('Your sign-up link');
    expect(text).toContain('Door knock 1 0');
    expect(text).toContain('PC Ann 1 1 0 1');
    expect(text).toContain('Hodge Hill 1 1 0 1 1');
    // The link it shows signs a resident up as Ann's.
    const officer = decodeURIComponent(/officer=([^"&<]+)/.exec(link.replace(/&amp;/g, '&'))![1]);
    await t.http().post('/api/v1/residents').send({ firstName: 'Door', email: 'door@example.org', wardCode: 'BE01', channels: ['email'], consent: true, campaignCode: 'OP-WHOLESTONE', officer }).expect(202);
    expect(await t.sql(`SELECT assisted_by FROM resident WHERE email = 'door@example.org'`)).toEqual([{ assisted_by: ids.annBE }]);
  });

  it('gives an analyst the figures without a link; another NPU’s officer and an unknown campaign get nothing', async () => {
    const analyst = await (await signIn('analyst')).agent.get('/console/campaigns/OP-WHOLESTONE').expect(200);
    expect(analyst.text).not.toContain('data-officer-link');
    expect(words(analyst.text)).toContain('PC Ann');
    const sam = (await signIn('samSW')).agent;
    const other = await sam.get('/console/campaigns/OP-WHOLESTONE');
    expect(other.status).toBe(403);
    expect(other.text).not.toContain('PC Ann');
    await sam.get('/console/campaigns/OP-NOPE').expect(404);
    await sam.get(`/console/campaigns/${encodeURIComponent('"><b>')}`).expect(404);
  });
});

describe('console campaign page in Chromium', () => {
  const b = useConsoleBrowser();
  (hasChromium ? it : it.skip)(
    'is accessible at desktop and phone width, with no raw codes or ids on screen',
    async () => {
      await signInPage(b.page, base, 'annBE@campaign.test', PASSWORD);
      await b.page.goto(`${base}/console/campaigns`);
      await checkPage(b, 'campaigns');
      await b.page.click('a[href="/console/campaigns/OP-WHOLESTONE"]');
      await b.page.waitForURL(`${base}/console/campaigns/OP-WHOLESTONE`);
      await checkPage(b, 'campaign');
      expect(b.problems).toEqual([]);
    },
    120_000,
  );
});
