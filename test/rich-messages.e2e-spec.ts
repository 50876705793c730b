import { beforeAll, describe, expect, it } from '@jest/globals';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

/** Issue 23: templates, the web version of a message, sender and branding, residents' languages. */
describe('rich messages', () => {
  const { t, smtp } = useSuite({
    smtp: true,
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
});
