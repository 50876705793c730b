import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { StaffEntity } from '../staff/staff.entity';

/**
 * A signed-in browser (the console). The cookie holds a random id; only its SHA-256 is
 * stored, so a copy of this table signs nobody in.
 */
@Entity('staff_session')
export class StaffSessionEntity {
  /** hex SHA-256 of the cookie's random id. */
  @PrimaryColumn({ type: 'char', length: 64, primaryKeyConstraintName: 'PK_staff_session' }) idHash: string;
  @Index('idx_staff_session_staff')
  @Column({ type: 'uuid' }) staffId: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'FK_staff_session_staff' })
  staff?: Relation<StaffEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) userAgent: string | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** Password checked, second factor not yet: this session reaches only the second-factor pages. */
  @Column({ type: 'boolean', default: false }) pendingMfa: boolean;
}
