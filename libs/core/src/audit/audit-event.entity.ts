import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only record of every staff write and every read of sensitive records. Partitioned by
 * month of `at` (migration MonthlyPartitions): the primary key holds the partition key.
 */
@Entity('audit_event')
@Index('idx_audit_event_subject', ['subject', 'at'])
@Index('idx_audit_event_actor', ['actor', 'at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text' }) subject: string;
  @CreateDateColumn({ type: 'timestamptz', primary: true }) at: Date;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data: Record<string, unknown>;
}
