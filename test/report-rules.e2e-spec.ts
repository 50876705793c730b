// The SIM pack of one NPU carries that NPU's figures, exactly, in every section: data is seeded in
// BE and in SW with different numbers, so force-wide (or the other NPU's) figures fail.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import { insertCadetMember, type Auth } from './utils/world';

describe('report rules: the SIM pack of an NPU', () => {
  const { t } = useSuite({ geography: true });
  let admin: Auth;
  let analyst: Auth;
  let authorBE: string;
  let authorSW: string;

  /**
   * A scheme open since 1 September 2019 in `ward` with `members` residents who joined on the 2nd
   * (and `gone` who unsubscribed from messages later: still members, issue 22). The pack for
   * 2019-09 counts them as at 30 September.
   */
  const scheme = async (type: string, ward: string, members: number, gone = 0) => {
    const res = await t.http().post('/api/v1/schemes').set(...admin).send({ type, name: `${type} ${ward} ${Math.random()}`, wardCode: ward, openedOn: '2019-09-01' }).expect(201);
    for (let i = 0; i < members + gone; i++) {
      const r = await makeResident(t, { ward });
      await t.http().post(`/api/v1/schemes/${res.body.id}/members`).set(...admin).send({ residentId: r.id, consent: 'in_person', joinedOn: '2019-09-02' }).expect(201);
      if (i >= members) await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = now() WHERE id = $1`, [r.id]); // left after joining
    }
    return res.body.id as string;
  };
  const unit = async (npu: string, cadets: number, juniors: number) => {
    const res = await t.http().post('/api/v1/cadet-units').set(...admin).send({ npuCode: npu, name: `Unit ${npu} ${Math.random()}`, kind: 'cadets' }).expect(201);
    for (let i = 0; i < cadets + juniors; i++) {
      const id = await insertCadetMember(t, res.body.id);
      await t.sql(`UPDATE cadet_member SET joined_at = '2019-09-03T10:00:00Z' WHERE id = $1`, [id]); // joined in the pack's month
      if (i >= cadets) await t.sql(`UPDATE cadet_member SET role = 'junior_pcso' WHERE id = $1`, [id]);
    }
  };
  const message = async (author: string, npu: string, sentAt: string, recipients: number, ratings: number, scoreSum: number, replies: number) => {
    const [m] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, channels, audience, status, sent_at, recipient_count)
       VALUES ($1, $2, 'T', 'B', 'other', '{email}', '{}', 'sent', $3, $4) RETURNING id`,
      [author, npu, sentAt, recipients],
    );
    await t.sql('INSERT INTO message_engagement (message_id, ratings, score_sum, replies) VALUES ($1, $2, $3, $4)', [m.id, ratings, scoreSum, replies]);
  };

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth as Auth;
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    authorBE = (await loginAs(t, 'eco', 'BE')).id;
    authorSW = (await loginAs(t, 'eco', 'SW')).id;
    // BE: 2 street watches (2 + 1 subscribed members and one who unsubscribed), 1 neighbourhood watch (3 members).
    await scheme('street_watch', 'BE01', 2, 1);
    await scheme('street_watch', 'BE03', 1);
    await scheme('neighbourhood_watch', 'BE02', 3);
    // SW: more of everything, so a force-wide figure never equals BE's.
    await scheme('street_watch', 'SW01', 4);
    await scheme('canal_watch', 'SW02', 5);
    await scheme('neighbourhood_watch', 'SW02', 1);
    await unit('BE', 3, 1);
    await unit('SW', 5, 2);
    await unit('SW', 1, 0);
    await message(authorBE, 'BE', '2019-09-03T10:00:00Z', 10, 4, 22, 3);
    await message(authorBE, 'BE', '2019-09-20T10:00:00Z', 20, 1, 5, 0);
    await message(authorSW, 'SW', '2019-09-10T10:00:00Z', 700, 10, 30, 7);
    await message(authorSW, 'SW', '2019-09-11T10:00:00Z', 300, 0, 0, 1);
    await t.app.get(ReportAggregatesService).refresh();
  });

  it('schemes, cadets and messages sections hold exactly BE\'s totals', async () => {
    const res = await t.http().get('/api/v1/reports/sim?npu=BE&month=2019-09').set(...analyst).expect(200);
    expect(res.body.npuCode).toBe('BE');

    expect(res.body.schemes.totals).toEqual({ current: 3, members: 7, target: 0, required: 0, memberTarget: 0, membersRequired: 0 });
    const schemeRows = res.body.schemes.rows as { npuCode: string; type: string; current: number; members: number }[];
    expect(schemeRows.map((r) => [r.npuCode, r.type, r.current, r.members])).toEqual([
      ['BE', 'business_watch', 0, 0],
      ['BE', 'canal_watch', 0, 0],
      ['BE', 'neighbourhood_watch', 1, 3],
      ['BE', 'street_watch', 2, 4],
    ]);

    expect(res.body.cadets).toEqual({ asAt: '2019-09-30', rows: [{ npuCode: 'BE', juniorPcsos: 1, cadets: 3, total: 4 }], totals: { juniorPcsos: 1, cadets: 3, total: 4 } });

    const september = (res.body.messages.byMonth as { month: string }[]).filter((r) => r.month === '2019-09');
    expect(september).toEqual([{ group: 'BE', groupName: 'Birmingham East', month: '2019-09', sent: 2, recipients: 30, averageRating: 5.4, ratings: 5, replies: 3 }]);
    expect((res.body.messages.byMonth as { group: string }[]).filter((r) => r.group !== 'BE')).toEqual([]);
    expect(res.body.messages.byAuthor).toEqual([{ group: authorBE, groupName: 'eco BE', month: '2019-09', sent: 2, recipients: 30, averageRating: 5.4, ratings: 5, replies: 3 }]);
  });

  it('the SW pack holds SW\'s, and the force pack the sum of both', async () => {
    const sw = await t.http().get('/api/v1/reports/sim?npu=SW&month=2019-09').set(...analyst).expect(200);
    expect(sw.body.schemes.totals).toEqual({ current: 3, members: 10, target: 0, required: 0, memberTarget: 0, membersRequired: 0 });
    expect(sw.body.cadets.totals).toEqual({ juniorPcsos: 2, cadets: 6, total: 8 });
    expect(sw.body.messages.byAuthor).toEqual([{ group: authorSW, groupName: 'eco SW', month: '2019-09', sent: 2, recipients: 1000, averageRating: 3, ratings: 10, replies: 8 }]);
    const force = await t.http().get('/api/v1/reports/sim?month=2019-09').set(...analyst).expect(200);
    expect(force.body.schemes.totals).toEqual({ current: 6, members: 17, target: 0, required: 0, memberTarget: 0, membersRequired: 0 });
    expect(force.body.cadets.totals).toEqual({ juniorPcsos: 3, cadets: 9, total: 12 });
  });
});
