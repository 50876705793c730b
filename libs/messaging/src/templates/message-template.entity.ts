import { StaffEntity } from '@beacon/auth';
import { NpuEntity } from '@beacon/geography';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';

/** A message template: a title and body with `{{field}}`s, force-wide (npu_code NULL) or one NPU's. */
@Entity('message_template')
@Index('idx_message_template_npu_category', ['npuCode', 'category'])
export class MessageTemplateEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** null = force-wide (made by a force-wide admin). */
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @Column({ type: 'varchar', length: 40 }) category: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'text' }) body: string;
  /** The fields title and body name, in order of first use (derived on every write). */
  @Column({ type: 'varchar', array: true }) fields: string[];
  @Column({ type: 'uuid' }) createdBy: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by' })
  creator?: Relation<StaffEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
