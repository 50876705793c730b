import { Column, Entity, PrimaryColumn } from 'typeorm';

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
export const REPORT_ENTITIES = [PopulationShareEntity, MessageEngagementEntity];
