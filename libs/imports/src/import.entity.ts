import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const IMPORT_KINDS = ['residents', 'schemes'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
/** dry_run → committing (job queued or running) → committed | failed. */
export const IMPORT_STATUSES = ['dry_run', 'committing', 'committed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One uploaded file: its dry-run counts, then the commit's. No personal data. */
@Entity('data_import')
@Index('idx_data_import_status', ['status'])
@Index('idx_data_import_created', ['createdAt'])
export class DataImportEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 16 }) kind: ImportKind;
  @Column({ type: 'varchar', length: 16 }) status: ImportStatus;
  /** The uploader's NPU (null = force-wide): only staff of that NPU (or force-wide) see it. */
  @Column({ type: 'varchar', length: 8, nullable: true }) npuCode: string | null;
  @Column({ type: 'uuid' }) createdBy: string;
  @Column({ type: 'uuid', nullable: true }) committedBy: string | null;
  @Column({ type: 'varchar', length: 40 }) mapping: string;
  @Column({ type: 'varchar', length: 64 }) fileSha256: string;
  @Column({ type: 'bigint' }) fileBytes: string;
  @Column({ type: 'int' }) rows: number;
  @Column({ type: 'int' }) accepted: number;
  @Column({ type: 'int' }) rejected: number;
  @Column({ type: 'int' }) duplicates: number;
  @Column({ type: 'int' }) matched: number;
  /** What the commit did: {created, updated, …}; null until committed. */
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, number> | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) error: string | null;
  /** Asked for at commit (residents only): a welcome message to each new resident with a verified address. */
  @Column({ type: 'boolean', default: false }) welcome: boolean;
  @Column({ type: 'timestamptz', nullable: true }) committedAt: Date | null;
  /** When its rows (staging and rejected report, personal data) were purged. */
  @Column({ type: 'timestamptz', nullable: true }) purgedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * What every staged line has, in both staging tables: its place in the file, what validation
 * found, the classification's outcome (rejected | duplicate | new | matched) and the resident it
 * reached. (Matched, for a scheme line: already a member in Beacon.)
 */
abstract class StagedLine {
  @PrimaryColumn({ type: 'uuid' }) importId: string;
  @PrimaryColumn({ type: 'int' }) line: number;
  /** Why the line cannot be imported as it stands (validation, in TypeScript). */
  @Column({ type: 'varchar', length: 300, nullable: true }) invalidReason: string | null;
  /** The raw cells of an invalid line, for the rejected-rows report. */
  @Column({ type: 'jsonb', nullable: true }) raw: Record<string, string> | null;
  @Column({ type: 'varchar', length: 12, nullable: true }) outcome: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) reason: string | null;
  @Column({ type: 'uuid', nullable: true }) residentId: string | null;
}

/**
 * A resident line of an uploaded file, normalised (UNLOGGED staging: COPY-fast, emptied at
 * commit; a database crash empties it, and the commit then asks for the file again).
 * Columns are `STAGED_RESIDENT_COLUMNS` (libs/residents) plus the classification.
 */
@Entity('import_resident_row')
export class ImportResidentRowEntity extends StagedLine {
  @Column({ type: 'varchar', length: 8, nullable: true }) matchBy: string | null;
  @Column({ type: 'varchar', length: 254, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) phone: string | null;
  @Column({ type: 'varchar', length: 80, nullable: true }) firstName: string | null;
  @Column({ type: 'varchar', length: 80, nullable: true }) lastName: string | null;
  @Column({ type: 'varchar', length: 10, nullable: true }) postcode: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) wardCode: string | null;
  @Column({ type: 'varchar', array: true, nullable: true }) channels: string[] | null;
  @Column({ type: 'varchar', array: true, nullable: true }) topics: string[] | null;
  @Column({ type: 'varchar', array: true, nullable: true }) interests: string[] | null;
  @Column({ type: 'timestamptz', nullable: true }) consentAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) signedUpAt: Date | null;
  @Column({ type: 'boolean', nullable: true }) emailVerified: boolean | null;
  @Column({ type: 'boolean', nullable: true }) phoneVerified: boolean | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) sourceSystem: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) ageBand: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) ethnicity: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) language: string | null;
}

/**
 * A member line of a scheme import, normalised (UNLOGGED staging, as `import_resident_row`).
 * The classification resolves the resident (by e-mail or phone) and the scheme (an existing one
 * of that type, ward and name in any case, or one the commit creates with `scheme_id`).
 */
@Entity('import_scheme_row')
export class ImportSchemeRowEntity extends StagedLine {
  @Column({ type: 'uuid', nullable: true }) schemeId: string | null;
  /** True when the commit creates the scheme (none of that type, ward and name in Beacon). */
  @Column({ type: 'boolean', nullable: true }) newScheme: boolean | null;
  @Column({ type: 'varchar', length: 30, nullable: true }) schemeType: string | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) schemeName: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) wardCode: string | null;
  @Column({ type: 'varchar', length: 254, nullable: true }) email: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) phone: string | null;
  @Column({ type: 'varchar', length: 12, nullable: true }) role: string | null;
  @Column({ type: 'timestamptz', nullable: true }) joinedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) consentAt: Date | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) sourceSystem: string | null;
}

/** The rejected-rows report of an import (line, reason, raw cells): downloadable for 7 days, then purged. */
@Entity('import_rejection')
export class ImportRejectionEntity {
  @PrimaryColumn({ type: 'uuid' }) importId: string;
  @PrimaryColumn({ type: 'int' }) line: number;
  @Column({ type: 'varchar', length: 300 }) reason: string;
  @Column({ type: 'jsonb', nullable: true }) raw: Record<string, string> | null;
}

export const IMPORT_ENTITIES = [DataImportEntity, ImportResidentRowEntity, ImportSchemeRowEntity, ImportRejectionEntity];
