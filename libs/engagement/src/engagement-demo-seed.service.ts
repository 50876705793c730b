import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// Score shares in % for 6…1 (mean ≈ 5.4 of 6, as WMNow's ratings run).
const SCORE_CUTS = [64, 87, 94, 97, 98.5]; // cumulative: 6 below 64, 5 below 87, …
const COMMENTS = ['Thanks for keeping us informed.', 'Very useful, shared with my neighbours.', 'Would like more detail on where exactly.', 'Good to know the team is out and about.'];
const REPLIES = [
  'Is there any update on this? It happened on our road too.',
  'Thank you. Could someone come to our residents meeting?',
  'I saw a van parked there for hours last week, should I report it?',
  'Please can you send these by text as well?',
];

/**
 * The full demo's engagement, set-based, from the sampled e-mail deliveries: ratings from about
 * a third of them (mean ≈ 5.4), replies from a few, answered by the NPU's staff except recent
 * ones left open and a few closed. Loaded once: nothing happens when any rating exists.
 */
@Injectable()
export class EngagementDemoSeedService {
  private readonly logger = new Logger('Engagement');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async seedFullDemo(): Promise<{ ratings: number; replies: number }> {
    return this.db.transaction(async (tx) => {
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM rating) AS any');
      if (any) return { ratings: 0, replies: 0 };
      const [{ ratings }] = await tx.query<{ ratings: number }[]>(
        `WITH ins AS (
           INSERT INTO rating (message_id, resident_id, score, comment, created_at, updated_at)
           SELECT d.message_id, d.resident_id, s.score,
                  CASE WHEN h % 100 < 8 AND r.status <> 'erased' THEN ($2::text[])[1 + h % 4] END,
                  least(now(), d.sent_at + make_interval(mins => 5 + h % 2000)), least(now(), d.sent_at + make_interval(mins => 5 + h % 2000))
             FROM delivery d JOIN resident r ON r.id = d.resident_id
             CROSS JOIN LATERAL (SELECT abs(hashtext(d.id::text || ':rating')) AS h) hh
             CROSS JOIN LATERAL (SELECT (h % 1000) / 10.0 AS p) pp
             CROSS JOIN LATERAL (SELECT CASE WHEN p < ($1::float8[])[1] THEN 6 WHEN p < ($1::float8[])[2] THEN 5 WHEN p < ($1::float8[])[3] THEN 4 WHEN p < ($1::float8[])[4] THEN 3 WHEN p < ($1::float8[])[5] THEN 2 ELSE 1 END AS score) s
            WHERE d.channel = 'email' AND d.status IN ('sent', 'delivered') AND abs(hashtext(d.id::text || ':rated')) % 100 < 35
           ON CONFLICT DO NOTHING
           RETURNING 1)
         SELECT count(*)::int AS ratings FROM ins`,
        [SCORE_CUTS, COMMENTS],
      );
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_reply ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, d.message_id, d.resident_id, m.npu_code, m.sent_at,
                least(now(), m.sent_at + make_interval(hours => 1 + h % 40)) AS created_at, h, r.status = 'erased' AS erased,
                -- an erased resident's replies are closed and emptied, as their erasure leaves them
                CASE WHEN r.status = 'erased' THEN 'closed'
                     WHEN m.sent_at > now() - interval '90 days' AND h % 100 < 60 THEN 'open' WHEN h % 100 < 85 THEN 'answered' ELSE 'closed' END AS status
           FROM delivery d JOIN message m ON m.id = d.message_id JOIN resident r ON r.id = d.resident_id
           CROSS JOIN LATERAL (SELECT abs(hashtext(d.id::text || ':reply')) AS h) hh
          WHERE d.channel = 'email' AND d.status IN ('sent', 'delivered') AND m.npu_code IS NOT NULL AND h % 100 < 6`,
      );
      const [{ replies }] = await tx.query<{ replies: number }[]>(
        `WITH ins AS (
           INSERT INTO reply (id, message_id, resident_id, body, via, status, npu_code, created_at)
           SELECT id, message_id, resident_id, CASE WHEN erased THEN '' ELSE ($1::text[])[1 + h % 4] END,
                  CASE WHEN h % 3 = 0 THEN 'web' ELSE 'email' END, status, npu_code, created_at
             FROM demo_reply
           RETURNING 1)
         SELECT count(*)::int AS replies FROM ins`,
        [REPLIES],
      );
      await tx.query<unknown>(
        `INSERT INTO reply_response (reply_id, staff_id, body, channel, created_at)
         SELECT r.id, s.id, 'Thank you for getting in touch. An officer from your neighbourhood team will follow this up.', 'email',
                least(now(), r.created_at + make_interval(hours => 4 + r.h % 44))
           FROM demo_reply r
           JOIN LATERAL (SELECT id FROM staff WHERE active AND (npu_code = r.npu_code OR role = 'admin')
                          ORDER BY (npu_code = r.npu_code) DESC, created_at LIMIT 1) s ON true
          WHERE r.status = 'answered'`,
      );
      this.logger.log(`Demo engagement loaded: ${ratings} ratings, ${replies} replies`);
      return { ratings, replies };
    });
  }
}
