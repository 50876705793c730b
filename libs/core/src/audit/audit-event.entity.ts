import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only record of every staff write and every read of sensitive records. */
@Entity('audit_event')
@Index('idx_audit_event_subject', ['subject', 'at'])
@Index('idx_audit_event_actor', ['actor', 'at'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text' }) subject: string;
  @CreateDateColumn({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'jsonb', default: () => "'{}'" }) data: Record<string, unknown>;
}
