// Counts kept so reports do not scan `resident` or `delivery` (issue 22 at 1M, migration
// 1796608000001): subscribers by profile as at a past day from per-ward monthly sign-ups and
// leavers, sign-ups by source and campaign code per ward and month, and a message's recipients by
// language written by its fan-out. Each is checked against the live query it replaces, after
// writes that move a key (a leaving, a ward change, an erasure of a resident who had already
// left, a profile or campaign code changed later), and incremental against a full recompute.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ReportAggregatesService } from '@beacon/reports';
import { FanOutJob } from '../libs/messaging/src/fan-out/fan-out.job';
import { ReportsRepository } from '../libs/reports/src/reports.repository';
import { makeResidents } from './utils/factories';
import { compose, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

interface Row {
  dimension: string;
  category: string;
  subscribers: number;
}

describe('subscribers by profile as at a day, and sign-ups by source, from kept counts', () => {
  const { t } = useSuite({ geography: true });
  let analyst: Auth;
  const refresh = (full = false) => t.app.get(ReportAggregatesService).refreshCounted({ full });
  const ids: Record<string, string> = {};
  const resident = async (
    key: string,
    ward: string,
    activatedAt: string | null,
    x: { left?: string; ethnicity?: string; age?: string; source?: string; code?: string } = {},
  ) => {
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO resident (ward_code, status, activated_at, left_at, consent_at, ethnicity, age_band, source, campaign_code, email)
       VALUES ($1, CASE WHEN $2::timestamptz IS NULL THEN 'pending' WHEN $3::timestamptz IS NULL THEN 'active' ELSE 'unsubscribed' END,
               $2, $3, now(), $4, $5, $6, $7, 'h' || gen_random_uuid() || '@example.org') RETURNING id`,
      [ward, activatedAt, x.left ?? null, x.ethnicity ?? null, x.age ?? null, x.source ?? null, x.code ?? null],
    );
    ids[key] = r.id;
  };

  /** The live query the kept counts replace: residents subscribed at the end of the London day. */
  const live = (asAt: string, npu: string | null) =>
    t.sql<Row>(
      `SELECT d.dimension, d.category, count(*)::int AS subscribers
         FROM resident r JOIN ward w ON w.code = r.ward_code
        CROSS JOIN LATERAL (VALUES ('ethnicity', coalesce(r.ethnicity, 'not_stated')), ('age_band', coalesce(r.age_band, 'not_stated'))) AS d(dimension, category)
        WHERE r.activated_at < (($1::date + 1)::timestamp AT TIME ZONE 'Europe/London')
          AND (r.left_at IS NULL OR r.left_at >= (($1::date + 1)::timestamp AT TIME ZONE 'Europe/London'))
          AND ($2::varchar IS NULL OR w.npu_code = $2)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [asAt, npu],
    );
  /** The report: through the API for a month's end (`month=`), from the repository for any other day. */
  const reported = async (asAt: string, npu: string | null): Promise<Row[]> => {
    const monthEnd = new Date(Date.UTC(Number(asAt.slice(0, 4)), Number(asAt.slice(5, 7)), 0)).toISOString().slice(0, 10) === asAt;
    let rows: Row[];
    if (monthEnd) {
      const res = await t.http().get(`/api/v1/reports/representation?month=${asAt.slice(0, 7)}${npu ? `&npu=${npu}` : ''}`).set(...analyst);
      expect(res.status).toBe(200);
      rows = res.body as Row[];
    } else {
      rows = (await t.app.get(ReportsRepository).representation(npu, asAt)).map((r) => ({ ...r, subscribers: Number(r.subscribers) }));
    }
    return rows.filter((r) => r.subscribers > 0).map(({ dimension, category, subscribers }) => ({ dimension, category, subscribers }));
  };
  const DAYS = ['2019-06-30', '2019-07-15', '2019-08-31', '2019-09-01', '2019-09-20', '2019-10-31'];
  const sameAsLive = async () => {
    for (const day of DAYS) for (const npu of [null, 'BE']) expect({ day, npu, rows: await reported(day, npu) }).toEqual({ day, npu, rows: await live(day, npu) });
  };
  const tables = () =>
    Promise.all([
      t.sql(`SELECT ward_code, to_char(month, 'YYYY-MM') AS month, dimension, category, joined, "left" FROM resident_profile_month_stats ORDER BY 1, 2, 3, 4`),
      t.sql(`SELECT ward_code, to_char(month, 'YYYY-MM') AS month, source, campaign_code, signups FROM resident_source_month_stats ORDER BY 1, 2, 3, 4`),
    ]);

  beforeAll(async () => {
    analyst = (await loginAs(t, 'analyst')).auth as Auth;
    await resident('a', 'BE01', '2019-06-10T09:00:00Z', { ethnicity: 'white', age: '35_44', source: 'online' });
    await resident('b', 'BE01', '2019-07-10T09:00:00Z', { ethnicity: 'asian', age: '18_24', source: 'door_knock', code: 'OP-A' });
    await resident('c', 'BE02', '2019-07-20T09:00:00Z', { ethnicity: 'black', left: '2019-09-02T09:00:00Z', source: 'event' });
    await resident('d', 'SW01', '2019-08-01T09:00:00Z', { ethnicity: 'white', source: 'online' });
    // 00:30 BST on 1 September (still August in UTC): a September sign-up in London.
    await resident('e', 'SW01', '2019-08-31T23:30:00Z', { age: '65_plus' });
    // Imported with a leaving date before its sign-up: never subscribed at any day's end.
    await resident('f', 'BE02', '2019-09-10T09:00:00Z', { ethnicity: 'asian', left: '2019-08-20T09:00:00Z' });
    await resident('g', 'BE01', null, { ethnicity: 'white' }); // pending: never counted
    await refresh(true);
  });

  it('as at any day, the same figures as counting resident rows; exact for one day', async () => {
    await sameAsLive();
    // End of 31 August: a, b (BE01), c (BE02), d (SW01); e joined 30 minutes after the London day ended.
    expect((await reported('2019-08-31', null)).filter((r) => r.dimension === 'ethnicity')).toEqual([
      { dimension: 'ethnicity', category: 'asian', subscribers: 1 },
      { dimension: 'ethnicity', category: 'black', subscribers: 1 },
      { dimension: 'ethnicity', category: 'white', subscribers: 2 },
    ]);
    const [, sources] = await tables();
    expect(sources).toEqual([
      { ward_code: 'BE01', month: '2019-06', source: 'online', campaign_code: '', signups: 1 },
      { ward_code: 'BE01', month: '2019-07', source: 'door_knock', campaign_code: 'OP-A', signups: 1 },
      { ward_code: 'BE02', month: '2019-07', source: 'event', campaign_code: '', signups: 1 },
      { ward_code: 'BE02', month: '2019-09', source: 'unknown', campaign_code: '', signups: 1 },
      { ward_code: 'SW01', month: '2019-08', source: 'online', campaign_code: '', signups: 1 },
      { ward_code: 'SW01', month: '2019-09', source: 'unknown', campaign_code: '', signups: 1 },
    ]);
  });

  it('after later writes, an incremental refresh gives what counting resident rows gives, and what a full recompute gives', async () => {
    // c (left in September) is erased: its history now counts as "not stated".
    await t.sql(`UPDATE resident SET ethnicity = NULL, age_band = NULL, campaign_code = NULL, status = 'erased', erased_at = now() WHERE id = $1`, [ids.c]);
    // a states an age band later; b moves BE01 → SW01; d later used a campaign code; e leaves in October.
    await t.sql(`UPDATE resident SET age_band = '45_54' WHERE id = $1`, [ids.a]);
    await t.sql(`UPDATE resident SET ward_code = 'SW01' WHERE id = $1`, [ids.b]);
    await t.sql(`UPDATE resident SET campaign_code = 'OP-B' WHERE id = $1`, [ids.d]);
    await t.sql(`UPDATE resident SET status = 'unsubscribed', left_at = '2019-10-03T09:00:00Z' WHERE id = $1`, [ids.e]);
    const incremental = await refresh();
    expect(incremental.full).toBe(false);
    await sameAsLive();
    const after = await tables();
    await refresh(true);
    expect(await tables()).toEqual(after);
    expect(after[1].filter((r) => r.ward_code === 'SW01')).toEqual([
      { ward_code: 'SW01', month: '2019-07', source: 'door_knock', campaign_code: 'OP-A', signups: 1 },
      { ward_code: 'SW01', month: '2019-08', source: 'online', campaign_code: 'OP-B', signups: 1 },
      { ward_code: 'SW01', month: '2019-09', source: 'unknown', campaign_code: '', signups: 1 },
    ]);
    const attribution = await t.http().get('/api/v1/reports/attribution?from=2019-07&to=2019-09').set(...analyst).expect(200);
    expect(attribution.body).toEqual([
      { source: 'unknown', campaignCode: '', signups: 2 },
      { source: 'door_knock', campaignCode: 'OP-A', signups: 1 },
      { source: 'event', campaignCode: '', signups: 1 },
      { source: 'online', campaignCode: 'OP-B', signups: 1 },
    ]);
    const be = await t.http().get('/api/v1/reports/attribution?from=2019-07&to=2019-09&npu=BE').set(...analyst).expect(200);
    expect(be.body).toEqual([
      { source: 'event', campaignCode: '', signups: 1 },
      { source: 'unknown', campaignCode: '', signups: 1 },
    ]);
  });
});

describe("a message's recipients by language, counted by its fan-out", () => {
  const { t } = useSuite({ geography: true, smtp: true, env: { LANGUAGES: 'en,ur,pl', FANOUT_PARALLELISM: '3' } });

  it('each slice adds its counts, folded into one row per language when the fan-out ends; the detail reads them, not the deliveries', async () => {
    const ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    await makeResidents(t, { count: 300, ward: 'BE02', prefix: 'lang', interest: 'student' });
    await t.sql(`UPDATE resident SET language = CASE WHEN right(email, 13) ~ '^[0-9]*[05]@' THEN ' Urdu ' WHEN right(email, 13) ~ '^[0-9]*[27]@' THEN 'polish' END WHERE email LIKE 'lang%'`);
    const expected = await t.sql<{ language: string | null; n: number }>(
      `SELECT nullif(lower(btrim(language)), '') AS language, count(*)::int AS n FROM resident WHERE email LIKE 'lang%' GROUP BY 1 ORDER BY 1 NULLS FIRST`,
    );
    expect(expected.map((r) => r.language)).toEqual([null, 'polish', 'urdu']);
    const res = await compose(t, ecoBE, {
      translations: [{ language: 'ur', title: 'اطلاع', body: 'متن' }],
      audience: { wardCodes: ['BE02'], interestGroups: ['student'] },
    }).expect(201);
    await t.sql(`UPDATE message SET status = 'sending', send_requested_at = now() WHERE id = $1`, [res.body.id]);
    await t.app.get(FanOutJob).fanOut({ messageId: res.body.id });
    const rows = await t.sql<{ language: string; n: number }>(
      `SELECT nullif(language, '') AS language, recipients AS n FROM message_language_recipients WHERE message_id = $1 ORDER BY 1 NULLS FIRST`,
      [res.body.id],
    );
    expect(rows).toEqual(expected);
    await waitStatus(t, res.body.id, 'sent');
    // The deliveries go (retention dropped their month): the message still says who it reached.
    await t.sql(`DELETE FROM delivery WHERE message_id = $1`, [res.body.id]);
    const detail = await t.http().get(`/api/v1/messages/${res.body.id}`).set(...ecoBE).expect(200);
    // In Urdu where there is a translation; Polish speakers and the rest in English.
    const n = (language: string | null) => expected.find((r) => r.language === language)!.n;
    expect(detail.body.recipientsByLanguage).toEqual({ en: n(null) + n('polish'), ur: n('urdu') });
  });
});
