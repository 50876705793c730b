import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { financialYearOf } from '@beacon/funding';
import { MessageLinksService } from '@beacon/messaging';
import { ResidentLinksService } from '@beacon/residents';
import { clearMissingPageTexts, missingPageTexts, PageI18n } from '@beacon/web';
import { checkPage, CHROMIUM, csrfOf, hasChromium, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { freePort } from './utils/free-port';
import { broadcast, deliveryId } from './utils/messages';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import { ratingToken } from './utils/world';

// Issue 23: resident pages in the resident's language (i18next catalogues), right to left for Urdu.
if (!hasChromium) console.warn(`Skipping the right-to-left check in a browser: ${CHROMIUM} not found`);

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // French is offered for messages but has no page catalogue: its pages stay English.
  t = await createTestApp({ PUBLIC_URL: base, LANGUAGES: 'en,ur,pl,fr' });
  await t.app.listen(port, '127.0.0.1');
  await seedGeography(t);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const htmlTag = (html: string) => /<html[^>]*>/.exec(html)?.[0] ?? '';
const bodyTag = (html: string) => /<body[^>]*>/.exec(html)?.[0] ?? '';
const cookieOf = (res: { headers: Record<string, unknown> }) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('beacon_lang='))?.split(';')[0];

describe('resident pages in the resident’s language', () => {
  it('?lang=ur shows the sign-up page in Urdu, right to left, and remembers the choice; Polish is left to right', async () => {
    const ur = await t.http().get('/signup?lang=ur').expect(200);
    expect(htmlTag(ur.text)).toContain('lang="ur"');
    expect(bodyTag(ur.text)).toContain('dir="rtl"');
    expect(ur.text).toContain('<h1 class="govuk-heading-l">Beacon پیغامات کے لیے سائن اپ کریں</h1>');
    expect(ur.text).toContain('جرائم کی اطلاعات'); // a topic, from the catalogue's vocabulary
    expect(ur.text).toContain('سائن اپ کریں');
    expect(ur.text).not.toContain('Send me messages by');
    const cookie = cookieOf(ur);
    expect(cookie).toBe('beacon_lang=ur');
    // The other offered languages with a catalogue are linked, in their own names; French has none.
    expect(ur.text).toContain('href="/signup?lang=pl" lang="pl" hreflang="pl">Polski</a>');
    expect(ur.text).toContain('href="/signup?lang=en" lang="en" hreflang="en">English</a>');
    expect(ur.text).not.toContain('lang=fr');

    const again = await t.http().get('/signup').set('Cookie', cookie!).expect(200);
    expect(htmlTag(again.text)).toContain('lang="ur"');

    const pl = await t.http().get('/signup?lang=pl').expect(200);
    expect(htmlTag(pl.text)).toContain('lang="pl"');
    expect(bodyTag(pl.text)).not.toContain('dir=');
    expect(pl.text).toContain('Zapisz się na wiadomości Beacon');
    expect(pl.text).toContain('Wolę nie podawać');
  });

  it('the preferred language is chosen from the force\'s list, each in its own name', async () => {
    const page = await t.http().get('/signup').expect(200);
    const options = [...(/<select[^>]*id="language"[^>]*>([\s\S]*?)<\/select>/.exec(page.text)?.[1] ?? '').matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2].trim()]);
    expect(options).toEqual([
      ['', 'Not given'],
      ['en', 'English'],
      ['ur', 'اردو (Urdu)'],
      ['pl', 'Polski (Polish)'],
      ['fr', 'Français (French)'],
    ]);
  });

  it('a language not offered, without a catalogue or malformed is English and sets nothing', async () => {
    for (const lang of ['fr', 'de', 'ur"><script>', '']) {
      const res = await t.http().get(`/signup?lang=${encodeURIComponent(lang)}`).expect(200);
      expect(htmlTag(res.text)).toContain('lang="en"');
      expect(res.text).toContain('Sign up for Beacon messages');
      expect(cookieOf(res)).toBeUndefined();
    }
    const tampered = await t.http().get('/signup').set('Cookie', 'beacon_lang=xx').expect(200);
    expect(htmlTag(tampered.text)).toContain('lang="en"');
  });

  it('the unsubscribe page follows the remembered language; a staff page stays English, marked so', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'] });
    const token = t.app.get(ResidentLinksService).unsubscribeUrl(r.id, 'email').split('/u/')[1];
    const page = await t.http().get(`/u/${token}`).set('Cookie', 'beacon_lang=ur').expect(200);
    expect(htmlTag(page.text)).toContain('lang="ur"');
    expect(page.text).toContain('ای میلز بند کریں');
    expect(page.text).toContain('>تمام پیغامات بند کریں</button>');
    // Addresses (shown masked) are isolated, so an e-mail address reads left to right in an Urdu sentence.
    expect(page.text).toMatch(/ای میل \(<bdi>[^<]*@example\.org<\/bdi>\)/);
    const console = await t.http().get('/console/sign-in').set('Cookie', 'beacon_lang=ur');
    expect(htmlTag(console.text)).toContain('lang="en"');
    expect(bodyTag(console.text)).not.toContain('dir=');
  });
});

