import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins per key (an account's normalised e-mail, an IP address, a known browser), each
 * by its digest: a backoff, never a permanent lock. `blocked_until` is when the key may try again.
 */
@Entity('staff_sign_in_throttle')
export class StaffSignInThrottleEntity {
  /** `account:<digest>`, `ip:<digest>` or `device:<nonce>`. */
  @PrimaryColumn({ type: 'varchar', length: 80, primaryKeyConstraintName: 'PK_staff_sign_in_throttle' }) key: string;
  /** Failures since the last success, forgotten a day after the last failure. */
  @Column({ type: 'integer' }) failures: number;
  @Column({ type: 'timestamptz' }) lastFailureAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) blockedUntil: Date | null;
}
