import { WardEntity } from '@beacon/geography';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { AUDIENCE_CELL_ENTITIES } from './audience-cell.entity';

export const RESIDENT_STATUSES = ['pending', 'active', 'unsubscribed', 'erased'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export const SIGNUP_SOURCES = ['door_knock', 'street', 'social_media', 'event', 'online', 'other'] as const;
export type SignupSource = (typeof SIGNUP_SOURCES)[number];
export const TOPICS = [
  'crime_alerts',
  'anti_social_behaviour',
  'appeals',
  'events',
  'meetings',
  'crime_prevention',
  'road_safety',
  'fraud_scams',
] as const;
export type Topic = (typeof TOPICS)[number];
export const INTEREST_GROUPS = ['cctv_owner', 'dog_walker', 'business_owner', 'horse_rider', 'farmer', 'student', 'parent'] as const;
export type InterestGroup = (typeof INTEREST_GROUPS)[number];
export const PRIORITIES = ['information', 'standard', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** Age bands as reported against census population (sign-up is for 16 and over). */
export const AGE_BANDS = ['16-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+', 'prefer_not_to_say'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
/**
 * ONS 2021 census high-level ethnic groups (the five groups, not the 19 categories): the
 * level at which ward populations are published for the representation report, and the
 * least data that answers "do we reach every community".
 */
export const ETHNICITIES = ['asian', 'black', 'mixed', 'white', 'other', 'prefer_not_to_say'] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

/** A subscriber. Personal columns are nulled on erasure; the row stays for aggregates. */
@Entity('resident')
// Only a verified address is held once; an unverified one is a claim several residents may make
// (README "Address claims"). A pending sign-up's exact pair of addresses is unique (expression
// index: created by migration ResidentAddressClaims, left alone here).
@Index('uq_resident_email', ['email'], { unique: true, where: 'email IS NOT NULL AND email_verified_at IS NOT NULL' })
@Index('uq_resident_phone', ['phoneE164'], { unique: true, where: 'phone_e164 IS NOT NULL AND phone_verified_at IS NOT NULL' })
@Index('idx_resident_email', ['email'], { where: 'email IS NOT NULL' })
@Index('idx_resident_phone', ['phoneE164'], { where: 'phone_e164 IS NOT NULL' })
@Index('uq_resident_pending_claim', { synchronize: false })
// The GiST index on point(postcode_long, postcode_lat) (radius targeting): migration RadiusTargeting.
@Index('idx_resident_location', { synchronize: false })
@Index('idx_resident_active_ward', ['wardCode'], { where: "status = 'active'" })
@Index('idx_resident_ward_activated', ['wardCode', 'activatedAt'])
@Index('idx_resident_left', ['leftAt'], { where: 'left_at IS NOT NULL' })
// Sign-ups with a campaign's code (libs/reports campaign report).
@Index('idx_resident_campaign_activated', ['campaignCode', 'activatedAt'], { where: 'campaign_code IS NOT NULL' })
// A day's or month's sign-ups across the force (libs/reports as-at reach and sign-ups).
@Index('idx_resident_activated', ['activatedAt'], { where: 'activated_at IS NOT NULL' })
// Sign-ups per assisting officer (libs/reports attribution).
@Index('idx_resident_assisted', ['assistedBy', 'activatedAt'], { where: 'assisted_by IS NOT NULL' })
@Index('idx_resident_created', ['createdAt', 'id'])
// Staff prefix search (lower(name) LIKE 'x%', email LIKE 'x%') needs expression indexes with
// pattern operator classes, which TypeORM cannot describe: created by the migration, left alone here.
@Index('idx_resident_first_name_prefix', { synchronize: false })
@Index('idx_resident_last_name_prefix', { synchronize: false })
@Index('idx_resident_email_prefix', { synchronize: false })
export class ResidentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 254, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) phoneE164: string | null;
  @Column({ type: 'varchar', length: 80, nullable: true }) firstName: string | null;
  @Column({ type: 'varchar', length: 80, nullable: true }) lastName: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) postcode: string | null;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @ManyToOne(() => WardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_code', referencedColumnName: 'code' })
  ward?: Relation<WardEntity>;
  /** The postcode's centroid from the postcode directory (radius targeting); personal: erased, never in staff views. */
  @Column({ type: 'double precision', nullable: true }) postcodeLat: number | null;
  @Column({ type: 'double precision', nullable: true }) postcodeLong: number | null;
  @Column({ type: 'varchar', length: 16, default: 'pending' }) status: ResidentStatus;
  @Column({ type: 'timestamptz', nullable: true }) emailVerifiedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) phoneVerifiedAt: Date | null;
  /** First verification: the sign-up date used by reports. */
  @Column({ type: 'timestamptz', nullable: true }) activatedAt: Date | null;
  /** When the resident unsubscribed from everything or was erased: "leavers" in reports. */
  @Column({ type: 'timestamptz', nullable: true }) leftAt: Date | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) source: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) campaignCode: string | null;
  /** The staff member who took the sign-up for the resident (door knock, street, event); null: the resident's own. Kept on erasure. */
  @Column({ type: 'uuid', nullable: true }) assistedBy: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) ageBand: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) ethnicity: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) language: string | null;
  /** SMS quiet hours, local (Europe/London) time; non-urgent SMS wait until the end. */
  @Column({ type: 'time', nullable: true }) quietStart: string | null;
  @Column({ type: 'time', nullable: true }) quietEnd: string | null;
  @Column({ type: 'timestamptz' }) consentAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) erasedAt: Date | null;
}

