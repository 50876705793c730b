import type { ProviderError } from '@beacon/channels';
import type { ResidentChannelName } from '@beacon/residents';
import type { ClaimedDelivery } from './claim.repository';
import type { DeliveryOutcome } from './outcome.repository';

/** What a provider error means for the row, and whether the resident's address is to be suspended. */
export interface FailureVerdict {
  outcome: DeliveryOutcome;
  suspend?: { channel: ResidentChannelName; reason: string };
}

/**
 * A failed send (not a rate limit or an outage: those hand the row back unsent). Unknown outcome:
 * the provider may have it, so it is recorded, the attempt spent (at the claim), never sent again.
 * Permanent: failed (an SMTP 5xx bounces and suspends the e-mail address; Twilio 21610 the SMS
 * channel). Transient: back in the queue with exponential backoff until the attempts run out.
 */
export function failureOutcome(d: ClaimedDelivery, e: ProviderError, retry: { maxAttempts: number; retryBaseSeconds: number }): FailureVerdict {
  const error = `${e.providerCode ?? ''} ${e.message}`.trim();
  if (e.kind === 'unknown') return { outcome: { id: d.id, status: 'unknown', error: `${e.message}${e.providerCode ? ` (${e.providerCode})` : ''}` } };
  if (e.permanent) {
    if (d.channel === 'email' && e.providerCode && /^5\d\d$/.test(e.providerCode)) {
      return { outcome: { id: d.id, status: 'bounced', error }, suspend: { channel: 'email', reason: `Hard bounce: ${error}` } };
    }
    const suspend = d.channel === 'sms' && e.providerCode === '21610' ? { channel: 'sms' as const, reason: 'Recipient replied STOP (21610)' } : undefined;
    return { outcome: { id: d.id, status: 'failed', error }, suspend };
  }
  if (d.attempts >= retry.maxAttempts) return { outcome: { id: d.id, status: 'failed', error: `Gave up after ${d.attempts} attempts: ${error}` } };
  // Exponential backoff: base, 2×base, 4×base … ; a continuation job is scheduled for it.
  return { outcome: { id: d.id, status: 'queued', error, notBefore: new Date(Date.now() + retry.retryBaseSeconds * 1000 * 2 ** (d.attempts - 1)) } };
}
