import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface RatingView {
  messageId: string;
  score: number;
  comment: string | null;
}

export interface RatingCounts {
  count: number;
  /** Sum of scores / count, rounded to 2 decimals; null with no ratings. */
  average: number | null;
  /** Ratings per score, index 0 = score 1. */
  byScore: number[];
}

export interface RatingByDelivery {
  deliveryId: string;
  score: number;
  comment: string | null;
}

export interface RatingByDeliveryResult {
  title: string;
  residentStatus: string;
  /** Null when the resident is erased (nothing stored). */
  rating: RatingView | null;
}

export interface ExportedRating extends RatingView {
  messageTitle: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A resident's comment with their rating, on a message of the NPU. */
export interface RatingCommentRow {
  messageId: string;
  messageTitle: string;
  score: number;
  comment: string;
  firstName: string | null;
  at: Date;
}

@Injectable()
export class RatingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores or replaces the resident's rating of the message (one row per message and resident). */
  async upsert(messageId: string, residentId: string, score: number, comment: string | null): Promise<RatingView> {
    const [row] = await this.db.query<RatingView[]>(
      `INSERT INTO rating (message_id, resident_id, score, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id, resident_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = now()
       RETURNING message_id AS "messageId", score, comment`,
      [messageId, residentId, score, comment],
    );
    return row;
  }

  /**
   * Rating links' writes, many in one statement (the hot path behind every e-mail and SMS; the
   * service coalesces concurrent requests): each item's delivery gives its message and resident
   * and, unless the resident is erased, the rating is stored or replaced. One result per item,
   * in order: null when the delivery is gone. Items naming the same message and resident (the
   * same link twice, or their e-mail and SMS links) store the last one, as if run in order.
   */
  async upsertByDeliveries(items: RatingByDelivery[]): Promise<(RatingByDeliveryResult | null)[]> {
    const rows = await this.db.query<{ n: string; title: string; residentStatus: string; messageId: string; saved: boolean }[]>(
      `WITH input AS (
         SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::varchar[]) WITH ORDINALITY AS i(delivery_id, score, comment, n)),
       target AS (
         SELECT i.n, i.score, i.comment, d.message_id, d.resident_id, r.status AS resident_status, m.title
           FROM input i JOIN delivery d ON d.id = i.delivery_id JOIN message m ON m.id = d.message_id JOIN resident r ON r.id = d.resident_id),
       saved AS (
         INSERT INTO rating (message_id, resident_id, score, comment)
         SELECT DISTINCT ON (message_id, resident_id) message_id, resident_id, score, comment
           FROM target WHERE resident_status <> 'erased' ORDER BY message_id, resident_id, n DESC
         ON CONFLICT (message_id, resident_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = now()
         RETURNING message_id, resident_id)
       SELECT t.n, t.title, t.resident_status AS "residentStatus", t.message_id AS "messageId", s.message_id IS NOT NULL AS saved
         FROM target t LEFT JOIN saved s ON s.message_id = t.message_id AND s.resident_id = t.resident_id`,
      [items.map((i) => i.deliveryId), items.map((i) => i.score), items.map((i) => i.comment)],
    );
    const out: (RatingByDeliveryResult | null)[] = items.map(() => null);
    for (const row of rows) {
      const item = items[Number(row.n) - 1];
      out[Number(row.n) - 1] = {
        title: row.title,
        residentStatus: row.residentStatus,
        rating: row.saved ? { messageId: row.messageId, score: item.score, comment: item.comment } : null,
      };
    }
    return out;
  }

  async findOne(messageId: string, residentId: string): Promise<{ score: number; comment: string | null } | null> {
    const rows = await this.db.query<{ score: number; comment: string | null }[]>('SELECT score, comment FROM rating WHERE message_id = $1 AND resident_id = $2', [messageId, residentId]);
    return rows[0] ?? null;
  }

  /** Count, average and per-score counts from the maintained counts (at most 6 × 16 rows, whatever the ratings). */
  async countsForMessage(messageId: string): Promise<RatingCounts> {
    const [row] = await this.db.query<{ n: number; average: string | null; s1: number; s2: number; s3: number; s4: number; s5: number; s6: number }[]>(
      `SELECT coalesce(sum(ratings), 0)::int AS n, round(sum(score * ratings)::numeric / nullif(sum(ratings), 0), 2)::text AS average,
              coalesce(sum(ratings) FILTER (WHERE score = 1), 0)::int AS s1, coalesce(sum(ratings) FILTER (WHERE score = 2), 0)::int AS s2,
              coalesce(sum(ratings) FILTER (WHERE score = 3), 0)::int AS s3, coalesce(sum(ratings) FILTER (WHERE score = 4), 0)::int AS s4,
              coalesce(sum(ratings) FILTER (WHERE score = 5), 0)::int AS s5, coalesce(sum(ratings) FILTER (WHERE score = 6), 0)::int AS s6
         FROM message_rating_count WHERE message_id = $1`,
      [messageId],
    );
    return { count: row.n, average: row.average === null ? null : Number(row.average), byScore: [row.s1, row.s2, row.s3, row.s4, row.s5, row.s6] };
  }

  async forResident(residentId: string): Promise<ExportedRating[]> {
    return this.db.query<ExportedRating[]>(
      `SELECT r.message_id AS "messageId", m.title AS "messageTitle", r.score, r.comment, r.created_at AS "createdAt", r.updated_at AS "updatedAt"
         FROM rating r JOIN message m ON m.id = r.message_id
        WHERE r.resident_id = $1 ORDER BY r.created_at, r.message_id`,
      [residentId],
    );
  }

  /** Erasure: the free-text comment may name the resident; the score stays for the figures. */
  async eraseComments(residentId: string, manager: EntityManager): Promise<void> {
    await manager.query<unknown>('UPDATE rating SET comment = NULL WHERE resident_id = $1 AND comment IS NOT NULL', [residentId]);
  }

  async recentComments(messageId: string, limit: number): Promise<{ score: number; comment: string; firstName: string | null; at: Date }[]> {
    return this.db.query<{ score: number; comment: string; firstName: string | null; at: Date }[]>(
      `SELECT r.score, r.comment, res.first_name AS "firstName", r.updated_at AS at
         FROM rating r JOIN resident res ON res.id = r.resident_id
        WHERE r.message_id = $1 AND r.comment IS NOT NULL
        ORDER BY r.updated_at DESC LIMIT $2`,
      [messageId, limit],
    );
  }
  /**
   * Rating comments, newest first, on messages of the NPU (a force-wide message counts for the
   * NPU of the resident's ward, as its replies do); every NPU when `npuCode` is undefined.
   */
  ratingComments(npuCode: string | undefined, limit: number): Promise<RatingCommentRow[]> {
    return this.db.query<RatingCommentRow[]>(
      `SELECT rt.message_id AS "messageId", m.title AS "messageTitle", rt.score, rt.comment, r.first_name AS "firstName", rt.updated_at AS at
         FROM rating rt
         JOIN message m ON m.id = rt.message_id
         JOIN resident r ON r.id = rt.resident_id
         JOIN ward w ON w.code = r.ward_code
        WHERE rt.comment IS NOT NULL AND rt.comment <> '' AND r.status <> 'erased'
          AND ($1::varchar IS NULL OR COALESCE(m.npu_code, w.npu_code) = $1)
        ORDER BY rt.updated_at DESC, rt.message_id, rt.resident_id
        LIMIT $2`,
      [npuCode ?? null, limit],
    );
  }
}
