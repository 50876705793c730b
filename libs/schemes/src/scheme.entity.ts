import { NpuEntity, WardEntity } from '@beacon/geography';
import { ResidentEntity } from '@beacon/residents';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';

export const SCHEME_STATUSES = ['active', 'closed'] as const;
export type SchemeStatus = (typeof SCHEME_STATUSES)[number];

export const PATROL_STATUSES = ['planned', 'cancelled'] as const;
export type PatrolStatus = (typeof PATROL_STATUSES)[number];

/** The built-in types; a force adds more as rows of scheme_type (POST /api/v1/scheme-types). */
export const BUILT_IN_SCHEME_TYPES = ['neighbourhood_watch', 'street_watch', 'canal_watch', 'business_watch'] as const;
/** Only this type runs patrols. */
export const STREET_WATCH = 'street_watch';
/**
 * How a member's consent to join was obtained: told to staff (in person, by phone, in writing,
 * by e-mail), or the resident accepted a coordinator's invitation from their own session.
 */
export const STAFF_CONSENT_METHODS = ['in_person', 'phone', 'written', 'email'] as const;
export type StaffConsentMethod = (typeof STAFF_CONSENT_METHODS)[number];
/**
 * `imported`: consent given on the platform the force left, carried by an import (source and date kept).
 * `self`: the resident joined from their own scheme page (their act is the consent).
 */
export type ConsentMethod = StaffConsentMethod | 'invitation' | 'imported' | 'self';

/** Reference table of scheme types (seeded by the SchemeTypes migration). */
@Entity('scheme_type')
export class SchemeTypeEntity {
  @PrimaryColumn({ type: 'varchar', length: 30 }) code: string;
  @Column({ type: 'varchar', length: 80 }) name: string;
}

/** A watch scheme in one ward; its NPU is the ward's. */
@Entity('scheme')
@Index('idx_scheme_ward', ['wardCode'])
@Index('idx_scheme_type_status', ['type', 'status'])
@Index('idx_scheme_coordinator', ['coordinatorResidentId'], { where: 'coordinator_resident_id IS NOT NULL' })
@Check('ck_scheme_status', `"status" IN ('active', 'closed')`)
// A closed scheme says when it closed; an active one does not.
@Check('ck_scheme_closed_on', `("status" = 'closed') = ("closed_on" IS NOT NULL) AND ("closed_on" IS NULL OR "closed_on" >= "opened_on")`)
export class SchemeEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 30 }) type: string;
  @ManyToOne(() => SchemeTypeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type', referencedColumnName: 'code' })
  schemeType?: Relation<SchemeTypeEntity>;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @ManyToOne(() => WardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ward_code', referencedColumnName: 'code' })
  ward?: Relation<WardEntity>;
  /** Always a member of the scheme (the service keeps it so under a row lock). */
  @Column({ type: 'uuid', nullable: true }) coordinatorResidentId: string | null;
  @ManyToOne(() => ResidentEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'coordinator_resident_id' })
  coordinator?: Relation<ResidentEntity>;
  @Column({ type: 'varchar', length: 10, default: 'active' }) status: SchemeStatus;
  /** The day the current open period began (Europe/London); reopening starts a new one. */
  @Column({ type: 'date', default: () => 'CURRENT_DATE' }) openedOn: string;
  /** The day it closed; null while active. */
  @Column({ type: 'date', nullable: true }) closedOn: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * Every period a scheme was open, [opened_on, closed_on). Kept by a trigger on scheme (migration
 * AsAtHistory), so no write path can forget it; "as at" reports read it.
 */
@Entity('scheme_period')
@Index('idx_scheme_period_scheme', ['schemeId', 'openedOn'])
export class SchemePeriodEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) schemeId: string;
  @ManyToOne(() => SchemeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: Relation<SchemeEntity>;
  @Column({ type: 'date' }) openedOn: string;
  @Column({ type: 'date', nullable: true }) closedOn: string | null;
}

/**
 * Scheme membership. The primary key (scheme_id, resident_id) serves the messaging fan-out's
 * `WHERE scheme_id = ANY($1)`; the resident index serves "my schemes" and erasure.
 */
@Entity('scheme_member')
@Index('idx_scheme_member_resident', ['residentId'])
export class SchemeMemberEntity {
  @PrimaryColumn({ type: 'uuid' }) schemeId: string;
  @ManyToOne(() => SchemeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: Relation<SchemeEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) joinedAt: Date;
  /** How the resident agreed to join (null: joined before consent was recorded). */
  @Column({ type: 'varchar', length: 20, nullable: true }) consent: ConsentMethod | null;
  /** `staff:<id>` who recorded it, `resident:<id>` who accepted an invitation, or `import:<id>`. */
  @Column({ type: 'varchar', length: 60, nullable: true }) consentRecordedBy: string | null;
  /** Imported members: the system they consented on (e.g. `wmnow`) and when. */
  @Column({ type: 'varchar', length: 40, nullable: true }) consentSource: string | null;
  @Column({ type: 'timestamptz', nullable: true }) consentAt: Date | null;
}

/**
 * Every period someone was a member, [joined_at, left_at). Kept by triggers on scheme_member
 * (insert opens a period, delete closes it), so removing a member keeps their history.
 * `member_key` is the resident's id while they exist; erasure replaces it with a random key
 * (the same for all their periods), so past counts stay as they were and nothing links back.
 */
