import { Injectable } from '@nestjs/common';
import { ReportsReader } from '@beacon/core';

/** An audience as the maintained counts can answer it: each list null = no restriction on it. */
export interface AudienceCountQuery {
  wardCodes: string[] | null;
  /** Any of these topics (OR); ANDed with the interests. */
  topics: string[] | null;
  interestGroups: string[] | null;
  channels: string[];
  /** The message's priority as a rank (1 information, 2 standard, 3 urgent): a channel counts when its `min_priority` rank is at most this. */
  maxRank: number;
}

export interface AudienceCount {
  /** Residents reached on at least one of the channels. */
  total: number;
  email: number;
  sms: number;
}

/**
 * Sendable residents counted from `audience_cell` (kept by triggers on the resident tables, see
 * the README's "Maintained audience counts"): the sum of the cells that match, never a scan of
 * residents. Exactly the live audience count for wards, topics, interests, channels and priority.
 */
@Injectable()
export class AudienceCountsService {
  /** Read through `ReportsReader`: a preview may be as stale as the read replica (the cells replicate like any table). */
  constructor(private readonly db: ReportsReader) {}

  async count(q: AudienceCountQuery): Promise<AudienceCount> {
    const params: unknown[] = [q.channels, q.maxRank];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = ['c.residents <> 0'];
    if (q.wardCodes) where.push(`c.ward_code = ANY(${p(q.wardCodes)}::varchar[])`);
    if (q.topics) where.push(`c.topics && ${p(q.topics)}::varchar[]`);
    if (q.interestGroups) where.push(`c.interests && ${p(q.interestGroups)}::varchar[]`);
    const [row] = await this.db.query<AudienceCount[]>(
      `SELECT coalesce(sum(x.residents) FILTER (WHERE x.e OR x.s), 0)::int AS total,
              coalesce(sum(x.residents) FILTER (WHERE x.e), 0)::int AS email,
              coalesce(sum(x.residents) FILTER (WHERE x.s), 0)::int AS sms
         FROM (SELECT c.residents,
                      'email' = ANY($1::varchar[]) AND c.email_rank BETWEEN 1 AND $2::int AS e,
                      'sms' = ANY($1::varchar[]) AND c.sms_rank BETWEEN 1 AND $2::int AS s
                 FROM audience_cell c WHERE ${where.join(' AND ')}) x`,
      params,
    );
    return row;
  }
}
