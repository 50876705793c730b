import { NpuEntity } from '@beacon/geography';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { StaffRole } from '@beacon/core';

@Entity('staff')
@Index('uq_staff_email', ['email'], { unique: true })
@Index('uq_staff_oidc_subject', ['oidcSubject'], { unique: true })
export class StaffEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 254 }) email: string;
  /** NULL: no local password (an account of the force's identity provider). */
  @Column({ type: 'text', select: false, nullable: true }) passwordHash: string | null;
  /** `<issuer> <sub>` of the OpenID provider account this staff member signs in with. */
  @Column({ type: 'varchar', length: 400, nullable: true }) oidcSubject: string | null;
  /** TOTP secret, AES-256-GCM under a key derived from LINK_SECRET (opt-in column); set before enrolment is confirmed. */
  @Column({ type: 'text', select: false, nullable: true }) totpSecret: string | null;
  /** When the second factor was confirmed; NULL: not enrolled. */
  @Column({ type: 'timestamptz', nullable: true }) totpEnabledAt: Date | null;
  /** The last accepted TOTP time step: a code is good once (RFC 6238 §5.2). */
  @Column({ type: 'bigint', nullable: true, select: false }) totpLastStep: string | null;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 20 }) role: StaffRole;
  @Index('idx_staff_npu')
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