@Entity('scheme_member_period')
@Index('idx_scheme_member_period_scheme', ['schemeId', 'joinedAt'])
@Index('idx_scheme_member_period_key', ['memberKey'])
export class SchemeMemberPeriodEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) schemeId: string;
  @ManyToOne(() => SchemeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: Relation<SchemeEntity>;
  @Column({ type: 'uuid' }) memberKey: string;
  @Column({ type: 'timestamptz' }) joinedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) leftAt: Date | null;
}

/**
 * A coordinator's invitation to join a scheme: nothing until the resident accepts it from
 * their own session (then a member with consent 'invitation'), or declines it (deleted).
 */
@Entity('scheme_invitation')
@Index('idx_scheme_invitation_resident', ['residentId'])
export class SchemeInvitationEntity {
  @PrimaryColumn({ type: 'uuid' }) schemeId: string;
  @ManyToOne(() => SchemeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: Relation<SchemeEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'varchar', length: 60 }) invitedBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A planned Street Watch patrol. Times are fixed once planned (volunteer rows copy them).
 * Cancelling (before it starts) keeps the row: status, when, by whom and why.
 */
@Entity('patrol')
@Index('idx_patrol_scheme_starts', ['schemeId', 'startsAt'])
@Index('idx_patrol_starts', ['startsAt'])
@Check('ck_patrol_times', `"starts_at" < "ends_at"`)
@Check('ck_patrol_status', `"status" IN ('planned', 'cancelled')`)
// A cancelled patrol always says when and by whom; a planned one carries no cancellation.
@Check('ck_patrol_cancellation', `("status" = 'cancelled') = ("cancelled_at" IS NOT NULL AND "cancelled_by" IS NOT NULL) AND ("status" = 'cancelled' OR "cancel_reason" IS NULL)`)
export class PatrolEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) schemeId: string;
  @ManyToOne(() => SchemeEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheme_id' })
  scheme?: Relation<SchemeEntity>;
  @Column({ type: 'timestamptz' }) startsAt: Date;
  @Column({ type: 'timestamptz' }) endsAt: Date;
  @Column({ type: 'varchar', length: 2000 }) route: string;
  /** 'staff:<id>' or 'resident:<id>', as in audit_event.actor. */
  @Column({ type: 'varchar', length: 60 }) createdBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'varchar', length: 10, default: 'planned' }) status: PatrolStatus;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  /** 'staff:<id>' or 'resident:<id>'. */
  @Column({ type: 'varchar', length: 60, nullable: true }) cancelledBy: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) cancelReason: string | null;
}

/**
 * A volunteer on a patrol. `during` repeats the patrol's [starts_at, ends_at) and `cancelled`
 * its status (both set in the transaction that plans or cancels the patrol) so the database
 * itself refuses one resident on two overlapping patrols that are not cancelled (needs
 * btree_gist), including when two patrols are planned at the same instant.
 */
@Entity('patrol_volunteer')
// Renamed with the WHERE: TypeORM compares exclusion constraints by name only.
@Exclusion('ex_patrol_volunteer_planned_no_overlap', 'USING gist ("resident_id" WITH =, "during" WITH &&) WHERE (NOT "cancelled")')
export class PatrolVolunteerEntity {
  @PrimaryColumn({ type: 'uuid' }) patrolId: string;
  @ManyToOne(() => PatrolEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patrol_id' })
  patrol?: Relation<PatrolEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'tstzrange' }) during: string;
  @Column({ type: 'boolean', default: false }) cancelled: boolean;
}

/** What a patrol saw, filed once after it ends by NPU staff or one of its volunteers. */
@Entity('patrol_report')
export class PatrolReportEntity {
  @PrimaryColumn({ type: 'uuid' }) patrolId: string;
  @ManyToOne(() => PatrolEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'patrol_id' })
  patrol?: Relation<PatrolEntity>;
  @Column({ type: 'varchar', length: 5000 }) observations: string;
  /** 'staff:<id>' or 'resident:<id>'. */
  @Column({ type: 'varchar', length: 60 }) reportedBy: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A dated target: how many schemes of a type (and optionally how many members) an NPU aims to
 * have by `due_date`, set on `set_on`. Several per NPU × type over time (the 2017 "50 schemes
 * with 500 members", then the April 2020 one); a report as at a date uses the one in force then
 * (the latest set on or before it). Setting the same due date again corrects that target.
 */
@Entity('scheme_target')
@Check('ck_scheme_target_non_negative', `"target" >= 0`)
@Check('ck_scheme_target_members_non_negative', `"member_target" IS NULL OR "member_target" >= 0`)
@Index('idx_scheme_target_set_on', ['npuCode', 'type', 'setOn'])
export class SchemeTargetEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @PrimaryColumn({ type: 'varchar', length: 30 }) type: string;
  @ManyToOne(() => SchemeTypeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type', referencedColumnName: 'code' })
  schemeType?: Relation<SchemeTypeEntity>;
  @Column({ type: 'integer' }) target: number;
  /** Members aimed for (distinct people in schemes of the type); null when none was set. */
  @Column({ type: 'integer', nullable: true }) memberTarget: number | null;
  @PrimaryColumn({ type: 'date' }) dueDate: string;
  /** The day the target took effect. */
  @Column({ type: 'date', default: () => 'CURRENT_DATE' }) setOn: string;
  /** 'staff:<id>' of whoever set it last. */
  @Column({ type: 'varchar', length: 60 }) setBy: string;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

export const SCHEME_ENTITIES = [
  SchemeTypeEntity,
  SchemeEntity,
  SchemePeriodEntity,
  SchemeMemberEntity,
  SchemeMemberPeriodEntity,
  SchemeInvitationEntity,
  PatrolEntity,
  PatrolVolunteerEntity,
  PatrolReportEntity,
  SchemeTargetEntity,
];