describe('right to left in Chromium', () => {
  const b = useConsoleBrowser();

  (hasChromium ? it : it.skip)(
    'the Urdu sign-up page is laid out right to left (headings and fields start at the right), accessible at desktop and phone widths',
    async () => {
      const { page } = b;
      await page.goto(`${base}/signup?lang=ur`);
      const layout = (await page.evaluate(`(() => {
        const main = document.querySelector('main').getBoundingClientRect();
        const h1 = document.querySelector('h1');
        const range = document.createRange();
        range.selectNodeContents(h1);
        const text = range.getBoundingClientRect();
        const input = document.querySelector('#firstName').getBoundingClientRect();
        const box = document.querySelector('#topics-crime_alerts').getBoundingClientRect();
        const boxLabel = document.querySelector('label[for="topics-crime_alerts"]').getBoundingClientRect();
        const boxBefore = getComputedStyle(document.querySelector('label[for="topics-crime_alerts"]'), '::before');
        return { boxLeft: box.left, labelLeft: boxLabel.left, beforeRight: boxBefore.right, lang: document.documentElement.lang, direction: getComputedStyle(h1).direction, mainLeft: main.left, mainRight: main.right, textLeft: text.left, textRight: text.right, inputLeft: input.left, inputRight: input.right };
      })()`)) as Record<string, number | string>;
      expect({ lang: layout.lang, direction: layout.direction }).toEqual({ lang: 'ur', direction: 'rtl' });
      const n = (k: string) => Number(layout[k]);
      // The heading's text hugs the right edge of the column, far from its left one.
      expect(Math.abs(n('mainRight') - n('textRight'))).toBeLessThan(40);
      expect(n('textLeft') - n('mainLeft')).toBeGreaterThan(100);
      // A narrow input starts at the right too.
      expect(n('inputRight')).toBeGreaterThan(n('inputLeft'));
      expect(n('mainRight') - n('inputRight')).toBeLessThan(40);
      // A tick box is to the right of its label, and its drawn square on the right side.
      expect(n('boxLeft')).toBeGreaterThan(n('labelLeft'));
      expect(layout.beforeRight).toBe('2px');
      await checkPage(page, 'resident-signup-urdu');
      // The choice of language follows the resident to the next page; English is one link away.
      await page.click('#page-languages a[lang="en"]');
      await page.waitForURL(/lang=en/);
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      expect(await page.evaluate('getComputedStyle(document.querySelector("h1")).direction')).toBe('ltr');
      expect(b.problems).toEqual([]);
    },
    120_000,
  );
});

/**
 * Every resident page in Urdu: each text from the catalogue (i18next's missing-key handler and the
 * page translator record any key the Urdu catalogue lacks), and no English left on the page.
 */
