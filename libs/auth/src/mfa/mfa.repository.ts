import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface MfaRow {
  totpSecret: string | null;
  totpEnabledAt: Date | null;
}

/** Second-factor columns of `staff` and the `staff_recovery_code` table. */
@Injectable()
export class MfaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(staffId: string): Promise<MfaRow | null> {
    const rows = await this.db.query<MfaRow[]>(`SELECT totp_secret AS "totpSecret", totp_enabled_at AS "totpEnabledAt" FROM staff WHERE id = $1`, [staffId]);
    return rows[0] ?? null;
  }

  /** A new secret awaiting confirmation (only while not enrolled). */
  async setPendingSecret(staffId: string, secret: string): Promise<void> {
    await this.db.query<unknown>(`UPDATE staff SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enabled_at IS NULL`, [staffId, secret]);
  }

  /**
   * Records the time step of an accepted code, only if later than the last one: one statement,
   * so two requests racing with the same code cannot both pass. False: the code was used already.
   */
  async claimStep(staffId: string, step: number): Promise<boolean> {
    const r = await this.db.query<[unknown[], number]>(`UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`, [staffId, step]);
    return ((r as [unknown, number])[1] ?? 0) === 1;
  }

  /** Confirms enrolment and replaces the recovery codes, in one transaction. */
  async enable(staffId: string, codeHashes: string[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query<unknown>(`UPDATE staff SET totp_enabled_at = now() WHERE id = $1`, [staffId]);
      await m.query<unknown>(`DELETE FROM staff_recovery_code WHERE staff_id = $1`, [staffId]);
      await m.query<unknown>(`INSERT INTO staff_recovery_code (staff_id, code_hash) SELECT $1, unnest($2::char(64)[])`, [staffId, codeHashes]);
    });
  }

  /** Forgets the second factor (an admin's reset): the next sign-in enrols again. */
  async clear(staffId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query<unknown>(`UPDATE staff SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`, [staffId]);
      await m.query<unknown>(`DELETE FROM staff_recovery_code WHERE staff_id = $1`, [staffId]);
    });
  }

  /** Spends a recovery code; false when unknown or already used. */
  async useRecoveryCode(staffId: string, codeHash: string): Promise<boolean> {
    const r = await this.db.query<[unknown[], number]>(`UPDATE staff_recovery_code SET used_at = now() WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL`, [staffId, codeHash]);
    return ((r as [unknown, number])[1] ?? 0) === 1;
  }

  async remainingRecoveryCodes(staffId: string): Promise<number> {
    const rows = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM staff_recovery_code WHERE staff_id = $1 AND used_at IS NULL`, [staffId]);
    return rows[0].n;
  }
}
