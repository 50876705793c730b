import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const DEMO_EMAIL_PATTERN = 'demo.%@example.org';

const FIRST_NAMES = [
  'Mohammed', 'Olivia', 'Aisha', 'Jack', 'Harpreet', 'Priya', 'Kwame', 'Chloe', 'Oliver', 'Fatima',
  'Amelia', 'Hassan', 'Zara', 'Daniel', 'Grace', 'Ravi', 'Sophie', 'Yusuf', 'Emily', 'Tomasz',
  'Agnieszka', 'Ali', 'Maryam', 'Joshua', 'Lily', 'Imran', 'Nia', 'Samuel', 'Jasmine', 'Adebayo',
  'Ruby', 'Connor', 'Sana', 'Liam', 'Amira', 'Kai', 'Ella', 'Harjit', 'Leah', 'Noah',
];
const LAST_NAMES = [
  'Smith', 'Khan', 'Jones', 'Patel', 'Williams', 'Begum', 'Brown', 'Hussain', 'Taylor', 'Ahmed',
  'Davies', 'Singh', 'Evans', 'Ali', 'Wilson', 'Kaur', 'Thomas', 'Campbell', 'Roberts', 'Mahmood',
  'Johnson', 'Okafor', 'Walker', 'Nowak', 'Wright', 'Iqbal', 'Robinson', 'Clarke', 'Green', 'Mensah',
  'Hall', 'Akhtar', 'Wood', 'Lewis', 'Edwards', 'Shah', 'Hughes', 'Murphy', 'Kowalski', 'Bennett',
];

/** Each ward's live, located postcodes in order (a CTE body): demo residents are placed at one of them. */
export const WARD_POSTCODES_SQL = `SELECT ward_code, array_agg(postcode ORDER BY postcode) AS codes FROM postcode
          WHERE terminated_on IS NULL AND lat IS NOT NULL AND long IS NOT NULL GROUP BY ward_code`;

