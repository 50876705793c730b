import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CampaignAreaEntity, CampaignEntity } from './campaigns/campaign.entity';

/**
 * Population shares (census) for representation reports, per area: an NPU code, a ward code,
 * or 'FORCE'. Share in percent of the area's population.
 */
@Entity('population_share')
export class PopulationShareEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) areaCode: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) dimension: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) category: string;
  @Column({ type: 'numeric', precision: 5, scale: 2 }) sharePercent: string;
}



/**
 * Per-message engagement totals, pre-aggregated so monthly reports over millions of ratings
 * read one row per message. Refreshed by the `refresh-report-aggregates` job.
 */
@Entity('message_engagement')
export class MessageEngagementEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @Column({ type: 'integer', default: 0 }) ratings: number;
  @Column({ type: 'bigint', default: 0 }) scoreSum: string;
  @Column({ type: 'integer', default: 0 }) replies: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) refreshedAt: Date;
}

/**
 * A force-wide message's figures per NPU, for the residents it reached there (its deliveries,
 * and their ratings; replies by the reply's NPU), so each NPU's reports count it for them.
 * Refreshed with `message_engagement`; recipients are counted once, after the fan-out.
 */
@Entity('message_npu_engagement')
export class MessageNpuEngagementEntity {
  @PrimaryColumn({ type: 'uuid' }) messageId: string;
  @PrimaryColumn({ type: 'varchar', length: 8 }) npuCode: string;
  @Column({ type: 'integer', default: 0 }) recipients: number;
  @Column({ type: 'integer', default: 0 }) ratings: number;
  @Column({ type: 'bigint', default: 0 }) scoreSum: string;
  @Column({ type: 'integer', default: 0 }) replies: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) refreshedAt: Date;
}

/** Sign-ups and leavers per ward and Europe/London month (refreshed by `refresh-report-aggregates`). */
@Entity('resident_month_stats')
export class ResidentMonthStatsEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @PrimaryColumn({ type: 'date' }) month: string;
  @Column({ type: 'integer', default: 0 }) joined: number;
  @Column({ type: 'integer', default: 0 }) left: number;
}

/**
 * Sign-ups and leavers per ward and Europe/London month by ethnicity and age band (a leaving at
 * `greatest(left_at, activated_at)`), so subscribers by profile as at a day are the months before
 * it summed, plus that day's own month from `resident`. Refreshed with `resident_month_stats`.
 */
@Entity('resident_profile_month_stats')
export class ResidentProfileMonthStatsEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @PrimaryColumn({ type: 'date' }) month: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) dimension: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) category: string;
  @Column({ type: 'integer', default: 0 }) joined: number;
  @Column({ type: 'integer', default: 0 }) left: number;
}

/** Sign-ups per ward and Europe/London month by source (`unknown` for none) and campaign code ('' for none), for the attribution report. */
@Entity('resident_source_month_stats')
export class ResidentSourceMonthStatsEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @PrimaryColumn({ type: 'date' }) month: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) source: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) campaignCode: string;
  @Column({ type: 'integer', default: 0 }) signups: number;
}

/** When each pre-aggregated set of figures was last recomputed (`resident_stats`: the two tables above), shown with reports. */
@Entity('report_refresh')
export class ReportRefreshEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 }) name: string;
  @Column({ type: 'timestamptz' }) refreshedAt: Date;
}

/** Active subscribers per ward by ethnicity and age band (refreshed by `refresh-report-aggregates`). */
@Entity('resident_profile_stats')
export class ResidentProfileStatsEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @PrimaryColumn({ type: 'varchar', length: 20 }) dimension: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) category: string;
  @Column({ type: 'integer', default: 0 }) subscribers: number;
}
/**
 * The (ward, month) sign-up/leaver keys and (month NULL) ward profiles that residents' writes
 * touched since the last refresh, logged by triggers on `resident` (migration
 * 1796503000001): the refresh recomputes only these and deletes the rows it saw.
 */
@Entity('resident_stats_dirty')
export class ResidentStatsDirtyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @Column({ type: 'date', nullable: true }) month: string | null;
}

/** The messages whose ratings or replies changed since the last refresh (triggers on `rating` and `reply`). */
@Entity('message_engagement_dirty')
export class MessageEngagementDirtyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) messageId: string;
}

export const REPORT_ENTITIES = [ResidentStatsDirtyEntity, MessageEngagementDirtyEntity, PopulationShareEntity, MessageEngagementEntity, ResidentMonthStatsEntity, ResidentProfileStatsEntity, ReportRefreshEntity, CampaignEntity, CampaignAreaEntity, MessageNpuEngagementEntity, ResidentProfileMonthStatsEntity, ResidentSourceMonthStatsEntity];
