import { Injectable } from '@nestjs/common';
import { ReportsReader } from '@beacon/core';
import type { ResolvedAudience } from './audience-spec';
import { AUDIENCE_JOIN, audienceWhere, sqlParams } from './audience.sql';

export interface AudienceCount {
  total: number;
  email: number;
  sms: number;
}

/**
 * Counts an audience without writing it (the previews; the fan-out writes it). A preview is an
 * estimate shown while composing, so it reads the read replica when there is one; the fan-out
 * always reads the primary.
 */
@Injectable()
export class AudienceRepository {
  constructor(private readonly db: ReportsReader) {}

  async countAudience(a: ResolvedAudience): Promise<{ total: number; email: number; sms: number }> {
    const { params, p } = sqlParams();
    const [row] = await this.db.query<{ total: number; email: number; sms: number }[]>(
      `SELECT count(DISTINCT r.id)::int AS total,
              count(*) FILTER (WHERE rc.channel = 'email')::int AS email,
              count(*) FILTER (WHERE rc.channel = 'sms')::int AS sms
         FROM ${AUDIENCE_JOIN}
        WHERE ${audienceWhere(a, p)}`,
      params,
    );
    return row;
  }
}
