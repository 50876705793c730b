import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowsOf } from '@beacon/core';

/** Writes to resident_channel made on behalf of other libs (bounces, dead numbers, SMS keywords). */
@Injectable()
export class ResidentChannelRepository {
  async suspend(residentId: string, channel: string, reason: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(
      `UPDATE resident_channel SET suspended_at = now(), suspended_reason = $3 WHERE resident_id = $1 AND channel = $2 AND suspended_at IS NULL`,
      [residentId, channel, reason],
    );
  }

  /** One more soft bounce on the e-mail address; returns the run (0 when the resident has no e-mail channel). */
  async addSoftBounce(residentId: string, tx: EntityManager): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await tx.query(
        `UPDATE resident_channel SET soft_bounces = LEAST(soft_bounces + 1, 1000) WHERE resident_id = $1 AND channel = 'email' RETURNING soft_bounces AS n`,
        [residentId],
      ),
    );
    return rows[0]?.n ?? 0;
  }

  async clearSoftBounces(residentId: string, tx: EntityManager): Promise<void> {
    await tx.query<unknown>(`UPDATE resident_channel SET soft_bounces = 0 WHERE resident_id = $1 AND channel = 'email' AND soft_bounces > 0`, [residentId]);
  }

  /**
   * May we text the resident something they asked for (a manage link)? Their number held and
   * verified, and SMS neither turned off (STOP: carriers refuse texts until START) nor suspended.
   */
  async smsTextable(residentId: string, tx: EntityManager): Promise<boolean> {
    const rows = rowsOf(
      await tx.query(
        `SELECT 1 FROM resident r
          WHERE r.id = $1 AND r.status <> 'erased' AND r.phone_e164 IS NOT NULL AND r.phone_verified_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM resident_channel rc
                             WHERE rc.resident_id = r.id AND rc.channel = 'sms' AND (NOT rc.enabled OR rc.suspended_at IS NOT NULL))`,
        [residentId],
      ),
    );
    return rows.length > 0;
  }

  async setSmsEnabled(residentId: string, enabled: boolean, tx: EntityManager): Promise<boolean> {
    const sql = enabled
      ? `UPDATE resident_channel SET enabled = true, suspended_at = NULL, suspended_reason = NULL WHERE resident_id = $1 AND channel = 'sms' RETURNING 1`
      : `UPDATE resident_channel SET enabled = false WHERE resident_id = $1 AND channel = 'sms' RETURNING 1`;
    return rowsOf(await tx.query(sql, [residentId])).length > 0;
  }
}
