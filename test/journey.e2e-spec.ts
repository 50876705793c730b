import { describe, expect, it } from '@jest/globals';
import { AccessTokenService } from '@beacon/auth';
import { MessageLinksService } from '@beacon/messaging';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

/** Across libs: broadcast → rating and reply → SIM figures → GDPR export and erasure. */
describe('journey across messaging, engagement, reports and residents', () => {
  const { t } = useSuite({ smtp: true, geography: true });

  it('a rated, answered broadcast shows in the reports, the export, and survives erasure anonymously', async () => {
    const eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    const analyst = (await loginAs(t, 'analyst')).auth as Auth;
    const residents = [];
    for (let i = 0; i < 3; i++) residents.push(await makeResident(t, { ward: 'BE01', channels: ['email'], firstName: `Journey${i}` }));
    const msg = await t.http().post('/api/v1/messages').set(...eco).send({ title: 'Bike marking', body: 'Saturday 10am', category: 'event', channels: ['email'], audience: { wardCodes: ['BE01'] } }).expect(201);
    await t.http().post(`/api/v1/messages/${msg.body.id}/send`).set(...eco).expect(202);
    await waitUntil(async () => (await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [msg.body.id]))[0].status === 'sent', 20_000, 'sent');

    const deliveries = await t.sql<{ id: string; resident_id: string }>('SELECT id::text, resident_id FROM delivery WHERE message_id = $1', [msg.body.id]);
    const links = t.app.get(MessageLinksService);
    const scores = [6, 5, 6];
    expect(deliveries).toHaveLength(3);
    for (const [i, d] of deliveries.entries()) {
      const token = links.ratingUrl(d.id).split('/r/')[1];
      const rated = await t.http().post(`/r/${token}`).type('form').send({ score: String(scores[i]), comment: `comment from resident ${i}` }).expect(303);
      expect(rated.headers.location).toBe(`/r/${token}/rated`);
    }
    const target = residents[0];
    const residentToken = t.app.get(AccessTokenService).signResident(target.id);
    await t.http().post(`/api/v1/messages/${msg.body.id}/replies`).set('Authorization', `Bearer ${residentToken}`).send({ body: 'Can I bring two bikes?' }).expect(201);

    const detail = await t.http().get(`/api/v1/messages/${msg.body.id}`).set(...eco).expect(200);
    expect(detail.body.rating).toEqual({ average: 5.67, count: 3, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1, '6': 2 } });
    expect(detail.body.replyCount).toBe(1);

    expect(await t.app.get(ReportAggregatesService).refresh()).toBe(1);
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const report = await t.http().get(`/api/v1/reports/messages?groupBy=npu&from=${month}&to=${month}`).set(...analyst).expect(200);
    expect(report.body).toEqual([{ group: 'BE', groupName: 'Birmingham East', month, sent: 1, recipients: 3, averageRating: 5.67, ratings: 3, replies: 1 }]);

    const scheme = await t.http().post('/api/v1/schemes').set(...eco).send({ type: 'neighbourhood_watch', name: 'Journey Close NHW', wardCode: 'BE01' }).expect(201);
    await t.http().post(`/api/v1/schemes/${scheme.body.id}/members`).set(...eco).send({ residentId: target.id, consent: 'in_person' }).expect(201);

    const exported = await t.http().get('/api/v1/me/export').set('Authorization', `Bearer ${residentToken}`).expect(200);
    const text = JSON.stringify(exported.body);
    expect(text).toContain('Bike marking');
    expect(text).toContain('Can I bring two bikes?');
    expect(text).toContain('Journey Close NHW');

    await t.http().delete('/api/v1/me').set('Authorization', `Bearer ${residentToken}`).expect(204);
    const after = await t.http().get(`/api/v1/messages/${msg.body.id}`).set(...eco).expect(200);
    expect(after.body.rating.count).toBe(3); // the score stays as an anonymous aggregate
    const [rating] = await t.sql<{ comment: string | null }>('SELECT comment FROM rating WHERE message_id = $1 AND resident_id = $2', [msg.body.id, target.id]);
    expect(rating.comment).toBeNull();
    const leftovers = await t.sql(`SELECT 1 FROM reply WHERE resident_id = $1 AND body LIKE '%two bikes%'`, [target.id]);
    expect(leftovers).toEqual([]);
    expect(await t.sql('SELECT 1 FROM scheme_member WHERE resident_id = $1', [target.id])).toEqual([]);
  });
});
