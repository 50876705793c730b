/**
 * Who may be sent a message on a channel, as SQL over `resident r` and `resident_channel rc`:
 * an active resident, the channel enabled and not suspended, its address held and verified.
 * Residents owns the rule; libs/messaging interpolates it into its audience (count and fan-out)
 * and re-checks it when it claims a row, so the two can never disagree. `rc.enabled AND
 * rc.suspended_at IS NULL` is written as the partial index `idx_resident_channel_enabled` says.
 */
export const SENDABLE_SQL = `(r.status = 'active'
   AND rc.enabled AND rc.suspended_at IS NULL
   AND CASE rc.channel
         WHEN 'email' THEN r.email IS NOT NULL AND r.email_verified_at IS NOT NULL
         WHEN 'sms' THEN r.phone_e164 IS NOT NULL AND r.phone_verified_at IS NOT NULL
         ELSE false END)`;
