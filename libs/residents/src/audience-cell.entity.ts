import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Maintained audience counts (issue 24): sendable residents counted by every attribute an
 * audience filters on. One row per distinct (ward, e-mail rank, SMS rank, topics, interests);
 * a rank is the resident's `min_priority` on that channel (1 information, 2 standard, 3 urgent)
 * when the channel is sendable (`SENDABLE_SQL`), else 0. Written only by the statement triggers
 * of migration `AudienceCells` on resident, resident_channel, resident_topic and resident_interest.
 */
@Entity('audience_cell')
@Unique('uq_audience_cell', ['wardCode', 'emailRank', 'smsRank', 'topics', 'interests'])
export class AudienceCellEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'varchar', length: 16 }) wardCode: string;
  @Column({ type: 'smallint' }) emailRank: number;
  @Column({ type: 'smallint' }) smsRank: number;
  /** Sorted; empty: none chosen. */
  @Column({ type: 'varchar', length: 40, array: true }) topics: string[];
  @Column({ type: 'varchar', length: 40, array: true }) interests: string[];
  @Column({ type: 'integer', default: 0 }) residents: number;
}

/**
 * The cell each sendable resident is counted in (a resident no channel may reach has no row), so
 * the triggers know what to take away when something changes. No foreign key: a deleted resident's
 * row is removed by the trigger itself, after it has taken the resident out of the count.
 */
@Entity('resident_audience_cell')
@Index('idx_resident_audience_cell_cell', ['cellId'])
export class ResidentAudienceCellEntity {
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @Column({ type: 'integer' }) cellId: number;
}

export const AUDIENCE_CELL_ENTITIES = [AudienceCellEntity, ResidentAudienceCellEntity];
