import { beforeAll, describe, expect, it } from '@jest/globals';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

/** Issue 23: templates, the web version of a message, sender and branding, residents' languages. */
describe('rich messages', () => {
  const { t, smtp, stub } = useSuite({
    smtp: true,
    twilio: true,
    geography: true,
    env: { FORCE_NAME: 'West Midlands Police', FORCE_COLOUR: '#003a70', LANGUAGES: 'en,ur,pl' },
  });
  let admin: Auth;
  let ecoBE: Auth;
  let ecoSW: Auth;

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth as Auth;
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
  });

  const smsTo = async (phone: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const m = stub.messages.find((x) => x.to === phone);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no SMS to ${phone}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const webLinkIn = (text: string) => {
    const m = /http:\/\/beacon\.test(\/m\/[A-Za-z0-9._-]+)(\?lang=[a-z]+)?/.exec(text);
    if (!m) throw new Error(`no web version link in: ${text.slice(0, 400)}`);
    return m[1] + (m[2] ?? '');
  };

  const mailTo = async (address: string) => {
    await smtp.waitFor(1);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const m = smtp.messages.find((x) => x.to.includes(address));
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  describe('templates', () => {
    const appeal = {
      name: 'Burglary appeal',
      category: 'appeal',
      title: 'Burglary in {{location}}',
      body: 'On {{date}} a house in {{ location }} was broken into. Call 101 quoting {{crime_ref}}.',
    };

    it('admins create force-wide templates, NPU staff their NPU\'s; each sees force-wide and their own NPU\'s', async () => {
      const force = await t.http().post('/api/v1/templates').set(...admin).send(appeal).expect(201);
      expect(force.body).toMatchObject({ npuCode: null, category: 'appeal', fields: ['location', 'date', 'crime_ref'] });
      const be = await t.http().post('/api/v1/templates').set(...ecoBE).send({ ...appeal, name: 'BE appeal', npuCode: 'BE' }).expect(201);
      expect(be.body.npuCode).toBe('BE');
      // NPU staff default to their NPU, and cannot make force-wide or other NPUs' templates.
      const implied = await t.http().post('/api/v1/templates').set(...ecoSW).send({ ...appeal, name: 'SW appeal' }).expect(201);
      expect(implied.body.npuCode).toBe('SW');
      await t.http().post('/api/v1/templates').set(...ecoBE).send({ ...appeal, npuCode: 'SW' }).expect(403);
      const forceEco = (await loginAs(t, 'eco')).auth as Auth;
      await t.http().post('/api/v1/templates').set(...forceEco).send(appeal).expect(403); // force-wide: admins only

      const list = await t.http().get('/api/v1/templates').set(...ecoBE).expect(200);
      const ids = list.body.items.map((x: { id: string }) => x.id);
      expect(ids).toEqual(expect.arrayContaining([force.body.id, be.body.id]));
      expect(ids).not.toContain(implied.body.id);
      const appeals = await t.http().get('/api/v1/templates?category=appeal&npu=BE').set(...ecoBE).expect(200);
      expect(appeals.body.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([force.body.id, be.body.id]));
      expect(appeals.body.items.every((x: { category: string }) => x.category === 'appeal')).toBe(true);
      await t.http().get('/api/v1/templates?npu=SW').set(...ecoBE).expect(403);

      // PATCH / DELETE: NPU-scoped; a force-wide template is changed only by force-wide admins.
      await t.http().patch(`/api/v1/templates/${force.body.id}`).set(...ecoBE).send({ name: 'Mine now' }).expect(403);
      await t.http().patch(`/api/v1/templates/${implied.body.id}`).set(...ecoBE).send({ name: 'Mine now' }).expect(403);
      const renamed = await t.http().patch(`/api/v1/templates/${be.body.id}`).set(...ecoBE).send({ body: 'Seen at {{location}} on {{date}}.' }).expect(200);
      expect(renamed.body).toMatchObject({ name: 'BE appeal', fields: ['location', 'date'] });
      await t.http().delete(`/api/v1/templates/${implied.body.id}`).set(...ecoBE).expect(403);
      await t.http().delete(`/api/v1/templates/${implied.body.id}`).set(...ecoSW).expect(204);
      await t.http().delete(`/api/v1/templates/${implied.body.id}`).set(...ecoSW).expect(404);
    });

    it('refuses malformed template syntax with a 400 and stores nothing', async () => {
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message_template');
      for (const body of ['Hello {{ location', 'Hello {{Location}}', 'Hello {{a b}}', 'Hello }} there', 'Hello {{}}']) {
        const res = await t.http().post('/api/v1/templates').set(...admin).send({ ...appeal, body }).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message_template');
      expect(after).toBe(before);
    });

    it('template → compose → send: the resident gets plain text with no template syntax', async () => {
      const tpl = await t.http().post('/api/v1/templates').set(...admin).send(appeal).expect(201);
      const resident = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const fields = { location: 'Coleshill Road', date: '3 March', crime_ref: '20/123456/26' };
      const res = await compose(t, ecoBE, { title: undefined, body: undefined, templateId: tpl.body.id, fields, audience: { wardCodes: ['BE01'] } }).expect(201);
      expect(res.body).toMatchObject({ title: 'Burglary in Coleshill Road', templateId: tpl.body.id });
      expect(res.body.body).toBe('On 3 March a house in Coleshill Road was broken into. Call 101 quoting 20/123456/26.');
      await requestSend(t, ecoBE, res.body.id);
      await waitStatus(t, res.body.id, 'sent');
      const mail = await mailTo(resident.email!);
      expect(mail.parsed.subject).toBe('Burglary in Coleshill Road');
      expect(mail.parsed.text).toContain('On 3 March a house in Coleshill Road was broken into.');
      expect(mail.raw).not.toMatch(/\{\{|\}\}/);
    });

    it('unknown, missing or template-like fields are a 400 JSON error and write no message', async () => {
      const tpl = await t.http().post('/api/v1/templates').set(...admin).send(appeal).expect(201);
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      const base = { title: undefined, body: undefined, templateId: tpl.body.id, audience: { wardCodes: ['BE01'] } };
      const unknown = await compose(t, ecoBE, { ...base, fields: { location: 'X', date: 'Y', crime_ref: 'Z', suspect: 'Q' } }).expect(400);
      expect(unknown.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(unknown.body.message).toContain('suspect');
      const missing = await compose(t, ecoBE, { ...base, fields: { location: 'X' } }).expect(400);
      expect(missing.body.message).toMatch(/date/);
      await compose(t, ecoBE, { ...base, fields: { location: '{{date}}', date: 'Y', crime_ref: 'Z' } }).expect(400);
      // Edited text with a field the template lacks.
      await compose(t, ecoBE, { ...base, body: 'At {{street}}', fields: { location: 'X', date: 'Y', crime_ref: 'Z' } }).expect(400);
      // No template: fields, and template syntax in the text, are refused.
      await compose(t, ecoBE, { body: 'Hello {{name}}', audience: { wardCodes: ['BE01'] } }).expect(400);
      await compose(t, ecoBE, { fields: { a: 'b' }, audience: { wardCodes: ['BE01'] } }).expect(400);
      // Another NPU's template.
      const sw = await t.http().post('/api/v1/templates').set(...ecoSW).send(appeal).expect(201);
      await compose(t, ecoBE, { ...base, templateId: sw.body.id, fields: { location: 'X', date: 'Y', crime_ref: 'Z' } }).expect(403);
      await compose(t, ecoBE, { ...base, templateId: '00000000-0000-4000-8000-000000000000', fields: {} }).expect(404);
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      expect(after).toBe(before);
    });
  });

  describe('web version, withdrawal, sender and branding', () => {
    let sentId: string;
    let webPath: string;
    let resident: { id: string; email: string | null; phone: string | null };

    beforeAll(async () => {
      const officer = await loginAs(t, 'officer', 'BE');
      await t.sql(`UPDATE staff SET name = 'PC Jane Smith' WHERE id = $1`, [officer.id]);
      resident = await makeResident(t, { ward: 'BE02', channels: ['email', 'sms'] });
      const long = `A man was seen trying car doors on Shard End Crescent. ${'Please check your dashcam footage and doorbell cameras for anything unusual. '.repeat(8)}`;
      const res = await compose(t, officer.auth, { title: 'Car crime in Shard End', body: long, channels: ['email', 'sms'], audience: { wardCodes: ['BE02'] } }).expect(201);
      sentId = res.body.id;
      await requestSend(t, officer.auth, sentId);
      await waitStatus(t, sentId, 'sent');
    });

    it('every e-mail links to the web version, which shows the message, its sender and the force, with share metadata', async () => {
      const mail = await mailTo(resident.email!);
      webPath = webLinkIn(mail.parsed.text ?? '');
      expect(mail.parsed.html).toContain(`http://beacon.test${webPath}`);
      // Sender and branding in the e-mail.
      expect(mail.parsed.text).toContain('PC Jane Smith');
      expect(mail.parsed.text).toContain('Officer, Birmingham East neighbourhood team');
      expect(mail.parsed.text).toContain('West Midlands Police');
      expect(mail.parsed.html).toContain('#003a70');

      const page = await t.http().get(webPath).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('<h1 class="govuk-heading-l">Car crime in Shard End</h1>');
      expect(page.text).toContain('A man was seen trying car doors on Shard End Crescent.');
      expect(page.text).toContain('<meta property="og:title" content="Car crime in Shard End">');
      expect(page.text).toMatch(/<meta property="og:description" content="A man was seen trying car doors[^"]{10,200}">/);
      expect(page.text).toContain('PC Jane Smith');
      expect(page.text).toContain('Officer, Birmingham East neighbourhood team');
      expect(page.text).toContain('West Midlands Police');
      const css = await t.http().get('/m/branding.css').expect(200);
      expect(css.headers['content-type']).toMatch(/text\/css/);
      expect(css.text).toContain('#003a70');
    });

    it('an SMS cut short links to the web version; one that fits does not', async () => {
      const sms = await smsTo(resident.phone!);
      expect(sms.body).toContain('...\nRead more: '); // a GSM text is cut with three dots (GSM has no '…')
      // The same message (the id part; the expiry may be a second apart from the e-mail's).
      expect(webLinkIn(sms.body).split('.')[0]).toBe(webPath.split('.')[0]);
      const shortResident = await makeResident(t, { ward: 'BE03', channels: ['sms'] });
      await compose(t, ecoBE, { title: 'Short', body: 'Meeting at 7pm.', channels: ['sms'], audience: { wardCodes: ['BE03'] } })
        .expect(201)
        .then(async (r) => {
          await requestSend(t, ecoBE, r.body.id);
          await waitStatus(t, r.body.id, 'sent');
        });
      expect((await smsTo(shortResident.phone!)).body).not.toContain('/m/');
    });

    it('a tampered or unknown link is a 400 page, not a message', async () => {
      const tampered = webPath.replace(/\.([A-Za-z0-9_-]+)$/, '.AAAAAAAAAAAAAAAA');
      const res = await t.http().get(tampered).expect(400);
      expect(res.text).not.toContain('Car crime');
    });

    it('withdrawal is NPU-scoped and audited; the page then says the message was withdrawn (410)', async () => {
      await t.http().post(`/api/v1/messages/${sentId}/withdraw`).set(...ecoSW).expect(403);
      const draft = await compose(t, ecoBE, { audience: { wardCodes: ['BE01'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${draft.body.id}/withdraw`).set(...ecoBE).expect(409);
      const res = await t.http().post(`/api/v1/messages/${sentId}/withdraw`).set(...ecoBE).expect(200);
      expect(res.body).toMatchObject({ id: sentId, status: 'sent' });
      expect(typeof res.body.withdrawnAt).toBe('string');
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_event WHERE subject = $1`, [`/api/v1/messages/${sentId}/withdraw`]);
      expect(audit).toEqual([{ action: 'POST /api/v1/messages/:id/withdraw' }]);
      await t.http().post(`/api/v1/messages/${sentId}/withdraw`).set(...ecoBE).expect(409); // once

      const page = await t.http().get(webPath).expect(410);
      expect(page.text).toContain('This message has been withdrawn');
      expect(page.text).not.toContain('A man was seen trying car doors');
    });
  });

  describe('languages', () => {
    const urduTitle = 'شارڈ اینڈ میں گاڑیوں کے جرائم';
    const urduBody = 'ہم نے {{location}} میں ایک آدمی کو گاڑیوں کے دروازے آزماتے دیکھا۔';

    it('each resident gets their language where a translation exists, English otherwise', async () => {
      const tpl = await t.http().post('/api/v1/templates').set(...admin).send({ name: 'Car crime', category: 'crime_alert', title: 'Car crime', body: 'A man was seen trying car doors in {{location}}.' }).expect(201);
      const urdu = await makeResident(t, { ward: 'BE03', channels: ['email', 'sms'] });
      const polish = await makeResident(t, { ward: 'BE03', channels: ['email'] });
      const english = await makeResident(t, { ward: 'BE03', channels: ['email'] });
      await t.sql(`UPDATE resident SET language = 'ur' WHERE id = $1`, [urdu.id]);
      await t.sql(`UPDATE resident SET language = 'Polish' WHERE id = $1`, [polish.id]);
      const res = await compose(t, ecoBE, {
        title: undefined,
        body: undefined,
        templateId: tpl.body.id,
        fields: { location: 'Acocks Green' },
        channels: ['email', 'sms'],
        translations: [{ language: 'ur', title: urduTitle, body: urduBody }],
        audience: { wardCodes: ['BE03'] },
      }).expect(201);
      expect(res.body.translations).toEqual({ ur: { title: urduTitle, body: 'ہم نے Acocks Green میں ایک آدمی کو گاڑیوں کے دروازے آزماتے دیکھا۔' } });
      await requestSend(t, ecoBE, res.body.id);
      await waitStatus(t, res.body.id, 'sent');

      const ur = await mailTo(urdu.email!);
      expect(ur.parsed.subject).toBe(urduTitle);
      expect(ur.parsed.text).toContain('ہم نے Acocks Green میں');
      expect(ur.parsed.html).toContain('<html lang="ur" dir="rtl">');
      const urWeb = webLinkIn(ur.parsed.text ?? '');
      expect(urWeb).toMatch(/\?lang=ur$/);
      const page = await t.http().get(urWeb).expect(200);
      expect(page.text).toContain(`<h1 class="govuk-heading-l">${urduTitle}</h1>`);
      expect(page.text).toContain('lang="ur" dir="rtl"');
      const urSms = await smsTo(urdu.phone!);
      expect(urSms.body.startsWith(`${urduTitle}: ہم نے Acocks Green`)).toBe(true);

      for (const r of [polish, english]) {
        const mail = await mailTo(r.email!);
        expect(mail.parsed.subject).toBe('Car crime');
        expect(mail.parsed.text).toContain('A man was seen trying car doors in Acocks Green.');
        expect(mail.parsed.html).toContain('<html lang="en"');
        expect(webLinkIn(mail.parsed.text ?? '')).not.toContain('?lang=');
      }
      // The message's figures count recipients by the language they received.
      const detail = await t.http().get(`/api/v1/messages/${res.body.id}`).set(...ecoBE).expect(200);
      // (BE03 also holds residents of earlier tests: everyone but the Urdu reader got English.)
      expect(detail.body.recipientCount).toBeGreaterThanOrEqual(3);
      expect(detail.body.recipientsByLanguage).toEqual({ en: detail.body.recipientCount - 1, ur: 1 });
      // The English page, for a language without a translation.
      const en = await t.http().get(`${urWeb.replace(/\?.*$/, '')}?lang=pl`).expect(200);
      expect(en.text).toContain('<h1 class="govuk-heading-l">Car crime</h1>');
    });

    it('the e-mail around the text is in the same language: Urdu (right to left), Polish, English', async () => {
      const urdu = await makeResident(t, { ward: 'BE03', channels: ['email'] });
      const polish = await makeResident(t, { ward: 'BE03', channels: ['email'] });
      const english = await makeResident(t, { ward: 'BE03', channels: ['email'] });
      await t.sql(`UPDATE resident SET language = 'Urdu' WHERE id = $1`, [urdu.id]);
      await t.sql(`UPDATE resident SET language = 'pl' WHERE id = $1`, [polish.id]);
      const res = await compose(t, ecoBE, {
        title: 'Bike marking',
        body: 'Bring your bike to the library on Saturday.',
        category: 'event',
        channels: ['email'],
        translations: [
          { language: 'ur', title: 'سائیکل پر نشان', body: 'ہفتے کو اپنی سائیکل لائبریری لائیں۔' },
          { language: 'pl', title: 'Znakowanie rowerów', body: 'Przynieś rower do biblioteki w sobotę.' },
        ],
        audience: { wardCodes: ['BE03'] },
      }).expect(201);
      await requestSend(t, ecoBE, res.body.id);
      await waitStatus(t, res.body.id, 'sent');
      const bodyTag = (html: string) => /<body[^>]*>/.exec(html)?.[0] ?? '';
      // Two or more Latin words in a row, once links and names (the force, the NPU, the author, Beacon) are taken out.
      const englishIn = (text: string) =>
        text
          .replace(/https?:\/\/\S+/g, ' ')
          .replace(/West Midlands Police|Birmingham East|eco BE|Beacon/g, ' ')
          .match(/[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,})+/g);

      const ur = await mailTo(urdu.email!);
      expect(ur.parsed.subject).toBe('سائیکل پر نشان');
      expect(bodyTag(ur.parsed.html || '')).toContain('dir="rtl"');
      expect(bodyTag(ur.parsed.html || '')).toContain('lang="ur"');
      const urText = ur.parsed.text ?? '';
      expect(urText).toContain('یہ پیغام آن لائن پڑھیں: http://beacon.test/m/');
      expect(urText).toContain('یہ پیغام کتنا مفید تھا؟ اسے 1 سے 6 تک درجہ دیں، یا جواب دیں: http://beacon.test/r/');
      expect(urText).toContain('آپ کو کیا ملتا ہے، اس کا انتظام کریں: http://beacon.test/');
      expect(urText).toContain('ان سبسکرائب کریں: http://beacon.test/u/');
      expect(urText).toContain('eco BE، رابطہ اور مواصلات افسر، Birmingham East کی محلے کی پولیس ٹیم');
      expect(urText).toContain('Birmingham East کی محلے کی پولیس ٹیم نے Beacon کے ذریعے بھیجا۔');
      expect(ur.parsed.html).toContain('>ٹیم کو جواب دیں</a>');
      expect(ur.parsed.html).toContain('aria-label="6 میں سے 4 درجہ دیں"');
      expect({ text: englishIn(urText), html: englishIn((ur.parsed.html || '').replace(/<[^>]+>/g, ' ')) }).toEqual({ text: null, html: null });

      const pl = await mailTo(polish.email!);
      expect(pl.parsed.subject).toBe('Znakowanie rowerów');
      expect(bodyTag(pl.parsed.html || '')).toContain('dir="ltr"');
      expect(pl.parsed.text).toContain('Przeczytaj tę wiadomość online: http://beacon.test/m/');
      expect(pl.parsed.text).toContain('Zarządzaj tym, co otrzymujesz: http://beacon.test/');
      expect(pl.parsed.text).toContain('Wypisz się: http://beacon.test/u/');
      expect(pl.parsed.text).toContain('Wysłane przez: zespół dzielnicowy Birmingham East, za pośrednictwem Beacon.');
      expect(pl.parsed.html).toContain('>Odpowiedz zespołowi</a>');
      expect(pl.parsed.text).not.toMatch(/Unsubscribe|Manage what you receive|Read this message online|How useful/);

      const en = await mailTo(english.email!);
      expect(en.parsed.subject).toBe('Bike marking');
      expect(bodyTag(en.parsed.html || '')).toContain('dir="ltr"');
      expect(en.parsed.text).toContain('Read this message online: http://beacon.test/m/');
      expect(en.parsed.text).toContain('Manage what you receive: http://beacon.test/');
      expect(en.parsed.text).toContain('Unsubscribe: http://beacon.test/u/');
      expect(en.parsed.text).toContain('eco BE, Engagement and communications officer, Birmingham East neighbourhood team');
      expect(en.parsed.text).toContain('Sent by Birmingham East neighbourhood team through Beacon.');
      expect(en.parsed.html).toContain('>Reply to the team</a>');
    });

    it('refuses a translation into a language not offered, twice the same, English, or with a field the template lacks', async () => {
      const tpl = await t.http().post('/api/v1/templates').set(...admin).send({ name: 'Event', category: 'event', title: 'Event', body: 'At {{place}}' }).expect(201);
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      const base = { title: undefined, body: undefined, templateId: tpl.body.id, fields: { place: 'Library' }, audience: { wardCodes: ['BE01'] } };
      const one = (language: string, body = 'X {{place}}') => ({ language, title: 'T', body });
      await compose(t, ecoBE, { ...base, translations: [one('so')] }).expect(400); // not in LANGUAGES
      await compose(t, ecoBE, { ...base, translations: [one('en')] }).expect(400);
      await compose(t, ecoBE, { ...base, translations: [one('ur'), one('ur')] }).expect(400);
      const extra = await compose(t, ecoBE, { ...base, translations: [one('ur', 'X {{time}}')] }).expect(400);
      expect(extra.body.message).toContain('time');
      await compose(t, ecoBE, { translations: [one('ur', 'X {{place}}')], audience: { wardCodes: ['BE01'] } }).expect(400); // no template
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM message');
      expect(after).toBe(before);
    });
  });
});
