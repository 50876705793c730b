import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { NpuEntity, WardEntity } from '@beacon/geography';

/** The tactics a campaign's link or code is handed out with (a subset of the sign-up sources). */
export const CAMPAIGN_TACTICS = ['door_knock', 'street', 'event', 'social_media'] as const;
export type CampaignTactic = (typeof CAMPAIGN_TACTICS)[number];

/**
 * An operation (e.g. Op Wholestone): its code is the `campaign_code` residents sign up with, its
 * dates the period the attribution report compares target wards with control wards over.
 */
@Entity('campaign')
@Check('ck_campaign_dates', `"ends_on" >= "starts_on"`)
@Check('ck_campaign_tactic', `"tactic" IN ('door_knock', 'street', 'event', 'social_media')`)
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('uq_campaign_code', { unique: true }) @Column({ type: 'varchar', length: 40 }) code: string;
  @Column({ type: 'varchar', length: 120 }) name: string;
  /** Null: a force-wide campaign (force-wide staff only). */
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 20 }) tactic: CampaignTactic;
  @Column({ type: 'date' }) startsOn: string;
  @Column({ type: 'date' }) endsOn: string;
  @Column({ type: 'uuid' }) createdBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** A ward a campaign targets or compares against, with the households it reached there when known. */
@Entity('campaign_area')
@Index('idx_campaign_area_ward', ['wardCode'])
@Check('ck_campaign_area_role', `"role" IN ('target', 'control')`)
@Check('ck_campaign_area_households', `"households" IS NULL OR "households" > 0`)
export class CampaignAreaEntity {
  @PrimaryColumn({ type: 'uuid' }) campaignId: string;
  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Relation<CampaignEntity>;
  @PrimaryColumn({ type: 'varchar', length: 16 }) wardCode: string;
  @ManyToOne(() => WardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_code', referencedColumnName: 'code' })
  ward?: Relation<WardEntity>;
  @Column({ type: 'varchar', length: 8 }) role: 'target' | 'control';
  @Column({ type: 'integer', nullable: true }) households: number | null;
}
