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

export interface ExportedRating extends RatingView {
  messageTitle: string;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class RatingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores or replaces the resident's rating of the message (one row per message and resident). */
  async upsert(messageId: string, residentId: string, score: number, comment: string | null): Promise<RatingView> {
    const [row] = await this.db.query(
      `INSERT INTO rating (message_id, resident_id, score, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id, resident_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = now()
       RETURNING message_id AS "messageId", score, comment`,
      [messageId, residentId, score, comment],
    );
    return row;
  }

  async findOne(messageId: string, residentId: string): Promise<{ score: number; comment: string | null } | null> {
    const rows = await this.db.query('SELECT score, comment FROM rating WHERE message_id = $1 AND resident_id = $2', [messageId, residentId]);
    return rows[0] ?? null;
  }

  /** Count, average and per-score counts in one index-only pass over (message_id, score). */
  async countsForMessage(messageId: string): Promise<RatingCounts> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n, round(avg(score), 2)::text AS average,
              count(*) FILTER (WHERE score = 1)::int AS s1, count(*) FILTER (WHERE score = 2)::int AS s2,
              count(*) FILTER (WHERE score = 3)::int AS s3, count(*) FILTER (WHERE score = 4)::int AS s4,
              count(*) FILTER (WHERE score = 5)::int AS s5, count(*) FILTER (WHERE score = 6)::int AS s6
         FROM rating WHERE message_id = $1`,
      [messageId],
    );
    return { count: row.n, average: row.average === null ? null : Number(row.average), byScore: [row.s1, row.s2, row.s3, row.s4, row.s5, row.s6] };
  }

  async forResident(residentId: string): Promise<ExportedRating[]> {
    return this.db.query(
      `SELECT r.message_id AS "messageId", m.title AS "messageTitle", r.score, r.comment, r.created_at AS "createdAt", r.updated_at AS "updatedAt"
         FROM rating r JOIN message m ON m.id = r.message_id
        WHERE r.resident_id = $1 ORDER BY r.created_at, r.message_id`,
      [residentId],
    );
  }

  /** Erasure: the free-text comment may name the resident; the score stays for the figures. */
  async eraseComments(residentId: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE rating SET comment = NULL WHERE resident_id = $1 AND comment IS NOT NULL', [residentId]);
  }
}
