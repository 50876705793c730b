import { beforeAll, describe, expect, it } from '@jest/globals';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

type Login = Awaited<ReturnType<typeof loginAs>>;

/**
 * Issue 22: a force-wide message counts in each NPU's figures for the residents it reached there
 * (its deliveries, their ratings, the replies to that NPU), not left out, nor counted whole; the
 * force's figures still count it once.
 */
describe('force-wide messages in each NPU’s message and rating figures', () => {
  const { t } = useSuite({ geography: true });
  let admin: Login;
  let month = '';

  beforeAll(async () => {
    admin = await loginAs(t, 'admin');
    const author = (await loginAs(t, 'eco', 'BE')).id;
    [{ month }] = await t.sql<{ month: string }>(`SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month`);
    const message = async (npu: string | null, recipients: number) =>
      (
        await t.sql<{ id: string }>(
          `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count, ward_codes)
           VALUES ($1, $2, 'T', 'B', 'other', '{email,sms}', '{}', 'sent', now(), $3, '{}') RETURNING id`,
          [author, npu, recipients],
        )
      )[0].id;
    const broadcast = await message(null, 5);
    const local = await message('BE', 2);
    const deliver = async (messageId: string, ward: string, channels: ('email' | 'sms')[], score?: number, replyNpu?: string) => {
      const r = await makeResident(t, { ward, channels });
      for (const c of channels) await t.sql(`INSERT INTO delivery (message_id, resident_id, channel, status) VALUES ($1, $2, $3, 'sent')`, [messageId, r.id, c]);
      if (score) await t.sql(`INSERT INTO rating (message_id, resident_id, score) VALUES ($1, $2, $3)`, [messageId, r.id, score]);
      if (replyNpu) await t.sql(`INSERT INTO reply (message_id, resident_id, body, via, npu_code) VALUES ($1, $2, 'Thanks', 'web', $3)`, [messageId, r.id, replyNpu]);
    };
    // The broadcast: three BE residents (one by e-mail and text), two SW residents.
    await deliver(broadcast, 'BE01', ['email', 'sms'], 6);
    await deliver(broadcast, 'BE02', ['email'], 4, 'BE');
    await deliver(broadcast, 'BE03', ['email']);
    await deliver(broadcast, 'SW01', ['email'], 1, 'SW');
    await deliver(broadcast, 'SW02', ['email']);
    // BE's own message: two BE residents.
    await deliver(local, 'BE01', ['email'], 2);
    await deliver(local, 'BE02', ['email']);
    await t.app.get(ReportAggregatesService).refresh();
  });

  const get = async (path: string) => (await t.http().get(path).set(...admin.auth).expect(200)).body as unknown;

  it('counts the broadcast in BE for its three BE recipients, their ratings and the reply to BE', async () => {
    expect(await get(`/api/v1/reports/messages?npu=BE&groupBy=npu&from=${month}&to=${month}`)).toEqual([
      { group: 'BE', groupName: 'Birmingham East', month, sent: 2, recipients: 5, averageRating: 4, ratings: 3, replies: 1 },
    ]);
    expect(await get(`/api/v1/reports/messages?npu=SW&groupBy=npu&from=${month}&to=${month}`)).toEqual([
      { group: 'SW', groupName: 'Sandwell', month, sent: 1, recipients: 2, averageRating: 1, ratings: 1, replies: 1 },
    ]);
    expect(await get(`/api/v1/reports/ratings?npu=SW&from=${month}&to=${month}`)).toMatchObject({
      npuCode: 'SW',
      inRange: { messages: 1, ratings: 1, averageRating: 1 },
      sinceLaunch: { messages: 1, ratings: 1, averageRating: 1 },
    });
    const sim = (await get(`/api/v1/reports/sim?npu=BE&month=${month}`)) as { ratings: unknown; messages: { byMonth: unknown[] } };
    expect(sim.ratings).toEqual({ inRange: { messages: 2, ratings: 3, averageRating: 4 }, sinceLaunch: { messages: 2, ratings: 3, averageRating: 4 } });
    expect(sim.messages.byMonth.at(-1)).toMatchObject({ sent: 2, recipients: 5 });
  });

  it('splits it by NPU in the report of every NPU (no npu filter): no "Force-wide" row', async () => {
    expect(await get(`/api/v1/reports/messages?groupBy=npu&from=${month}&to=${month}`)).toEqual([
      { group: 'BE', groupName: 'Birmingham East', month, sent: 2, recipients: 5, averageRating: 4, ratings: 3, replies: 1 },
      { group: 'SW', groupName: 'Sandwell', month, sent: 1, recipients: 2, averageRating: 1, ratings: 1, replies: 1 },
    ]);
  });

  it('still counts it once, whole, for the force', async () => {
    expect(await get(`/api/v1/reports/messages?groupBy=force&from=${month}&to=${month}`)).toEqual([
      { group: 'FORCE', groupName: 'Force', month, sent: 2, recipients: 7, averageRating: 3.25, ratings: 4, replies: 2 },
    ]);
  });

  it('counts the recipients of a broadcast rated while its fan-out was still running', async () => {
    const author = (await loginAs(t, 'eco', 'SW')).id;
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count, ward_codes)
       VALUES ($1, NULL, 'Still sending', 'B', 'other', '{email}', '{}', 'sending', now(), NULL, '{}') RETURNING id`,
      [author],
    );
    const early = await makeResident(t, { ward: 'SW02', channels: ['email'] });
    await t.sql(`INSERT INTO delivery (message_id, resident_id, channel, status) VALUES ($1, $2, 'email', 'sent')`, [id, early.id]);
    await t.sql(`INSERT INTO rating (message_id, resident_id, score) VALUES ($1, $2, 5)`, [id, early.id]);
    await t.app.get(ReportAggregatesService).refresh(); // rated before the fan-out finished
    const late = await makeResident(t, { ward: 'SW02', channels: ['email'] });
    await t.sql(`INSERT INTO delivery (message_id, resident_id, channel, status) VALUES ($1, $2, 'email', 'sent')`, [id, late.id]);
    await t.sql(`UPDATE message SET status = 'sent', recipient_count = 2 WHERE id = $1`, [id]);
    await t.app.get(ReportAggregatesService).refresh();
    expect(await t.sql(`SELECT npu_code, recipients, ratings FROM message_npu_engagement WHERE message_id = $1`, [id])).toEqual([
      { npu_code: 'SW', recipients: 2, ratings: 1 },
    ]);
  });
});
