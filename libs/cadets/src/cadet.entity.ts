import { NpuEntity } from '@beacon/geography';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';

export const CADET_UNIT_KINDS = ['cadets', 'junior_pcso'] as const;
export type CadetUnitKind = (typeof CADET_UNIT_KINDS)[number];
export const CADET_ROLES = ['cadet', 'junior_pcso', 'leader'] as const;
export type CadetRole = (typeof CADET_ROLES)[number];

/** A Volunteer Police Cadets or Junior PCSO unit of one NPU. */
@Entity('cadet_unit')
@Unique('uq_cadet_unit_npu_name', ['npuCode', 'name'])
@Check('ck_cadet_unit_kind', `"kind" IN ('cadets', 'junior_pcso')`)
export class CadetUnitEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 12 }) kind: CadetUnitKind;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * A child (cadet / Junior PCSO) or adult leader of a unit. Date of birth and guardian
 * contact are sensitive: only admins and the NPU's cadet leaders see them, and each read
 * is audited. Leaving sets left_at; the row stays for attendance history.
 */
@Entity('cadet_member')
@Index('idx_cadet_member_unit_active', ['unitId', 'role'], { where: 'left_at IS NULL' })
@Index('uq_cadet_member_active', ['unitId', 'firstName', 'lastName', 'dateOfBirth'], { unique: true, where: 'left_at IS NULL' })
@Check('ck_cadet_member_role', `"role" IN ('cadet', 'junior_pcso', 'leader')`)
export class CadetMemberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) unitId: string;
  @ManyToOne(() => CadetUnitEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<CadetUnitEntity>;
  @Column({ type: 'varchar', length: 80 }) firstName: string;
  @Column({ type: 'varchar', length: 80 }) lastName: string;
  @Column({ type: 'date' }) dateOfBirth: string;
  /** Children only; null for leaders. */
  @Column({ type: 'varchar', length: 120, nullable: true }) guardianName: string | null;
  /** E.164, children only. */
  @Column({ type: 'varchar', length: 16, nullable: true }) guardianPhone: string | null;
  @Column({ type: 'varchar', length: 12 }) role: CadetRole;
  @CreateDateColumn({ type: 'timestamptz' }) joinedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) leftAt: Date | null;
}

/** One meeting of a unit (at most one a day). */
@Entity('cadet_session')
@Unique('uq_cadet_session_unit_day', ['unitId', 'heldOn'])
export class CadetSessionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) unitId: string;
  @ManyToOne(() => CadetUnitEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<CadetUnitEntity>;
  @Column({ type: 'date' }) heldOn: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

@Entity('cadet_attendance')
@Index('idx_cadet_attendance_member', ['memberId'])
export class CadetAttendanceEntity {
  @PrimaryColumn({ type: 'uuid' }) sessionId: string;
  @ManyToOne(() => CadetSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<CadetSessionEntity>;
  @PrimaryColumn({ type: 'uuid' }) memberId: string;
  @ManyToOne(() => CadetMemberEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id' })
  member?: Relation<CadetMemberEntity>;
}

export const CADET_ENTITIES = [CadetUnitEntity, CadetMemberEntity, CadetSessionEntity, CadetAttendanceEntity];