describe('every resident page in Urdu', () => {
  // Test data in Urdu too, so any Latin words left on a page are the page's own.
  const TITLE = 'گلی میں چوری';
  let resident: { id: string; email: string | null };
  let rating: string;
  let survey: string;
  let web: string;

  beforeAll(async () => {
    const eco = (await loginAs(t, 'eco', 'BE')).auth;
    resident = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], topics: ['crime_alerts'], firstName: 'عائشہ' });
    // The stored language, as a sign-up or an import writes it (free text is accepted too).
    await t.sql(`UPDATE resident SET language = 'Urdu' WHERE id = $1`, [resident.id]);
    const messageId = await broadcast(t, eco, { title: TITLE, body: 'کل رات دو گاڑیاں توڑی گئیں۔', category: 'crime_alert', channels: ['email'], audience: { wardCodes: ['BE01'], topics: ['crime_alerts'] } });
    rating = ratingToken(t, await deliveryId(t, messageId, resident.id));
    web = t.app.get(MessageLinksService).webVersionUrl(messageId).split('/m/')[1];
    const created = await t.http().post('/api/v1/surveys').set(...eco).send({ title: 'سروے', questions: [{ kind: 'scale_5', text: 'کیسا رہا؟' }, { kind: 'free_text', text: 'کچھ اور؟', required: false }, { kind: 'multiple_choice', text: 'کون سا؟', options: [{ value: 'one', label: 'ایک' }, { value: 'two', label: 'دو' }], required: false }] }).expect(201);
    await t.http().post(`/api/v1/surveys/${created.body.id}/open`).set(...eco).expect(200);
    survey = t.app.get(MessageLinksService).surveyUrl(created.body.id, resident.id).split('/s/')[1];
    // An open Active Citizens Fund vote in the resident's NPU (BE); none in SW.
    const admin = (await loginAs(t, 'admin')).auth;
    const year = financialYearOf();
    await t.http().put(`/api/v1/funds/BE/${year}`).set(...admin).send({ budgetPence: 1_000_000 }).expect(200);
    const bidIds: string[] = [];
    for (const title of ['باکسنگ کلب', 'نہر کی صفائی']) {
      const res = await t.http().post('/api/v1/bids').send({ npuCode: 'BE', financialYear: year, applicantName: 'گروپ', applicantType: 'group', contactEmail: 'g@example.org', title, summary: `${title} کے بارے میں`, theme: 'community_cohesion', amountRequestedPence: 50_000 }).expect(201);
      bidIds.push((res.body as { id: string }).id);
    }
    await t.http().post(`/api/v1/funds/BE/${year}/voting`).set(...admin).send({ opensAt: new Date(Date.now() + 3600_000).toISOString(), closesAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(), maxVotesPerResident: 1, bidIds }).expect(200);
    await t.sql(`UPDATE voting_round SET opens_at = now() - interval '1 minute' WHERE npu_code = 'BE'`);
    ballotBids = bidIds;
    // Watch schemes (names in Urdu too): the resident coordinates a Street Watch with a partner and
    // a patrol, is invited to another scheme, and can join a third.
    const newScheme = async (body: Record<string, unknown>) => ((await t.http().post('/api/v1/schemes').set(...eco).send(body).expect(201)).body as { id: string }).id;
    const partner = await makeResident(t, { ward: 'BE01', firstName: 'فاطمہ' });
    const other = await makeResident(t, { ward: 'BE01', firstName: 'حمزہ' });
    watch = await newScheme({ type: 'street_watch', name: 'گلی کی نگرانی', wardCode: 'BE01', coordinatorResidentId: resident.id, coordinatorConsent: 'in_person' });
    await t.http().post(`/api/v1/schemes/${watch}/members`).set(...eco).send({ residentId: partner.id, consent: 'in_person' }).expect(201);
    const canal = await newScheme({ type: 'canal_watch', name: 'نہر کی نگرانی', wardCode: 'BE01', coordinatorResidentId: other.id, coordinatorConsent: 'in_person' });
    await newScheme({ type: 'neighbourhood_watch', name: 'پارک کی نگرانی', wardCode: 'BE02' });
    const links = t.app.get(ResidentLinksService);
    await t.http().post(`/me/schemes/${canal}/members/invite`).type('form').send({ token: links.manageToken(other.id, 'full'), email: resident.email! }).expect(303);
    const day = new Date(Date.now() + 8 * 24 * 3600_000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    await t.http().post(`/me/schemes/${watch}/patrols`).type('form').send({ token: links.manageToken(resident.id, 'full'), partner: partner.id, day, startTime: '19:00', endTime: '21:00', route: 'پارک کے گرد' }).expect(303);
  }, 120_000);
  let ballotBids: string[];
  let watch: string;

  /** The words a resident reads: text, button and link names, titles; not the language links (each in its own language), lists of places (ward names) or what residents typed. */
  const wordsOf = (html: string) =>
    html
      .replace(/<nav[^>]*id="page-languages"[\s\S]*?<\/nav>/, ' ')
      .replace(/<(script|style|select|textarea)\b[\s\S]*?<\/\1>/g, ' ')
      .replace(/<meta[^>]*>/g, ' ')
      .replace(/\b(?:aria-label|title|alt)="([^"]*)"/g, '>$1<')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&[a-z#0-9]+;/gi, ' ');
  // Two or more Latin words in a row: an English phrase (single names such as Beacon, SMS or an address are not).
  const ENGLISH = /[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,})+/g;

  it('renders in Urdu, right to left, with every text from the Urdu catalogue and no English left', async () => {
    const links = t.app.get(ResidentLinksService);
    const full = links.manageToken(resident.id, 'full');
    const prefs = links.manageToken(resident.id, 'prefs');
    const unsubscribe = links.unsubscribeUrl(resident.id, 'email').split('/u/')[1];
    const form = (path: string, body: Record<string, string>) => t.http().post(path).type('form').send(body);
    // The ballot's form needs its CSRF cookie and token.
    const vote = async (bidIds: string[]) => {
      const agent = request.agent(t.app.getHttpServer());
      const csrfToken = csrfOf((await agent.get(`/me/vote?token=${full}`)).text);
      return agent.post('/me/vote').type('form').send({ token: full, csrfToken, bidIds });
    };
    // Reached from a resident's token: the stored language, nothing else asked.
    type Page = () => PromiseLike<{ status: number; text: string; headers: Record<string, string> }>;
    const fromToken: [string, number, Page][] = [
      ['manage (full)', 200, () => t.http().get(`/me?token=${full}`)],
      ['manage (saved)', 200, () => t.http().get(`/me?token=${full}&saved=1`)],
      ['manage (preferences link)', 200, () => t.http().get(`/me?token=${prefs}`)],
      ['manage errors', 400, () => form('/me', { token: full, firstName: '', wardCode: 'BE01', channels: 'email', quietStart: 'x', email: 'nope', phone: '1' })],
      ['delete without the tick', 400, () => form('/me/delete', { token: full })],
      ['verified', 200, () => t.http().get(`/verify/done?token=${full}`)],
      ['unsubscribe', 200, () => t.http().get(`/u/${unsubscribe}`)],
      ['unsubscribed', 200, () => t.http().get(`/u/${unsubscribe}/done?scope=email`)],
      ['archive', 200, () => t.http().get(`/me/messages?token=${full}`)],
      ['rating', 200, () => t.http().get(`/r/${rating}`)],
      ['rating confirm', 200, () => t.http().get(`/r/${rating}?score=4`)],
      ['rated', 200, async () => (await t.http().post(`/r/${rating}`).type('form').send({ score: '4', comment: '' }).expect(303), t.http().get(`/r/${rating}/rated`))],
      ['rating again', 200, () => t.http().get(`/r/${rating}`)],
      ['replied', 200, () => t.http().get(`/r/${rating}/replied`)],
      ['survey', 200, () => t.http().get(`/s/${survey}`)],
      ['survey errors', 400, () => form(`/s/${survey}`, { 'q-x': '1' })],
      ['survey thanks', 200, () => t.http().get(`/s/${survey}/done`)],
      ['ballot', 200, () => t.http().get(`/me/vote?token=${full}`)],
      ['ballot errors', 400, () => vote([ballotBids[0], ballotBids[1]])],
      ['voted', 200, async () => (await vote([ballotBids[0]]), t.http().get(`/me/vote/done?token=${full}`))],
      ['schemes', 200, () => t.http().get(`/me/schemes?token=${full}`)],
      ['schemes (patrol registered)', 200, () => t.http().get(`/me/schemes?token=${full}&done=patrol`)],
      ['patrol form', 200, () => t.http().get(`/me/schemes/${watch}/patrols/new?token=${full}`)],
      ['patrol errors', 400, () => form(`/me/schemes/${watch}/patrols`, { token: full, startTime: 'x' })],
      ['scheme members', 200, () => t.http().get(`/me/schemes/${watch}/members?token=${full}&done=invited`)],
      ['scheme invitation errors', 400, () => form(`/me/schemes/${watch}/members/invite`, { token: full, email: 'nope' })],
      ['no vote here', 200, async () => t.http().get(`/me/vote?token=${links.manageToken((await makeResident(t, { ward: 'SW01', firstName: 'زینب' })).id, 'full')}&lang=ur`)],
    ];
    // Without a token: ?lang= (or the browser's Accept-Language), within the force's languages.
    const asked: [string, number, Page][] = [
      ['sign-up', 200, () => t.http().get('/signup?lang=ur')],
      ['sign-up errors', 400, () => form('/signup?lang=ur', { firstName: '', channels: 'email', email: 'nope' })],
      ['sign-up sent', 200, () => t.http().get('/signup/sent').set('Accept-Language', 'ur-PK, ur;q=0.9, en;q=0.5')],
      ['sms code', 200, () => t.http().get('/verify?lang=ur')],
      ['sms code errors', 400, () => form('/verify?lang=ur', { phone: 'x', code: '1' })],
      ['sign in', 200, () => t.http().get('/me?lang=ur')],
      ['sign in to vote', 200, () => t.http().get('/me?next=vote&lang=ur')],
      ['sign in errors', 400, () => form('/me/link?lang=ur', { email: 'nope' })],
      ['sign-in link sent', 200, () => t.http().get('/me/link/sent?lang=ur')],
      ['deleted', 200, () => t.http().get('/me/deleted?lang=ur')],
      ['expired sign-in link', 400, () => t.http().get('/me?token=x.y.z&lang=ur')],
      ['bid form', 200, () => t.http().get('/acf/bid?lang=ur')],
      ['bid form errors', 400, async () => {
        const agent = request.agent(t.app.getHttpServer());
        const csrfToken = csrfOf((await agent.get('/acf/bid?lang=ur')).text);
        return agent.post('/acf/bid').type('form').send({ csrfToken, amount: 'lots' });
      }],
      ['bid sent', 200, () => t.http().get('/acf/bid/sent?lang=ur')],
      ['web version', 200, () => t.http().get(`/m/${web}?lang=ur`)],
      ['bad rating link', 400, () => t.http().get('/r/not-a-token?lang=ur')],
      ['bad unsubscribe link', 400, () => t.http().get('/u/not-a-token?lang=ur')],
      ['bad archive link', 400, () => t.http().get('/me/messages?token=x&lang=ur')],
      ['bad survey link', 400, () => t.http().get('/s/not-a-token?lang=ur')],
      ['bad web version link', 400, () => t.http().get('/m/not-a-token?lang=ur')],
    ];
    clearMissingPageTexts();
    const english: Record<string, string[]> = {};
    for (const [name, status, get] of [...fromToken, ...asked]) {
      const res = (await get()) as { status: number; text: string; headers: Record<string, string> };
      expect({ name, status: res.status, type: res.headers['content-type'] }).toEqual({ name, status, type: expect.stringMatching(/^text\/html/) });
      expect({ name, html: htmlTag(res.text), body: bodyTag(res.text) }).toEqual({ name, html: expect.stringContaining('lang="ur"'), body: expect.stringContaining('dir="rtl"') });
      const words = wordsOf(res.text)
        // The web version's sender: a staff name.
        .replace(/eco BE/g, ' ')
        // Place names (the ballot's NPU, the schemes' wards) are names, not English.
        .replace(/Birmingham East|Hodge Hill|Shard End/g, ' ')
        // The sign-up hint's example campaign code: printed in Latin letters whatever the language.
        .replace(/OP-WHOLESTONE/g, ' ')
        .match(ENGLISH);
      if (words) english[name] = words;
    }
    expect(missingPageTexts()).toEqual([]);
    expect(english).toEqual({});
  }, 180_000);

  const b = useConsoleBrowser();
  // Where things sit on the page: the main column, the h1's text, and a GOV.UK element.
  const layoutOf = (page: import('playwright-core').Page, selector: string) =>
    page.evaluate(`(() => {
      const main = document.querySelector('main').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('h1'));
      const text = range.getBoundingClientRect();
      const el = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect();
      return { lang: document.documentElement.lang, dir: document.body.dir, direction: getComputedStyle(document.querySelector('h1')).direction, mainLeft: main.left, mainRight: main.right, textLeft: text.left, textRight: text.right, elLeft: el.left, elRight: el.right };
    })()`) as Promise<Record<string, number | string>>;

  (hasChromium ? it : it.skip)(
    'the rating and preferences pages, reached from the resident’s links, are Urdu, mirrored and accessible',
    async () => {
      const { page } = b;
      const full = t.app.get(ResidentLinksService).manageToken(resident.id, 'full');
      for (const [name, path, selector] of [
        // The score buttons flow from the right: "1" is the rightmost.
        ['resident-rating-urdu', `/r/${rating}`, 'button[name="score"][value="1"]'],
        ['resident-preferences-urdu', `/me?token=${full}`, 'form[action="/me"] button.govuk-button'],
      ] as const) {
        await page.context().clearCookies();
        await page.goto(`${base}${path}`);
        const l = await layoutOf(page, selector);
        expect({ name, lang: l.lang, dir: l.dir, direction: l.direction }).toEqual({ name, lang: 'ur', dir: 'rtl', direction: 'rtl' });
        const n = (k: string) => Number(l[k]);
        // The heading hugs the right edge of the column, and the GOV.UK button sits at the right, far from the left.
        expect(Math.abs(n('mainRight') - n('textRight'))).toBeLessThan(40);
        expect(Math.abs(n('mainRight') - n('elRight'))).toBeLessThan(60);
        expect(n('elLeft') - n('mainLeft')).toBeGreaterThan(100);
        await checkPage(page, name);
      }
      expect(b.problems).toEqual([]);
    },
    180_000,
  );

  it('a key no catalogue has is recorded by the missing-key handler (the check above can fail)', () => {
    clearMissingPageTexts();
    const { t: ur } = t.app.get(PageI18n).forRequest({ query: { lang: 'ur' }, cookies: {}, headers: {}, path: '/' } as never, { cookie: () => undefined, locals: {} } as never);
    expect(ur('manage.title')).toBe('اپنے Beacon پیغامات کا انتظام کریں');
    expect(ur('manage.noSuchText')).toBe('manage.noSuchText');
    expect(missingPageTexts()).toEqual(['en:manage.noSuchText', 'ur:manage.noSuchText']);
    clearMissingPageTexts();
  });
});
