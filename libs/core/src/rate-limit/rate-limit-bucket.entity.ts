import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Fixed-window counters shared by every API replica (the table is UNLOGGED). */
@Entity('rate_limit_bucket')
export class RateLimitBucketEntity {
  @PrimaryColumn({ type: 'text' }) key: string;
  @PrimaryColumn({ type: 'timestamptz' }) windowStart: Date;
  @Column({ type: 'integer' }) hits: number;
}
