import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The bytes of one stored file (`PgFileStore`). No owner column and no resident id: the owning
 * row (e.g. engagement's `reply_attachment`) holds the key, and erasure and retention reach the
 * file through it. A random key, not the hash: two residents sending the same picture get two
 * rows, so erasing one never touches the other's.
 */
@Entity('stored_file')
export class StoredFileEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ type: 'varchar', length: 100 }) contentType: string;
  @Column({ type: 'integer' }) size: number;
  @Column({ type: 'bytea' }) bytes: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