/** Synthetic residents for the demo data set (deterministic: the same rows on every machine). */
@Injectable()
export class ResidentSeedRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Gives each demo resident (`patterns`: their e-mail LIKE patterns) without a postcode one of
   * their ward's live postcodes (stable per resident) and its centroid, in one statement.
   * Wards with no postcode loaded are left as they are.
   */
  async placeAtWardPostcodes(patterns: string[]): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `WITH codes AS (${WARD_POSTCODES_SQL}),
       pick AS (
         SELECT r.id, c.codes[1 + abs(hashtext(r.id::text)) % array_length(c.codes, 1)] AS postcode
           FROM resident r JOIN codes c ON c.ward_code = r.ward_code
          WHERE r.postcode IS NULL AND r.erased_at IS NULL AND r.email LIKE ANY($1::text[])),
       placed AS (
         UPDATE resident r SET postcode = p.postcode, postcode_lat = p.lat, postcode_long = p.long
           FROM pick JOIN postcode p ON p.postcode = pick.postcode
          WHERE r.id = pick.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM placed`,
      [patterns],
    );
    return n;
  }

  async countDemoResidents(): Promise<number> {
    const [{ n }] = await this.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM resident WHERE email LIKE $1', [DEMO_EMAIL_PATTERN]);
    return n;
  }

  /**
   * `count` residents spread over every ward, activated over the last 18 months (more of them
   * recently, as a growing service looks), ~8% since unsubscribed, ~40% with SMS on Ofcom's
   * drama-range numbers (07700 900xxx) so nobody real is ever texted.
   */
  async insertDemoResidents(count: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ id: string }[]>(
        `WITH wards AS (SELECT array_agg(code ORDER BY code) AS codes FROM ward),
         base AS (
           SELECT n,
                  -- u(salt): a stable pseudo-random number in [0,1) per resident
                  (abs(hashtext(n || ':when')) % 100000) / 100000.0 AS u_when,
                  (abs(hashtext(n || ':left')) % 100000) / 100000.0 AS u_left,
                  abs(hashtext(n || ':ward')) AS h_ward,
                  abs(hashtext(n || ':first')) % $2 AS i_first,
                  abs(hashtext(n || ':last')) % $3 AS i_last,
                  abs(hashtext(n || ':source')) % 100 AS p_source,
                  abs(hashtext(n || ':age')) % 100 AS p_age,
                  abs(hashtext(n || ':eth')) % 100 AS p_eth,
                  abs(hashtext(n || ':sms')) % 100 AS p_sms,
                  abs(hashtext(n || ':unsub')) % 100 AS p_unsub
             FROM generate_series(1, $1::int) AS g(n)
         ),
         people AS (
           SELECT b.*, ($4::text[])[b.i_first + 1] AS first_name, ($5::text[])[b.i_last + 1] AS last_name,
                  w.codes[1 + b.h_ward % array_length(w.codes, 1)] AS ward_code,
                  now() - interval '548 days' * power(b.u_when, 1.6) - interval '1 hour' AS activated_at
             FROM base b CROSS JOIN wards w
            WHERE array_length(w.codes, 1) > 0
         )
         INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at,
                               activated_at, left_at, source, age_band, ethnicity, consent_at, created_at, updated_at)
         SELECT lower('demo.' || first_name || '.' || last_name || '.' || n || '@example.org'),
                CASE WHEN p_sms < 40 THEN '+447700900' || lpad((n % 1000)::text, 3, '0') END,
                first_name, last_name, ward_code,
                CASE WHEN p_unsub < 8 THEN 'unsubscribed' ELSE 'active' END,
                activated_at,
                CASE WHEN p_sms < 40 THEN activated_at END,
                activated_at,
                -- leavers left within the last 300 days, inside the default 365 days before the retention erases them
                CASE WHEN p_unsub < 8 THEN greatest(activated_at, now() - interval '300 days') + (now() - greatest(activated_at, now() - interval '300 days')) * u_left END,
                CASE WHEN p_source < 25 THEN 'door_knock' WHEN p_source < 40 THEN 'street' WHEN p_source < 60 THEN 'social_media'
                     WHEN p_source < 75 THEN 'event' WHEN p_source < 95 THEN 'online' ELSE 'other' END,
                CASE WHEN p_age < 9 THEN '16-24' WHEN p_age < 24 THEN '25-34' WHEN p_age < 41 THEN '35-44' WHEN p_age < 59 THEN '45-54'
                     WHEN p_age < 75 THEN '55-64' WHEN p_age < 87 THEN '65-74' WHEN p_age < 95 THEN '75+' END,
                CASE WHEN p_eth < 45 THEN 'white' WHEN p_eth < 72 THEN 'asian' WHEN p_eth < 82 THEN 'black' WHEN p_eth < 87 THEN 'mixed'
                     WHEN p_eth < 90 THEN 'other' WHEN p_eth < 93 THEN 'prefer_not_to_say' END,
                activated_at - interval '20 minutes', activated_at - interval '20 minutes', activated_at
           FROM people
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [count, FIRST_NAMES.length, LAST_NAMES.length, FIRST_NAMES, LAST_NAMES],
      );
      const ids = inserted.map((r) => r.id);
      await tx.query<unknown>(
        `INSERT INTO resident_channel (resident_id, channel, enabled)
         SELECT r.id, c.channel, r.status = 'active'
           FROM resident r CROSS JOIN (VALUES ('email'), ('sms')) AS c(channel)
          WHERE r.id = ANY($1::uuid[]) AND (c.channel = 'email' OR r.phone_e164 IS NOT NULL)
         ON CONFLICT DO NOTHING`,
        [ids],
      );
      await tx.query<unknown>(
        `INSERT INTO resident_topic (resident_id, topic)
         SELECT r.id, t.topic FROM unnest($1::uuid[]) AS r(id) CROSS JOIN unnest($2::varchar[]) AS t(topic)
          WHERE t.topic = 'crime_alerts' OR abs(hashtext(r.id || t.topic)) % 10 < 6
         ON CONFLICT DO NOTHING`,
        [ids, ['crime_alerts', 'anti_social_behaviour', 'appeals', 'events', 'meetings', 'crime_prevention', 'road_safety', 'fraud_scams']],
      );
      await tx.query<unknown>(
        `INSERT INTO resident_interest (resident_id, interest_group)
         SELECT r.id, g.grp FROM unnest($1::uuid[]) AS r(id) CROSS JOIN unnest($2::varchar[]) AS g(grp)
          WHERE abs(hashtext(r.id || g.grp)) % 10 < 2
         ON CONFLICT DO NOTHING`,
        [ids, ['cctv_owner', 'dog_walker', 'business_owner', 'horse_rider', 'farmer', 'student', 'parent']],
      );
      return ids.length;
    });
  }
}
