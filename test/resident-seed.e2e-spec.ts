import { beforeAll, describe, expect, it } from '@jest/globals';
import { GeographyService } from '@beacon/geography';
import { DEMO_RESIDENT_COUNT, ResidentSeedService } from '@beacon/residents';
import { useSuite } from './utils/suite';

describe('demo residents', () => {
  const { t } = useSuite({  });
  beforeAll(async () => {
    await t.app.get(GeographyService).seedWestMidlands();
  });

  it('loads synthetic residents across the wards over 18 months, once', async () => {
    const seeds = t.app.get(ResidentSeedService);
    expect(await seeds.seedDemo()).toBe(DEMO_RESIDENT_COUNT);
    expect(await seeds.seedDemo()).toBe(0);
    const [stats] = await t.sql<Record<string, number>>(
      `SELECT count(*)::int AS total,
              count(DISTINCT ward_code)::int AS wards,
              count(*) FILTER (WHERE email NOT LIKE 'demo.%@example.org')::int AS other_domains,
              count(*) FILTER (WHERE activated_at < now() - interval '549 days' OR activated_at > now())::int AS out_of_range,
              count(*) FILTER (WHERE activated_at > now() - interval '183 days')::int AS last_six_months,
              count(*) FILTER (WHERE status = 'unsubscribed' AND left_at > activated_at)::int AS leavers,
              count(*) FILTER (WHERE phone_e164 IS NOT NULL AND phone_e164 NOT LIKE '+447700900%')::int AS real_looking_phones
         FROM resident`,
    );
    expect(stats).toMatchObject({ total: DEMO_RESIDENT_COUNT, other_domains: 0, out_of_range: 0, real_looking_phones: 0 });
    expect(stats.wards).toBeGreaterThan(120);
    expect(stats.last_six_months).toBeGreaterThan(DEMO_RESIDENT_COUNT / 3); // growing, not flat
    expect(stats.leavers).toBeGreaterThan(10);
    const [channels] = await t.sql<{ active_without_channel: number }>(
      `SELECT count(*)::int AS active_without_channel FROM resident r
        WHERE r.status = 'active' AND NOT EXISTS (SELECT 1 FROM resident_channel c WHERE c.resident_id = r.id AND c.enabled)`,
    );
    expect(channels.active_without_channel).toBe(0);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(DISTINCT resident_id)::int AS n FROM resident_topic`);
    expect(n).toBe(DEMO_RESIDENT_COUNT);
  });
});
