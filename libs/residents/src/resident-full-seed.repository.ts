import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WARD_POSTCODES_SQL } from './resident-seed.repository';

/** The full demo's e-mail addresses (example.org is reserved: nobody real is ever e-mailed). */
export const FULL_DEMO_EMAIL_PATTERN = 'resident.%@demo.example.org';
/**
 * Demo mobile numbers: 07700 800000–899999. Ofcom's drama range (07700 900000–900999) is refused
 * by the sign-up validator (libphonenumber marks 07700 9 invalid), and 1,000 numbers would not
 * give 29,000 residents one each; these are valid-format numbers used only by the demo, which
 * never sends a real SMS unless a Twilio account is configured (then no demo number is held).
 */
export const DEMO_PHONE_PREFIX = '+4477008';

const FIRST_NAMES = [
  'Mohammed', 'Olivia', 'Aisha', 'Jack', 'Harpreet', 'Priya', 'Kwame', 'Chloe', 'Oliver', 'Fatima',
  'Amelia', 'Hassan', 'Zara', 'Daniel', 'Grace', 'Ravi', 'Sophie', 'Yusuf', 'Emily', 'Tomasz',
  'Agnieszka', 'Ali', 'Maryam', 'Joshua', 'Lily', 'Imran', 'Nia', 'Samuel', 'Jasmine', 'Adebayo',
  'Ruby', 'Connor', 'Sana', 'Liam', 'Amira', 'Kai', 'Ella', 'Harjit', 'Leah', 'Noah',
];
// Invented surnames, so no demo row reads as a real person.
const LAST_NAMES = [
  'Demoford', 'Samplewood', 'Fictonby', 'Mockridge', 'Testwell', 'Placeworth', 'Examplton', 'Dummerby',
  'Pretendon', 'Madeupson', 'Notrealey', 'Fauxbridge', 'Invento', 'Stagehurst', 'Scriptley', 'Propwood',
  'Rehearsby', 'Understudy', 'Castleigh', 'Extrason',
];

/** Topics with the share of residents choosing each (crime alerts is the default tick). */
const TOPIC_SHARES: [string, number][] = [
  ['crime_alerts', 88], ['anti_social_behaviour', 42], ['appeals', 24], ['events', 16],
  ['meetings', 9], ['crime_prevention', 30], ['road_safety', 19], ['fraud_scams', 28],
];
const INTEREST_SHARES: [string, number][] = [
  ['cctv_owner', 9], ['dog_walker', 14], ['business_owner', 5], ['horse_rider', 1], ['farmer', 1], ['student', 4], ['parent', 18],
];

export interface FullDemoResidentsSpec {
  /** Residents who are subscribed today (leavers come on top). */
  active: number;
  /** Share of all sign-ups who have since left (0–1). */
  leaverShare: number;
  /** Years of sign-ups back from now. */
  years: number;
  /** Share of residents who also get SMS (0–1); 0 when a real SMS provider is configured. */
  smsShare: number;
  /** Door-knocking campaigns: extra sign-ups in a group of wards over a window. */
  campaigns: { code: string; wardCodes: string[]; startMonthsAgo: number; months: number; signups: number }[];
}

/**
 * Full demo residents, set-based: one INSERT … SELECT per table over generate_series, wards
 * given residents in proportion to their population, sign-ups growing over the period.
 */