/** A channel the resident chose; messages go only to enabled, verified, unsuspended channels. */
@Entity('resident_channel')
@Index('idx_resident_channel_enabled', ['channel', 'residentId'], { where: 'enabled AND suspended_at IS NULL' })
export class ResidentChannelEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @PrimaryColumn({ type: 'varchar', length: 8 }) channel: Channel;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  /** Lowest priority the resident wants on this channel. */
  @Column({ type: 'varchar', length: 12, default: 'information' }) minPriority: Priority;
  /** Set by a hard bounce or an SMS STOP: nobody is sent to a dead address twice. */
  @Column({ type: 'timestamptz', nullable: true }) suspendedAt: Date | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) suspendedReason: string | null;
  /** E-mail: soft bounces (DSN 4.x.x) since the address last showed it works (a reply from it); N in a row suspend it. */
  @Column({ type: 'smallint', default: 0 }) softBounces: number;
}

@Entity('resident_topic')
@Index('idx_resident_topic_topic', ['topic', 'residentId'])
export class ResidentTopicEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @PrimaryColumn({ type: 'varchar', length: 40 }) topic: string;
}

@Entity('resident_interest')
@Index('idx_resident_interest_group', ['interestGroup', 'residentId'])
export class ResidentInterestEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @PrimaryColumn({ type: 'varchar', length: 40 }) interestGroup: string;
}

/** A pending SMS verification code (hashed), 5 attempts, short expiry. */
@Entity('resident_sms_code')
export class ResidentSmsCodeEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'text' }) codeHash: string;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'smallint', default: 0 }) attempts: number;
}

/**
 * A resident moved to another ward because their postcode now lies there (a new postcode
 * directory or ward set). Erasure drops the resident id: the move stays as a ward-level count.
 */
@Entity('resident_ward_move')
@Index('idx_resident_ward_move_moved', ['movedAt'])
@Index('idx_resident_ward_move_resident', ['residentId'], { where: 'resident_id IS NOT NULL' })
export class ResidentWardMoveEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid', nullable: true }) residentId: string | null;
  @ManyToOne(() => ResidentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'varchar', length: 16 }) fromWard: string;
  @Column({ type: 'varchar', length: 16 }) toWard: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) movedAt: Date;
}

export const RESIDENT_ENTITIES = [
  ResidentEntity, ResidentChannelEntity, ResidentTopicEntity, ResidentInterestEntity, ResidentSmsCodeEntity, ResidentWardMoveEntity, ...AUDIENCE_CELL_ENTITIES,
];
