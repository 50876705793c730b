import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaffService } from '@beacon/auth';
import { checkPage, CHROMIUM, consoleAgent, expectContains, hasChromium, signInPage, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { broadcast } from './utils/messages';
import { freePort } from './utils/free-port';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';

// Issue 23 in the console: compose from a template, translations entered and kept, recipients by language.
if (!hasChromium) console.warn(`Skipping the rich-message console journey in a browser: ${CHROMIUM} not found`);
const PASSWORD = 'console-rich-password-1';

let t: TestApp;
let base: string;
let templateId: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ PUBLIC_URL: base, LANGUAGES: 'en,ur,pl', DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-console-rich-')) });
  await t.app.listen(port, '127.0.0.1');
  await seedGeography(t);
  await t.app.get(StaffService).create({ email: 'eco-rich@journey.test', name: 'Erin Eco', password: PASSWORD, role: 'eco', npuCode: 'BE' });
  const admin = (await loginAs(t, 'admin')).auth;
  const tpl = await t
    .http()
    .post('/api/v1/templates')
    .set(...admin)
    .send({ name: 'Burglary appeal', category: 'appeal', title: 'Burglary in {{location}}', body: 'On {{date}} a house in {{location}} was broken into. Call 101 quoting {{crime_ref}}.' })
    .expect(201);
  templateId = tpl.body.id;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const agent = () => consoleAgent(t, 'eco-rich@journey.test', PASSWORD);
const messageRow = async (id: string) =>
  (await t.sql<{ title: string; body: string; template_id: string | null; translations: Record<string, { title: string; body: string }> }>('SELECT title, body, template_id, translations FROM message WHERE id = $1', [id]))[0];
const idFrom = (location: string) => /\/console\/messages\/([0-9a-f-]{36})/.exec(location)?.[1] ?? '';
const baseForm = { category: 'appeal', priority: 'standard', channels: 'email', wardCodes: 'BE01', when: 'now' };

describe('console compose: templates and translations', () => {
  it('offers the templates; one chosen fills the title and body and asks for each of its fields by name', async () => {
    const eco = await agent();
    const page = await eco.agent.get('/console/messages/new').expect(200);
    expect(page.text).toContain('Burglary appeal');
    const chosen = await eco.agent.get(`/console/messages/new?template=${templateId}`).expect(200);
    expect(chosen.text).toContain('Burglary in {{location}}');
    expect(chosen.text).toContain(`name="templateId" value="${templateId}"`);
    for (const f of ['location', 'date', 'crime_ref']) expect(chosen.text).toContain(`name="field_${f}"`);
    expect(chosen.text).toContain('Crime ref');
    // Each offered language but English has its own title and body, marked with its language and direction.
    expect(chosen.text).toMatch(/id="title_ur"[^>]*lang="ur"[^>]*dir="rtl"|lang="ur"[^>]*dir="rtl"[^>]*id="title_ur"/);
    expect(chosen.text).toContain('name="body_pl"');
    await eco.agent.get('/console/messages/new?template=00000000-0000-4000-8000-000000000000').expect(404);
    await eco.agent.get('/console/messages/new?template=not-a-template').expect(400);
  });

  it('composes from the template with its fields and a translation; the draft holds plain text', async () => {
    const eco = await agent();
    const res = await eco.agent
      .post('/console/messages')
      .type('form')
      .send({
        ...baseForm,
        csrfToken: eco.csrf,
        templateId,
        title: 'Burglary in {{location}}',
        body: 'On {{date}} a house in {{location}} was broken into. Call 101 quoting {{crime_ref}}.',
        field_location: 'Coleshill Road',
        field_date: '3 March',
        field_crime_ref: '20/1234',
        title_ur: '{{location}} میں چوری',
        body_ur: '{{date}} کو {{location}} میں ایک گھر میں چوری ہوئی۔ 101 پر {{crime_ref}} بتائیں۔',
        title_pl: '',
        body_pl: '',
      })
      .expect(303);
    const id = idFrom(res.headers.location);
    const row = await messageRow(id);
    expect(row).toEqual({
      title: 'Burglary in Coleshill Road',
      body: 'On 3 March a house in Coleshill Road was broken into. Call 101 quoting 20/1234.',
      template_id: templateId,
      translations: { ur: { title: 'Coleshill Road میں چوری', body: '3 March کو Coleshill Road میں ایک گھر میں چوری ہوئی۔ 101 پر 20/1234 بتائیں۔' } },
    });
    const detail = await eco.agent.get(`/console/messages/${id}`).expect(200);
    expect(detail.text).toContain('Urdu');
    expect(detail.text).toContain('Coleshill Road میں چوری');
  });

  it('a missing field, a field the template lacks or half a translation comes back with the error summary and stores nothing', async () => {
    const eco = await agent();
    const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message'))[0].n;
    const before = await count();
    const post = (extra: Record<string, string>) => eco.agent.post('/console/messages').type('form').send({ ...baseForm, csrfToken: eco.csrf, templateId, title: 'Burglary in {{location}}', body: 'Call 101 quoting {{crime_ref}}.', field_location: 'Coleshill Road', field_crime_ref: '20/1', ...extra });
    const missing = await post({ field_crime_ref: '' }).expect(400);
    expect(missing.text).toContain('govuk-error-summary');
    expect(missing.text).toContain('href="#field_crime_ref"');
    expect(missing.text).toContain('Enter the crime ref');
    const unknown = await post({ body_ur: 'کال {{suspect}}', title_ur: 'چوری' }).expect(400);
    expect(unknown.text).toContain('href="#body_ur"');
    expect(unknown.text).toContain('Use only the template’s fields');
    const half = await post({ title_pl: 'Włamanie' }).expect(400);
    expect(half.text).toContain('href="#body_pl"');
    const noTemplate = await eco.agent.post('/console/messages').type('form').send({ ...baseForm, csrfToken: eco.csrf, title: 'Burglary in {{location}}', body: 'Body' }).expect(400);
    expect(noTemplate.text).toContain('href="#title"');
    expect(await count()).toBe(before);
  });

  it('changing a draft keeps its translations and template, and a translation can be added or changed there', async () => {
    const eco = await agent();
    const ecoApi = (await loginAs(t, 'eco', 'BE')).auth;
    const m = await t
      .http()
      .post('/api/v1/messages')
      .set(...ecoApi)
      .send({ templateId, fields: { location: 'Stechford', date: '4 May', crime_ref: '20/99' }, translations: [{ language: 'ur', title: '{{location}} میں چوری', body: 'اردو متن {{crime_ref}}' }], category: 'appeal', channels: ['email'], audience: { wardCodes: ['BE01'] } })
      .expect(201);
    const edit = await eco.agent.get(`/console/messages/${m.body.id}/edit`).expect(200);
    expect(edit.text).toContain('Stechford میں چوری');
    // The form as the browser sends it back, title changed only.
    await eco.agent
      .post(`/console/messages/${m.body.id}`)
      .type('form')
      .send({ ...baseForm, csrfToken: eco.csrf, templateId, title: 'Burglary in Stechford: can you help?', body: m.body.body, title_ur: 'Stechford میں چوری', body_ur: 'اردو متن 20/99', title_pl: 'Włamanie w Stechford', body_pl: 'Zadzwoń pod 101.' })
      .expect(303);
    expect(await messageRow(m.body.id)).toEqual({
      title: 'Burglary in Stechford: can you help?',
      body: m.body.body,
      template_id: templateId,
      translations: { ur: { title: 'Stechford میں چوری', body: 'اردو متن 20/99' }, pl: { title: 'Włamanie w Stechford', body: 'Zadzwoń pod 101.' } },
    });
  });
});

describe('console compose in Chromium: template, fields, Urdu translation, sent, recipients by language', () => {
  const b = useConsoleBrowser();

  (hasChromium ? it : it.skip)(
    'an ECO starts from the template, fills its fields and an Urdu translation, sends it, and reads the recipients by language',
    async () => {
      const urdu = await makeResident(t, { ward: 'BE02', channels: ['email'] });
      const polish = await makeResident(t, { ward: 'BE02', channels: ['email'] });
      await makeResident(t, { ward: 'BE02', channels: ['email'] });
      await t.sql(`UPDATE resident SET language = CASE id WHEN $1 THEN 'Urdu' ELSE 'Polish' END WHERE id IN ($1, $2)`, [urdu.id, polish.id]);
      const { page } = b;
      await signInPage(page, base, 'eco-rich@journey.test', PASSWORD);
      await page.goto(`${base}/console/messages/new`);
      await checkPage(b, 'compose-templates');
      await page.selectOption('#template', { label: 'Burglary appeal (Appeal for information)' });
      await page.click('[data-action="use-template"]');
      await page.waitForURL(/template=/);
      await checkPage(b, 'compose-from-template');
      expect(await page.locator('#title_ur').getAttribute('dir')).toBe('rtl');
      await page.fill('#field_location', 'Shard End');
      await page.fill('#field_date', '5 June');
      await page.fill('#field_crime_ref', '20/777');
      await page.click('#translation-inputs summary:has-text("Urdu")');
      await page.fill('#title_ur', '{{location}} میں چوری');
      await page.fill('#body_ur', '{{date}} کو چوری ہوئی۔ {{crime_ref}}');
      await page.check('input[name="wardCodes"][value="BE02"]');
      await page.click('[data-action="save-draft"]');
      await page.waitForURL(/\/console\/messages\/[0-9a-f-]{36}\?done=saved/);
      await expectContains(page, 'h1', 'Burglary in Shard End');
      await expectContains(page, '#translations', 'Shard End میں چوری');
      await checkPage(b, 'message-with-translation');
      await page.click('[data-action="confirm"]');
      await page.click('[data-action="send"]');
      await page.waitForURL(/done=sending/);
      const deadline = Date.now() + 60_000;
      for (;;) {
        await page.reload();
        const text = (await page.locator('#recipients-by-language').textContent().catch(() => '')) ?? '';
        if (/Urdu\s*1/.test(text) && /English\s*2/.test(text)) break;
        if (Date.now() > deadline) throw new Error(`recipients by language never showed: ${text}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await checkPage(b, 'message-by-language');
      expect(b.problems).toEqual([]);
    },
    180_000,
  );
});

describe('reports: recipients by the language they got the message in', () => {
  it('the SIM pack counts a month\'s recipients per language (a translation where one was there, English otherwise), in the API and on the console page', async () => {
    const ecoSW = (await loginAs(t, 'eco', 'SW')).auth;
    const urdu = await makeResident(t, { ward: 'SW01', channels: ['email', 'sms'] });
    const polish = await makeResident(t, { ward: 'SW01', channels: ['email'] });
    await makeResident(t, { ward: 'SW01', channels: ['email'] });
    await t.sql(`UPDATE resident SET language = CASE id WHEN $1 THEN 'اردو' ELSE ' polish ' END WHERE id IN ($1, $2)`, [urdu.id, polish.id]);
    const translated = await broadcast(t, ecoSW, { title: 'Road closed', body: 'The high street is closed today.', category: 'road_safety', channels: ['email', 'sms'], audience: { wardCodes: ['SW01'] }, translations: [{ language: 'ur', title: 'سڑک بند', body: 'آج ہائی اسٹریٹ بند ہے۔' }] });
    // A second message with no translation: all three get English.
    await broadcast(t, ecoSW, { title: 'Meeting', body: 'Community meeting on Friday.', category: 'meeting', channels: ['email'], audience: { wardCodes: ['SW01'] } });
    expect(translated).toBeTruthy();
    const month = (await t.sql<{ m: string }>(`SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM') AS m`))[0].m;
    const pack = await t.http().get(`/api/v1/reports/sim?npu=SW&month=${month}`).set(...ecoSW).expect(200);
    // Recipients are residents per message (the Urdu reader by e-mail and SMS counts once).
    expect(pack.body.messages.byLanguage).toEqual([
      { language: 'en', recipients: 5 },
      { language: 'ur', recipients: 1 },
    ]);
    await t.app.get(StaffService).create({ email: 'eco-rich-sw@journey.test', name: 'Sam Eco', password: PASSWORD, role: 'eco', npuCode: 'SW' });
    const eco = await consoleAgent(t, 'eco-rich-sw@journey.test', PASSWORD);
    const page = await eco.agent.get(`/console/reports?month=${month}`).expect(200);
    expect(page.text).toContain('Recipients by language');
    expect(page.text).toMatch(/Urdu<\/td>\s*<td[^>]*>1<\/td>/);
  }, 120_000);
});
