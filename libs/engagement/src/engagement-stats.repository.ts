import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type StatsGroup = 'author' | 'npu';

export interface StatsFilter {
  /** First month, 'YYYY-MM' (Europe/London). */
  from: string;
  /** Last month, inclusive. */
  to: string;
  npuCode?: string;
}

export interface StatsRow {
  key: string | null;
  month: string;
  sent: number;
  recipients: number;
  averageRating: string | null;
  ratings: number;
  replies: number;
}

const GROUP_COLUMN: Record<StatsGroup, string> = { author: 'author_id', npu: 'npu_code' };

@Injectable()
export class EngagementStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Messages sent in the months (idx_message_sent_at), their ratings (index-only on
   * idx_rating_message_score) and replies (idx_reply_message), summed per group and month
   * sent. Ratings and replies count towards the month their message was sent.
   */
  async monthly(group: StatsGroup, f: StatsFilter): Promise<StatsRow[]> {
    const key = GROUP_COLUMN[group];
    return this.db.query(
      `WITH bounds AS (
         SELECT (($1::text || '-01')::date::timestamp AT TIME ZONE 'Europe/London') AS lo,
                ((($2::text || '-01')::date + interval '1 month')::timestamp AT TIME ZONE 'Europe/London') AS hi),
       m AS (
         SELECT msg.id, msg.${key} AS key, msg.recipient_count,
                to_char(msg.sent_at AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month
           FROM message msg, bounds
          WHERE msg.sent_at >= bounds.lo AND msg.sent_at < bounds.hi
            AND ($3::varchar IS NULL OR msg.npu_code = $3::varchar)),
       rt AS (
         SELECT r.message_id, count(*) AS n, sum(r.score) AS total
           FROM rating r JOIN m ON m.id = r.message_id GROUP BY r.message_id),
       rp AS (
         SELECT p.message_id, count(*) AS n
           FROM reply p JOIN m ON m.id = p.message_id GROUP BY p.message_id)
       SELECT m.key::text AS key, m.month,
              count(*)::int AS sent,
              coalesce(sum(m.recipient_count), 0)::int AS recipients,
              round(sum(rt.total)::numeric / nullif(sum(rt.n), 0), 2)::text AS "averageRating",
              coalesce(sum(rt.n), 0)::int AS ratings,
              coalesce(sum(rp.n), 0)::int AS replies
         FROM m
         LEFT JOIN rt ON rt.message_id = m.id
         LEFT JOIN rp ON rp.message_id = m.id
        GROUP BY m.key, m.month
        ORDER BY m.month, m.key NULLS LAST`,
      [f.from, f.to, f.npuCode ?? null],
    );
  }
}
