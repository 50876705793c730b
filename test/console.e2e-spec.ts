import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxStore } from '@beacon/channels';
import type { AppConfig } from '@beacon/core';
import { MessageLinksService, renderSms } from '@beacon/messaging';
import { OutboxController } from '../libs/channels/src/outbox/outbox.controller';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

describe('staff console: the JSON routes added for it (audience preview, message preview, dev outbox)', () => {
  const { t } = useSuite({ geography: true, env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-console-')) } });
  let ecoBE: Auth;
  let ecoSW: Auth;
  let admin: Auth;
  let analyst: Auth;
  let officerBE: Auth;

  beforeAll(async () => {
    // No SMTP or Twilio: e-mail and SMS go to the dev outbox, in this file's own directory.
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    admin = (await loginAs(t, 'admin')).auth as Auth;
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    officerBE = (await loginAs(t, 'officer', 'BE')).auth as Auth;
  });

  const count = async (table: string, where = 'true') => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n;

  describe('POST /api/v1/messages/audience-preview', () => {
    const preview = (auth: Auth, body: Record<string, unknown>) => t.http().post('/api/v1/messages/audience-preview').set(...auth).send(body);

    it('counts an unsaved audience per channel exactly as a saved draft would, and writes nothing', async () => {
      await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], topics: ['appeals'] });
      await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['appeals'] });
      await makeResident(t, { ward: 'BE02', channels: ['sms'], topics: ['road_safety'] });
      await makeResident(t, { ward: 'BE03', channels: ['email'], topics: ['appeals'] });
      await makeResident(t, { ward: 'SW01', channels: ['email'], topics: ['appeals'] });
      await makeResident(t, { ward: 'BE01', channels: ['email'], minPriority: { email: 'urgent' } });
      const [{ id: hodgeHill }] = await t.sql<{ id: string }>(`SELECT id FROM neighbourhood WHERE name = 'Hodge Hill'`);
      const before = { message: await count('message'), audit: await count('audit_event') };

      const body = { channels: ['email', 'sms'], audience: { neighbourhoodIds: [hodgeHill], topics: ['appeals'] } };
      const res = await preview(ecoBE, body).expect(200);
      expect(res.body).toEqual({ total: 2, byChannel: { email: 2, sms: 1 } });
      // No area: the author's whole NPU; only an urgent message reaches the resident who wants urgent e-mail only.
      expect((await preview(ecoBE, { channels: ['email'], audience: {}, priority: 'urgent' }).expect(200)).body).toEqual({ total: 4, byChannel: { email: 4, sms: 0 } });
      expect((await preview(ecoBE, { channels: ['email'], audience: {} }).expect(200)).body).toEqual({ total: 3, byChannel: { email: 3, sms: 0 } });
      expect((await preview(admin, { channels: ['email'], audience: { npuCodes: ['SW'], topics: ['appeals'] } }).expect(200)).body).toEqual({ total: 1, byChannel: { email: 1, sms: 0 } });
      expect({ message: await count('message'), audit: await count('audit_event') }).toEqual(before);

      // The saved draft's preview agrees.
      const draft = await t.http().post('/api/v1/messages').set(...ecoBE).send({ title: 'T', body: 'B', category: 'appeal', ...body }).expect(201);
      expect((await t.http().get(`/api/v1/messages/${draft.body.id}/audience`).set(...ecoBE).expect(200)).body).toEqual(res.body);
    });

    it('counts the members of watch schemes, within the author’s NPU', async () => {
      const member = await makeResident(t, { ward: 'BE02', channels: ['email', 'sms'] });
      await makeResident(t, { ward: 'BE02', channels: ['email'] }); // not a member
      const scheme = await t.http().post('/api/v1/schemes').set(...ecoBE).send({ type: 'street_watch', name: 'Shard End Street Watch', wardCode: 'BE02' }).expect(201);
      await t.http().post(`/api/v1/schemes/${scheme.body.id}/members`).set(...ecoBE).send({ residentId: member.id, consent: 'in_person' }).expect(201);
      expect((await preview(ecoBE, { channels: ['email', 'sms'], audience: { schemeIds: [scheme.body.id] } }).expect(200)).body).toEqual({ total: 1, byChannel: { email: 1, sms: 1 } });
      await preview(ecoSW, { channels: ['email'], audience: { schemeIds: [scheme.body.id] } }).expect(403);
      await preview(ecoBE, { channels: ['email'], audience: { schemeIds: ['00000000-0000-4000-8000-000000000000'] } }).expect(400);
    });

    it('keeps NPU-bound staff to their NPU (403) and rejects bad input (400); writers only', async () => {
      await preview(ecoBE, { channels: ['email'], audience: { wardCodes: ['SW01'] } }).expect(403);
      await preview(ecoBE, { channels: ['email'], audience: { npuCodes: ['SW'] } }).expect(403);
      await preview(ecoSW, { channels: ['email'], audience: { wardCodes: ['BE01', 'SW01'] } }).expect(403);
      await preview(analyst, { channels: ['email'], audience: {} }).expect(403);
      await t.http().post('/api/v1/messages/audience-preview').send({ channels: ['email'], audience: {} }).expect(401);
      await preview(ecoBE, { channels: [], audience: {} }).expect(400);
      await preview(ecoBE, { channels: ['fax'], audience: {} }).expect(400);
      await preview(ecoBE, { channels: ['email'], audience: 'BE' }).expect(400);
      await preview(ecoBE, { channels: ['email'], audience: { wardCodes: ['NOPE1'] } }).expect(400);
      await preview(ecoBE, { channels: ['email'], audience: { topics: ['gossip'] } }).expect(400);
      await preview(ecoBE, { channels: ['email'], audience: { neighbourhoodIds: ['not-a-uuid'] } }).expect(400);
      await preview(ecoBE, { channels: ['email'], audience: {}, priority: 'whenever' }).expect(400);
      const res = await preview(ecoBE, { channels: ['email'], audience: {}, title: 'not part of a preview' }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });
  });

  describe('GET /api/v1/messages/{id}/preview', () => {
    it('renders the e-mail and SMS as residents get them, with placeholder links of real length', async () => {
      const title = 'Appeal <b>after</b> burglary';
      const body = 'Did you see anything on Coventry Road?\nCall 101 or visit https://west-midlands.police.uk/appeal';
      const m = await t.http().post('/api/v1/messages').set(...ecoBE).send({ title, body, category: 'appeal', channels: ['email', 'sms'], audience: { wardCodes: ['BE03'] } }).expect(201);
      const res = await t.http().get(`/api/v1/messages/${m.body.id}/preview`).set(...ecoBE).expect(200);
      const rating = 'http://beacon.test/r/000000.000000.preview-link-000';
      expect(res.body.email.subject).toBe(title);
      expect(res.body.email.text).toContain(`Rate it from 1 to 6, or reply: ${rating}`);
      expect(res.body.email.text).toContain('Unsubscribe: http://beacon.test/u/preview-link');
      expect(res.body.email.text).toContain('Sent by Birmingham East neighbourhood team through Beacon.');
      expect(res.body.email.html).toContain('<h1 style="font-size:22px">Appeal &lt;b&gt;after&lt;/b&gt; burglary</h1>');
      expect(res.body.email.html).not.toContain('<b>after</b>');
      expect(res.body.email.html).toContain(`href="${rating}?score=6"`);
      const sms = renderSms({ title, body }, rating);
      expect(res.body.sms).toEqual({ body: sms, segments: 2, characters: [...sms].length });
      // The placeholder is as long as a real rating link (delivery ids up to 6 base-36 digits),
      // so the segment count is the one residents get.
      expect(t.app.get(MessageLinksService).ratingUrl('2176782335')).toHaveLength(rating.length);

      const emailOnly = await t.http().post('/api/v1/messages').set(...ecoBE).send({ title: 'E', body: 'Only e-mail', category: 'event', channels: ['email'], audience: {} }).expect(201);
      expect((await t.http().get(`/api/v1/messages/${emailOnly.body.id}/preview`).set(...analyst).expect(200)).body.sms).toBeNull();
    });

    it('is NPU-scoped like the message (403), and 400/404 for bad or unknown ids', async () => {
      const m = await t.http().post('/api/v1/messages').set(...ecoBE).send({ title: 'T', body: 'B', category: 'event', channels: ['sms'], audience: {} }).expect(201);
      await t.http().get(`/api/v1/messages/${m.body.id}/preview`).set(...ecoSW).expect(403);
      await t.http().get(`/api/v1/messages/${m.body.id}/preview`).expect(401);
      await t.http().get('/api/v1/messages/not-a-uuid/preview').set(...ecoBE).expect(400);
      await t.http().get('/api/v1/messages/00000000-0000-4000-8000-000000000000/preview').set(...ecoBE).expect(404);
      expect((await t.http().get(`/api/v1/messages/${m.body.id}/preview`).set(...officerBE).expect(200)).body.email).toBeNull();
    });
  });

  describe('GET /api/v1/outbox (dev)', () => {
    it('lists what the outbox transports wrote, newest first, to admins and ECOs', async () => {
      const email = `outbox.${Date.now()}@example.org`;
      await t.http().post('/api/v1/residents').send({ email, firstName: 'Olive', wardCode: 'BE01', channels: ['email'], consent: true }).expect(202);
      const outbox = t.app.get(OutboxStore);
      await waitUntil(() => outbox.list().some((e) => e.to === email), 20_000, 'the verification e-mail in the outbox');

      const res = await t.http().get('/api/v1/outbox').set(...admin).expect(200);
      expect(res.body.transports).toEqual({ email: 'outbox', sms: 'outbox' });
      expect(res.body.nextCursor).toBeNull();
      const entry = res.body.items.find((e: { to: string }) => e.to === email);
      expect(entry).toMatchObject({ channel: 'email', to: email });
      expect(entry.text).toMatch(/http:\/\/beacon\.test\/verify\?token=/);
      const times = res.body.items.map((e: { at: string }) => e.at);
      expect([...times].sort().reverse()).toEqual(times);

      expect((await t.http().get('/api/v1/outbox?channel=sms').set(...ecoBE).expect(200)).body.items).toEqual([]);
      expect((await t.http().get('/api/v1/outbox?limit=1').set(...ecoSW).expect(200)).body.items).toHaveLength(1);
    });

    it('is for admins and ECOs only, validates its query, and does not exist in production', async () => {
      await t.http().get('/api/v1/outbox').set(...officerBE).expect(403);
      await t.http().get('/api/v1/outbox').set(...analyst).expect(403);
      await t.http().get('/api/v1/outbox').expect(401);
      await t.http().get('/api/v1/outbox?channel=fax').set(...admin).expect(400);
      await t.http().get('/api/v1/outbox?limit=0').set(...admin).expect(400);
      await t.http().get('/api/v1/outbox?limit=201').set(...admin).expect(400);
      const production = new OutboxController(t.app.get(OutboxStore), { ...t.config, env: 'production' } as AppConfig);
      expect(() => production.list({})).toThrow('Outbox not found');
    });
  });
});
