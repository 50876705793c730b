import { Injectable } from '@nestjs/common';
import { badRequest } from '@beacon/core';
import { EngagementStatsRepository, type StatsFilter, type StatsGroup, type StatsRow } from './engagement-stats.repository';

export interface MonthlyFigures {
  month: string;
  sent: number;
  recipients: number;
  /** 2 decimals; null when nothing was rated. */
  averageRating: number | null;
  ratings: number;
  replies: number;
}

export type AuthorMonth = { authorId: string } & MonthlyFigures;
/** npuCode null = messages to several NPUs or force-wide. */
export type NpuMonth = { npuCode: string | null } & MonthlyFigures;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Messaging figures per author or per NPU per month (Europe/London), for the reports lib:
 * messages sent, recipients, average rating, number of ratings, replies.
 */
@Injectable()
export class EngagementStatsService {
  constructor(private readonly stats: EngagementStatsRepository) {}

  async byAuthor(f: StatsFilter): Promise<AuthorMonth[]> {
    return (await this.query('author', f)).map(({ key, ...row }) => ({ authorId: key!, ...figures(row) }));
  }

  async byNpu(f: StatsFilter): Promise<NpuMonth[]> {
    return (await this.query('npu', f)).map(({ key, ...row }) => ({ npuCode: key, ...figures(row) }));
  }

  private query(group: StatsGroup, f: StatsFilter): Promise<StatsRow[]> {
    if (!MONTH.test(f.from) || !MONTH.test(f.to)) throw badRequest('from and to must be months like 2019-09');
    if (f.from > f.to) throw badRequest('from must not be after to');
    return this.stats.monthly(group, f);
  }
}

function figures(row: Omit<StatsRow, 'key'>): MonthlyFigures {
  return {
    month: row.month,
    sent: row.sent,
    recipients: row.recipients,
    averageRating: row.averageRating === null ? null : Number(row.averageRating),
    ratings: row.ratings,
    replies: row.replies,
  };
}
