import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { StaffEntity } from '../staff/staff.entity';

/** One-time recovery codes of a second factor; only their SHA-256 is kept. */
@Entity('staff_recovery_code')
export class StaffRecoveryCodeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_staff_recovery_code' }) staffId: string;
  @PrimaryColumn({ type: 'char', length: 64, primaryKeyConstraintName: 'PK_staff_recovery_code' }) codeHash: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'FK_staff_recovery_code_staff' })
  staff?: Relation<StaffEntity>;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
}