@Injectable()
export class ResidentFullSeedRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async hasFullDemo(): Promise<boolean> {
    const [row] = await this.db.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM resident WHERE email LIKE $1) AS any', [FULL_DEMO_EMAIL_PATTERN]);
    return row.any;
  }

  async insert(spec: FullDemoResidentsSpec): Promise<number> {
    const extra = spec.campaigns.reduce((n, c) => n + c.signups, 0);
    const total = Math.round(spec.active / (1 - spec.leaverShare));
    const base = total - extra;
    return this.db.transaction(async (tx) => {
      // n → ward by cumulative population; the campaigns' rows follow the base rows.
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_person ON COMMIT DROP AS
         WITH w AS (
           SELECT code, npu_code, population,
                  sum(population) OVER (ORDER BY code) - population AS before,
                  sum(population) OVER () AS total
             FROM ward WHERE population > 0
         ),
         ranges AS (
           SELECT code, npu_code, floor($1::bigint * before / total)::int + 1 AS lo, floor($1::bigint * (before + population) / total)::int AS hi FROM w
         ),
         campaign AS (
           SELECT c.code, c.wards, c.start_ago, c.months, c.signups,
                  $1::int + 1 + coalesce(sum(c.signups) OVER (ORDER BY c.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS first_n
             FROM ROWS FROM (jsonb_to_recordset($3::jsonb) AS (code text, wards text[], start_ago int, months int, signups int)) WITH ORDINALITY AS c(code, wards, start_ago, months, signups, ord)
         ),
         people AS (
           SELECT n, r.code AS ward_code, r.npu_code, NULL::text AS campaign_code,
                  -- growing sign-ups: density rising by 60 % over the period (inverse of its CDF)
                  now() - make_interval(days => ($2::int * 365)) +
                  make_interval(secs => ($2::int * 365 * 86400) * (sqrt(1 + 2 * 0.6 * 1.3 * u(n, 'when')) - 1) / 0.6) AS activated_at
             FROM ranges r CROSS JOIN LATERAL generate_series(r.lo, r.hi) AS g(n)
            WHERE r.hi >= r.lo
           UNION ALL
           SELECT c.first_n + k, c.wards[1 + (k % array_length(c.wards, 1))], wd.npu_code, c.code,
                  now() - make_interval(months => c.start_ago) + make_interval(secs => c.months * 30.4 * 86400 * u(c.first_n + k, 'when'))
             FROM campaign c CROSS JOIN LATERAL generate_series(0, c.signups - 1) AS g(k)
             JOIN ward wd ON wd.code = c.wards[1 + (k % array_length(c.wards, 1))]
         )
         SELECT p.*, u(n, 'left') < $4::float8 AS has_left, u(n, 'sms') < $5::float8 AS has_sms,
                u(n, 'left2') AS u_left, floor(u(n, 'src') * 100)::int AS p_source, floor(u(n, 'age') * 100)::int AS p_age,
                floor(u(n, 'eth') * 100)::int AS p_eth, 1 + floor(u(n, 'first') * $6)::int AS i_first, 1 + floor(u(n, 'last') * $7)::int AS i_last
           FROM people p`.replace(/u\(([^,]+), '(\w+)'\)/g, "((abs(hashtext(($1)::text || ':$2')) % 1000003) / 1000003.0)"),
        [base, spec.years, JSON.stringify(spec.campaigns.map((c) => ({ code: c.code, wards: c.wardCodes, start_ago: c.startMonthsAgo, months: c.months, signups: c.signups }))),
          spec.leaverShare, spec.smsShare, FIRST_NAMES.length, LAST_NAMES.length],
      );
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH codes AS (${WARD_POSTCODES_SQL}),
         ins AS (
           INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at,
                                 activated_at, left_at, source, campaign_code, age_band, ethnicity, consent_at, created_at, updated_at,
                                 postcode, postcode_lat, postcode_long)
           SELECT 'resident.' || lower(f.name) || '.' || lower(l.name) || '.' || p.n || '@demo.example.org',
                  CASE WHEN p.has_sms THEN $3 || lpad(p.n::text, 5, '0') END,
                  f.name, l.name, p.ward_code,
                  CASE WHEN p.has_left THEN 'unsubscribed' ELSE 'active' END,
                  p.activated_at,
                  CASE WHEN p.has_sms THEN p.activated_at END,
                  p.activated_at,
                  CASE WHEN p.has_left THEN p.activated_at + (now() - p.activated_at) * (0.05 + 0.9 * p.u_left) END,
                  CASE WHEN p.campaign_code IS NOT NULL THEN 'door_knock'
                       WHEN p.p_source < 10 THEN 'door_knock' WHEN p.p_source < 20 THEN 'street' WHEN p.p_source < 45 THEN 'social_media'
                       WHEN p.p_source < 57 THEN 'event' WHEN p.p_source < 95 THEN 'online' ELSE 'other' END,
                  p.campaign_code,
                  CASE WHEN p.p_age < 4 THEN '16-24' WHEN p.p_age < 15 THEN '25-34' WHEN p.p_age < 32 THEN '35-44' WHEN p.p_age < 53 THEN '45-54'
                       WHEN p.p_age < 74 THEN '55-64' WHEN p.p_age < 90 THEN '65-74' WHEN p.p_age < 97 THEN '75+' END,
                  -- Birmingham's NPUs are more diverse; subscribers under-represent every minority
                  CASE WHEN p.npu_code IN ('BE', 'BW') THEN
                         CASE WHEN p.p_eth < 58 THEN 'white' WHEN p.p_eth < 76 THEN 'asian' WHEN p.p_eth < 82 THEN 'black' WHEN p.p_eth < 86 THEN 'mixed'
                              WHEN p.p_eth < 88 THEN 'other' WHEN p.p_eth < 93 THEN 'prefer_not_to_say' END
                       ELSE
                         CASE WHEN p.p_eth < 77 THEN 'white' WHEN p.p_eth < 86 THEN 'asian' WHEN p.p_eth < 90 THEN 'black' WHEN p.p_eth < 92 THEN 'mixed'
                              WHEN p.p_eth < 93 THEN 'other' WHEN p.p_eth < 96 THEN 'prefer_not_to_say' END
                  END,
                  p.activated_at - interval '20 minutes', p.activated_at - interval '20 minutes', coalesce(
                    CASE WHEN p.has_left THEN p.activated_at + (now() - p.activated_at) * (0.05 + 0.9 * p.u_left) END, p.activated_at),
                  pc.postcode, pc.lat, pc.long
             FROM demo_person p
             JOIN unnest($1::text[]) WITH ORDINALITY AS f(name, i) ON f.i = p.i_first
             JOIN unnest($2::text[]) WITH ORDINALITY AS l(name, i) ON l.i = p.i_last
             -- one of the ward's (synthetic demo) postcodes and its centroid, when any is loaded
             LEFT JOIN codes c ON c.ward_code = p.ward_code
             LEFT JOIN postcode pc ON pc.postcode = c.codes[1 + p.n % array_length(c.codes, 1)]
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [FIRST_NAMES, LAST_NAMES, DEMO_PHONE_PREFIX],
      );
      await tx.query<unknown>(
        `INSERT INTO resident_channel (resident_id, channel, enabled)
         SELECT r.id, c.channel, r.status = 'active'
           FROM resident r CROSS JOIN (VALUES ('email'), ('sms')) AS c(channel)
          WHERE r.email LIKE $1 AND (c.channel = 'email' OR r.phone_e164 IS NOT NULL)`,
        [FULL_DEMO_EMAIL_PATTERN],
      );
      await tx.query<unknown>(
        `INSERT INTO resident_topic (resident_id, topic)
         SELECT r.id, t.topic FROM resident r CROSS JOIN unnest($2::varchar[], $3::int[]) AS t(topic, pct)
          WHERE r.email LIKE $1 AND abs(hashtext(r.id::text || t.topic)) % 100 < t.pct`,
        [FULL_DEMO_EMAIL_PATTERN, TOPIC_SHARES.map(([t]) => t), TOPIC_SHARES.map(([, p]) => p)],
      );
      await tx.query<unknown>(
        `INSERT INTO resident_interest (resident_id, interest_group)
         SELECT r.id, g.grp FROM resident r CROSS JOIN unnest($2::varchar[], $3::int[]) AS g(grp, pct)
          WHERE r.email LIKE $1 AND abs(hashtext(r.id::text || g.grp)) % 100 < g.pct`,
        [FULL_DEMO_EMAIL_PATTERN, INTEREST_SHARES.map(([t]) => t), INTEREST_SHARES.map(([, p]) => p)],
      );
      return n;
    });
  }
}
