import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ResidentEntity } from './resident.entity';

/**
 * Where an imported resident came from: the import that created or first matched them, the
 * system they were exported from and the sign-up date that system held. No personal data
 * beyond that (kept on erasure, like `created_at` and `source`).
 */
@Entity('resident_import')
@Index('idx_resident_import_import', ['importId'])
export class ResidentImportEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @Column({ type: 'uuid' }) importId: string;
  @Column({ type: 'varchar', length: 40 }) sourceSystem: string;
  @Column({ type: 'timestamptz', nullable: true }) signedUpAt: Date | null;
  /** true: the import created the resident; false: it matched one already in Beacon. */
  @Column({ type: 'boolean' }) created: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) importedAt: Date;
}

export const RESIDENT_IMPORT_ENTITIES = [ResidentImportEntity];
