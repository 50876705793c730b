import { beforeEach, describe, expect, it } from '@jest/globals';
import { LinkTokenService } from '@beacon/auth';
import { ResidentLinksService } from '@beacon/residents';
import { waitUntil, type CapturedMail } from './utils/smtp-sink';
import { GOVUK_STYLESHEET, LAYOUT_SCRIPTS, pageScripts, unlabelledControls } from './utils/html-page';
import { useSuite } from './utils/suite';
import { type StubSms } from './utils/twilio-stub';

const XSS = '<script>alert("x")</script>';

describe('resident pages (server-rendered, no JavaScript)', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let seq = 0;

  beforeEach(async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
  });

  const uniqueEmail = (tag = 'page') => `${tag}.${++seq}.${Date.now()}@example.org`;
  const uniquePhone = () => `07911 13${String(1000 + ++seq).slice(-4)}`;
  const e164 = (national: string) => `+44${national.replace(/\s/g, '').slice(1)}`;
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const waitMail = async (address: string, n = 1): Promise<CapturedMail> => {
    await waitUntil(() => mailsTo(address).length >= n, 20_000, `${n} e-mail(s) to ${address}`);
    return mailsTo(address)[n - 1];
  };
  const waitSms = async (phone: string): Promise<StubSms> => {
    await waitUntil(() => stub.messages.some((m) => m.to === phone), 20_000, `SMS to ${phone}`);
    return stub.messages.filter((m) => m.to === phone)[0];
  };
  const tokenIn = (mail: CapturedMail, path: string) => new RegExp(`http://beacon\\.test${path}\\?token=([A-Za-z0-9_.-]+)`).exec(mail.parsed.text ?? '')![1];
  const hiddenToken = (page: string) => /<input type="hidden" name="token" value="([^"]+)">/.exec(page)![1];
  const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
  const postForm = (path: string, fields: [string, string][]) => t.http().post(path).type('form').send(form(fields));
  /** The page a 303 leads to, fetched as a browser would (with the cookies the POST set). */
  const afterRedirect = (res: { headers: Record<string, string | string[] | undefined> }) =>
    t
      .http()
      .get(String(res.headers.location))
      .set('Cookie', ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; '))
      .expect(200);
  const counts = async () =>
    Promise.all(
      ['resident', 'resident_channel', 'resident_topic', 'resident_interest', 'resident_sms_code', 'pgboss.job'].map(
        async (table) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n,
      ),
    );
  const signupFields = (over: Record<string, string | string[]> = {}): [string, string][] => {
    const fields: Record<string, string | string[]> = {
      firstName: 'Pat',
      lastName: 'Page',
      email: uniqueEmail(),
      phone: '',
      postcode: '',
      wardCode: 'BE02',
      channels: ['email'],
      topics: ['crime_alerts', 'appeals'],
      consent: 'yes',
      ...over,
    };
    return Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
  };

  describe('GET /signup', () => {
    it('is an accessible form: labels for every control, wards grouped by NPU, consent, no scripts', async () => {
      const res = await t.http().get('/signup?campaign=LEAFLET-7&source=door_knock').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      const page = res.text;
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(page).toMatch(/^<!DOCTYPE html>/);
      expect(page).toContain('<html lang="en" class="govuk-template">');
      expect(page).toMatch(GOVUK_STYLESHEET);
      expect(page).toContain('<form method="post" action="/signup" novalidate>');
      expect(page).toContain('<optgroup label="Birmingham East">');
      expect(page).toContain('<optgroup label="Sandwell">');
      expect(page).toContain('<option value="SW02">Smethwick</option>');
      for (const id of ['firstName', 'lastName', 'email', 'phone', 'postcode', 'wardCode', 'consent', 'channels-email', 'channels-sms', 'topics-crime_alerts', 'interestGroups-dog_walker', 'ageBand', 'ethnicity', 'language']) {
        expect([id, page.includes(`id="${id}"`)]).toEqual([id, true]);
      }
      expect(unlabelledControls(page)).toEqual([]);
      expect(page).toContain('<input type="hidden" name="campaignCode" value="LEAFLET-7">');
      expect(page).toContain('<input type="hidden" name="source" value="door_knock">');
      expect(pageScripts(page)).toEqual(LAYOUT_SCRIPTS);
    });

    it('drops a campaign or source that is not valid instead of echoing it', async () => {
      const res = await t.http().get(`/signup?campaign=${encodeURIComponent('"><b>x')}&source=evil`).expect(200);
      expect(res.text).not.toContain('<b>x');
      expect(res.text).toContain('<input type="hidden" name="source" value="online">');
    });
  });

  describe('POST /signup', () => {
    it('re-renders the form with errors next to the fields and stores nothing', async () => {
      const before = await counts();
      const res = await postForm('/signup', signupFields({ firstName: '', phone: '0121 496 0000', channels: ['email', 'sms'], consent: [], email: `${XSS}@x` })).expect(400);
      const page = res.text;
      expect(page).toContain('<title>Error: Sign up for Beacon messages');
      expect(page).toMatch(/<div class="govuk-error-summary" data-module="govuk-error-summary">\s*<div role="alert">/);
      expect(page).toContain('<a href="#firstName">Enter your first name</a>');
      expect(page).toMatch(/<p id="firstName-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter your first name\s*<\/p>/);
      expect(page).toMatch(/<input [^>]*id="phone"[^>]*aria-describedby="[^"]*phone-error"[^>]*aria-invalid="true"/);
      expect(page).toContain('id="phone-error"');
      expect(page).toContain('id="consent-error"');
      expect(page).toContain('id="email-error"');
      // what they typed comes back, escaped
      expect(page).toContain('value="0121 496 0000"');
      expect(page).not.toContain(XSS);
      expect(page).toContain('&lt;script&gt;');
      expect(await counts()).toEqual(before);
    });

    it('names an unknown ward as a field error', async () => {
      const res = await postForm('/signup', signupFields({ wardCode: 'ZZ99' })).expect(400);
      expect(res.text).toContain('id="wardCode-error"');
    });

    it('a valid form stores a pending resident and says to check e-mail', async () => {
      const email = uniqueEmail('valid');
      const posted = await postForm('/signup', signupFields({ email, campaignCode: 'LEAFLET-7', source: 'door_knock', interestGroups: ['dog_walker'] })).expect(303);
      const res = await afterRedirect(posted);
      expect(res.text).toContain('Check your email');
      const [row] = await t.sql('SELECT status, ward_code, campaign_code, source, first_name FROM resident WHERE email = $1', [email]);
      expect(row).toEqual({ status: 'pending', ward_code: 'BE02', campaign_code: 'LEAFLET-7', source: 'door_knock', first_name: 'Pat' });
      const topics = await t.sql('SELECT topic FROM resident_topic rt JOIN resident r ON r.id = rt.resident_id WHERE r.email = $1 ORDER BY topic', [email]);
      expect(topics).toEqual([{ topic: 'appeals' }, { topic: 'crime_alerts' }]);

      const token = tokenIn(await waitMail(email), '/verify');
      const verified = await t.http().get(`/verify?token=${token}`).expect(200);
      expect(verified.text).toContain('You are signed up');
      expect((await t.sql('SELECT status FROM resident WHERE email = $1', [email]))[0].status).toBe('active');
    });

    it('the SMS route shows a code form that verifies the phone', async () => {
      const phone = uniquePhone();
      const res = await afterRedirect(await postForm('/signup', signupFields({ email: '', phone, channels: ['sms'] })).expect(303));
      expect(res.text).toContain('Check your phone');
      expect(res.text).toContain('<form method="post" action="/verify"');
      expect(res.text).toContain(`<input type="hidden" name="phone" value="${e164(phone)}">`);
      expect(unlabelledControls(res.text)).toEqual([]);
      const code = /\b(\d{6})\b/.exec((await waitSms(e164(phone))).body)![1];
      const wrong = await postForm('/verify', [['phone', e164(phone)], ['code', code === '000000' ? '111111' : '000000']]).expect(400);
      expect(wrong.text).toContain('id="code-error"');
      const ok = await afterRedirect(await postForm('/verify', [['phone', e164(phone)], ['code', code]]).expect(303));
      expect(ok.text).toContain('You are signed up');
      expect((await t.sql('SELECT status FROM resident WHERE phone_e164 = $1', [e164(phone)]))[0].status).toBe('active');
    });
  });

  describe('GET /verify', () => {
    it('explains a tampered or expired link in HTML', async () => {
      const bad = await t.http().get('/verify?token=abc.def').expect(400);
      expect(bad.headers['content-type']).toMatch(/^text\/html/);
      expect(bad.text).toContain('This link is not valid');
      const links = t.app.get(LinkTokenService);
      const expired = await t.http().get(`/verify?token=${links.sign('verify-email', { r: '00000000-0000-0000-0000-000000000000', a: 'x@example.org' }, -1)}`).expect(410);
      expect(expired.text).toContain('This link has expired');
    });

    it('without a token shows the SMS code form', async () => {
      const res = await t.http().get('/verify').expect(200);
      expect(res.text).toContain('name="code"');
      expect(unlabelledControls(res.text)).toEqual([]);
    });
  });

  describe('managing preferences', () => {
    async function signedUp(firstName = 'Manny'): Promise<{ email: string; id: string }> {
      const email = uniqueEmail('manage');
      await postForm('/signup', signupFields({ email, firstName })).expect(303);
      await t.http().get(`/verify?token=${tokenIn(await waitMail(email), '/verify')}`).expect(200);
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE email = $1', [email]);
      return { email, id };
    }

    it('a magic link opens the form; saving it updates the resident (token in a hidden field)', async () => {
      const r = await signedUp();
      await postForm('/me/link', [['email', r.email]]).expect(303);
      const token = tokenIn(await waitMail(r.email, 2), '/me');
      const page = await t.http().get(`/me?token=${token}`).expect(200);
      expect(page.headers['cache-control']).toContain('no-store');
      expect(unlabelledControls(page.text)).toEqual([]);
      expect(page.text).toContain('<optgroup label="Sandwell">');
      const session = hiddenToken(page.text);
      const saved = await afterRedirect(await postForm('/me', [
        ['token', session],
        ['wardCode', 'SW02'],
        ['channels', 'email'],
        ['minPriority-email', 'urgent'],
        ['topics', 'fraud_scams'],
        ['interestGroups', 'student'],
        ['quietStart', '21:30'],
        ['quietEnd', '07:00'],
        ['firstName', 'Manuela'],
        ['lastName', ''],
        ['email', r.email],
        ['phone', ''],
        ['postcode', 'b8 1aa'],
      ]).expect(303));
      expect(saved.text).toContain('Your preferences have been saved');
      const [row] = await t.sql('SELECT ward_code, quiet_start, first_name, last_name, postcode FROM resident WHERE id = $1', [r.id]);
      expect(row).toEqual({ ward_code: 'SW02', quiet_start: '21:30:00', first_name: 'Manuela', last_name: null, postcode: 'B8 1AA' });
      expect(await t.sql('SELECT topic FROM resident_topic WHERE resident_id = $1', [r.id])).toEqual([{ topic: 'fraud_scams' }]);
      expect(await t.sql('SELECT min_priority FROM resident_channel WHERE resident_id = $1', [r.id])).toEqual([{ min_priority: 'urgent' }]);
    });

    it('shows field errors and changes nothing on a bad save; refuses a missing or forged session token', async () => {
      const r = await signedUp();
      const session = hiddenToken((await t.http().get(`/me?token=${t.app.get(ResidentLinksService).manageUrl(r.id).split('token=')[1]}`).expect(200)).text);
      const before = await t.sql('SELECT * FROM resident WHERE id = $1', [r.id]);
      const bad = await postForm('/me', [
        ['token', session],
        ['wardCode', 'BE02'],
        ['channels', 'email'],
        ['quietStart', '21:30'],
      ]).expect(400);
      expect(bad.text).toContain('id="quietEnd-error"');
      await postForm('/me', [['wardCode', 'SW01'], ['channels', 'email']]).expect(400);
      await postForm('/me', [['token', `${session}x`], ['wardCode', 'SW01'], ['channels', 'email']]).expect(400);
      expect(await t.sql('SELECT * FROM resident WHERE id = $1', [r.id])).toEqual(before);
    });

    it('a preferences link from a message cannot change contact details', async () => {
      const r = await signedUp();
      const page = await t.http().get(`/me?token=${t.app.get(ResidentLinksService).manageUrl(r.id).split('token=')[1]}`).expect(200);
      expect(page.text).not.toContain('id="email"');
      const res = await afterRedirect(await postForm('/me', [['token', hiddenToken(page.text)], ['wardCode', 'BE02'], ['channels', 'email'], ['email', 'attacker@example.org']]).expect(303));
      expect(res.text).toContain('Your preferences have been saved');
      expect((await t.sql('SELECT email FROM resident WHERE id = $1', [r.id]))[0].email).toBe(r.email);
    });

    it('deletes everything from the page when asked twice', async () => {
      const r = await signedUp();
      await postForm('/me/link', [['email', r.email]]).expect(303);
      const page = await t.http().get(`/me?token=${tokenIn(await waitMail(r.email, 2), '/me')}`).expect(200);
      const session = hiddenToken(page.text);
      const unconfirmed = await postForm('/me/delete', [['token', session]]).expect(400);
      expect(unconfirmed.text).toContain('id="confirm-error"');
      await postForm('/me/delete', [['token', session], ['confirm', 'yes']]).expect(303);
      expect(await t.sql('SELECT status, email FROM resident WHERE id = $1', [r.id])).toEqual([{ status: 'erased', email: null }]);
      await postForm('/me', [['token', session], ['wardCode', 'BE02'], ['channels', 'email']]).expect(401);
    });

    it('downloads the data as a JSON file', async () => {
      const r = await signedUp();
      await postForm('/me/link', [['email', r.email]]).expect(303);
      const page = await t.http().get(`/me?token=${tokenIn(await waitMail(r.email, 2), '/me')}`).expect(200);
      const res = await postForm('/me/export', [['token', hiddenToken(page.text)]]).expect(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="beacon-my-data.json"');
      expect(JSON.parse(res.text).resident.email).toBe(r.email);
    });

    it('the sign-in form answers the same for unknown addresses', async () => {
      const known = await signedUp();
      const a = await postForm('/me/link', [['email', known.email]]).expect(303);
      const b = await postForm('/me/link', [['email', uniqueEmail('unknown')]]).expect(303);
      expect(a.headers.location).toBe(b.headers.location);
      expect(a.headers['set-cookie']).toBeUndefined();
      expect(b.headers['set-cookie']).toBeUndefined();
      const [pa, pb] = [await afterRedirect(a), await afterRedirect(b)];
      expect(pa.text).toBe(pb.text);
      expect(pa.text).not.toContain(known.email);
    });
  });

  describe('unsubscribe page', () => {
    it('shows the subscriptions and unsubscribes with the chosen button', async () => {
      const email = uniqueEmail('unsub');
      const phone = uniquePhone();
      await postForm('/signup', signupFields({ email, phone, channels: ['email', 'sms'] })).expect(303);
      await t.http().get(`/verify?token=${tokenIn(await waitMail(email), '/verify')}`).expect(200);
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE email = $1', [email]);
      const token = t.app.get(ResidentLinksService).unsubscribeUrl(id, 'email').split('/u/')[1];
      const page = await t.http().get(`/u/${token}`).expect(200);
      expect(page.text).toContain('<button type="submit" name="scope" value="email"');
      expect(page.text).toContain('<button type="submit" name="scope" value="sms"');
      expect(page.text).toContain('<button type="submit" name="scope" value="all"');
      expect(page.text).not.toContain(email); // masked
      await postForm(`/u/${token}`, [['scope', 'sms']]).expect(303);
      expect(await t.sql('SELECT channel, enabled FROM resident_channel WHERE resident_id = $1 ORDER BY channel', [id])).toEqual([
        { channel: 'email', enabled: true },
        { channel: 'sms', enabled: false },
      ]);
      await postForm(`/u/${token}`, [['scope', 'all']]).expect(303);
      expect((await t.sql('SELECT status FROM resident WHERE id = $1', [id]))[0].status).toBe('unsubscribed');
      await postForm(`/u/${token}`, [['scope', 'pigeons']]).expect(400);
    });
  });

  describe('post/redirect/get: a refresh never submits twice', () => {
    /** Follows a 303 as a browser does: GET the Location, with the cookies the POST set. */
    const follow = async (res: { status: number; headers: Record<string, string | string[] | undefined> }) => {
      expect(res.status).toBe(303);
      const location = String(res.headers.location);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
      const get = () => t.http().get(location).set('Cookie', cookies.join('; '));
      return { location, cookies, get };
    };

    it('sign-up answers 303; the page after it can be reloaded without a second sign-up or e-mail', async () => {
      const email = uniqueEmail('prg');
      const posted = await postForm('/signup', signupFields({ email })).expect(303);
      const next = await follow(posted);
      expect(next.location).toBe('/signup/sent');
      const first = await next.get().expect(200);
      expect(first.text).toContain('Check your email');
      expect(first.text).toContain('check your spam folder');
      await waitMail(email);
      const before = await counts();
      const again = await next.get().expect(200); // the refresh
      expect(again.text).toBe(first.text);
      expect(await counts()).toEqual(before);
      expect(mailsTo(email)).toHaveLength(1);
    });

    it('the SMS-only confirmation carries the code form and says nothing about spam folders', async () => {
      const phone = uniquePhone();
      const next = await follow(await postForm('/signup', signupFields({ email: '', phone, channels: ['sms'] })).expect(303));
      const page = await next.get().expect(200);
      expect(page.text).toContain('Check your phone');
      expect(page.text).toContain(`<input type="hidden" name="phone" value="${e164(phone)}">`);
      expect(page.text).not.toMatch(/spam/i);
      const code = /\b(\d{6})\b/.exec((await waitSms(e164(phone))).body)![1];
      const verified = await follow(await postForm('/verify', [['phone', e164(phone)], ['code', code]]).expect(303));
      expect(verified.location).toMatch(/^\/verify\/done\?token=/);
      expect((await verified.get().expect(200)).text).toContain('You are signed up');
      // A new code asked for: 303 too, back to the code form with the number kept.
      const resent = await follow(await postForm('/verify/resend', [['phone', e164(phone)]]).expect(303));
      expect((await resent.get().expect(200)).text).toContain('If that number is waiting to be confirmed, we have sent it a new code.');
    });

    it('saving preferences, asking for a link, deleting and unsubscribing all answer 303', async () => {
      const email = uniqueEmail('prg-manage');
      const phone = uniquePhone();
      await postForm('/signup', signupFields({ email, phone, channels: ['email', 'sms'] })).expect(303);
      await t.http().get(`/verify?token=${tokenIn(await waitMail(email), '/verify')}`).expect(200);
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE email = $1', [email]);
      const session = hiddenToken((await t.http().get(`/me?token=${t.app.get(ResidentLinksService).manageUrl(id).split('token=')[1]}`).expect(200)).text);
      const saved = await follow(await postForm('/me', [['token', session], ['wardCode', 'SW02'], ['channels', 'email']]).expect(303));
      expect(saved.location).toMatch(/^\/me\?token=[A-Za-z0-9_.-]+&saved=1$/);
      expect((await saved.get().expect(200)).text).toContain('Your preferences have been saved');
      expect((await t.sql('SELECT ward_code FROM resident WHERE id = $1', [id]))[0].ward_code).toBe('SW02');

      const known = await follow(await postForm('/me/link', [['email', email]]).expect(303));
      const unknown = await follow(await postForm('/me/link', [['email', uniqueEmail('nobody')]]).expect(303));
      expect(known.location).toBe('/me/link/sent');
      expect(unknown.location).toBe(known.location);
      expect((await known.get().expect(200)).text).toContain('Check your email');

      const unsubToken = t.app.get(ResidentLinksService).unsubscribeUrl(id, 'all').split('/u/')[1];
      const unsub = await follow(await postForm(`/u/${unsubToken}`, [['scope', 'sms']]).expect(303));
      expect(unsub.location).toBe(`/u/${unsubToken}/done?scope=sms`);
      const done = await unsub.get().expect(200);
      expect(done.text).toContain('You have been unsubscribed from Beacon text messages.');
      expect(done.text).toContain('You will still get Beacon emails.');

      await postForm('/me/link', [['email', email]]).expect(303);
      const full = hiddenToken((await t.http().get(`/me?token=${tokenIn(await waitMail(email, 2), '/me')}`).expect(200)).text);
      const deleted = await follow(await postForm('/me/delete', [['token', full], ['confirm', 'yes']]).expect(303));
      expect(deleted.location).toBe('/me/deleted');
      expect((await deleted.get().expect(200)).text).toContain('Your details have been deleted');
      expect((await t.sql('SELECT status FROM resident WHERE id = $1', [id]))[0].status).toBe('erased');
    });
  });

  describe('HTML escaping', () => {
    it('a hostile first name never appears unescaped in a page or an e-mail', async () => {
      const email = uniqueEmail('xss');
      const done = await afterRedirect(await postForm('/signup', signupFields({ email, firstName: XSS, lastName: XSS })).expect(303));
      expect(done.text).not.toContain(XSS);
      expect(pageScripts(done.text)).toEqual(LAYOUT_SCRIPTS);
      const mail = await waitMail(email);
      expect(mail.parsed.html).not.toContain('<script');
      // The address was not verified yet: the confirmation carries no name at all (issue 14, finding 13).
      expect(mail.parsed.html).not.toContain('&lt;script&gt;');
      const verified = await t.http().get(`/verify?token=${tokenIn(mail, '/verify')}`).expect(200);
      expect(pageScripts(verified.text)).toEqual(LAYOUT_SCRIPTS);
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE email = $1', [email]);
      await postForm('/me/link', [['email', email]]).expect(303);
      const magic = await waitMail(email, 2);
      expect(magic.parsed.html).not.toContain('<script');
      expect(magic.parsed.html).toContain('&lt;script&gt;'); // verified now: greeted by name, escaped
      const manage = await t.http().get(`/me?token=${tokenIn(magic, '/me')}`).expect(200);
      expect(pageScripts(manage.text)).toEqual(LAYOUT_SCRIPTS);
      expect(manage.text).toContain('value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"');
      const unsub = await t.http().get(`/u/${t.app.get(ResidentLinksService).unsubscribeUrl(id, 'all').split('/u/')[1]}`).expect(200);
      expect(pageScripts(unsub.text)).toEqual(LAYOUT_SCRIPTS);
    });
  });
});
