import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ProviderError } from '@beacon/channels';
import type { ClaimedDelivery } from './claim.repository';
import { failureOutcome } from './failure-outcome';

const NOW = new Date('2026-03-10T12:00:00.000Z').getTime();
const RETRY = { maxAttempts: 4, retryBaseSeconds: 30 };

const delivery = (channel: 'email' | 'sms', attempts: number): ClaimedDelivery => ({
  id: 'd-1',
  createdAt: '2026-03-10 12:00:00+00',
  residentId: 'r-1',
  channel,
  attempts,
  email: channel === 'email' ? 'a@example.org' : null,
  phone: channel === 'sms' ? '+447700900001' : null,
  language: null,
  eligible: true,
});

describe('failureOutcome: what a provider error does to the delivery row', () => {
  beforeEach(() => void jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => void jest.useRealTimers());

  describe('unknown outcome (the message had left when the wait ran out)', () => {
    it('is recorded as unknown with the code in brackets, no retry time, no suspension', () => {
      expect(failureOutcome(delivery('email', 1), new ProviderError('unknown', 'Timeout after end of data', '451'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'unknown', error: 'Timeout after end of data (451)' },
      });
    });

    it('without a code: the message alone', () => {
      expect(failureOutcome(delivery('sms', 1), new ProviderError('unknown', 'Request timed out'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'unknown', error: 'Request timed out' },
      });
    });

    it('is never queued again, even on the first of many attempts left', () => {
      const v = failureOutcome(delivery('email', 1), new ProviderError('unknown', 'socket closed', '250'), { maxAttempts: 10, retryBaseSeconds: 1 });
      expect(v.outcome.status).toBe('unknown');
      expect(v.outcome.notBefore).toBeUndefined();
    });
  });

  describe('permanent failures', () => {
    it('an SMTP 5xx on an e-mail bounces it and suspends the e-mail address', () => {
      expect(failureOutcome(delivery('email', 1), new ProviderError('permanent', 'Mailbox unavailable', '550'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'bounced', error: '550 Mailbox unavailable' },
        suspend: { channel: 'email', reason: 'Hard bounce: 550 Mailbox unavailable' },
      });
    });

    it('only a three-digit 5xx code bounces: 5 or 5500 or 450 or 1550 or none is failed with no suspension', () => {
      for (const code of ['5', '55', '5ab', '5500', '1550', '450', 'x550', '550x', undefined]) {
        const v = failureOutcome(delivery('email', 1), new ProviderError('permanent', 'Refused', code), RETRY);
        expect({ code, v }).toEqual({ code, v: { outcome: { id: 'd-1', status: 'failed', error: `${code ?? ''} Refused`.trim() }, suspend: undefined } });
      }
    });

    it('a 5xx code on an SMS is failed, not bounced, and suspends nothing', () => {
      expect(failureOutcome(delivery('sms', 1), new ProviderError('permanent', 'Server said no', '550'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'failed', error: '550 Server said no' },
        suspend: undefined,
      });
    });

    it('Twilio 21610 (the recipient replied STOP) fails the SMS and suspends the SMS channel', () => {
      expect(failureOutcome(delivery('sms', 1), new ProviderError('permanent', 'Attempt to send to unsubscribed recipient', '21610'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'failed', error: '21610 Attempt to send to unsubscribed recipient' },
        suspend: { channel: 'sms', reason: 'Recipient replied STOP (21610)' },
      });
    });

    it('21610 on an e-mail, or another Twilio code on an SMS, suspends nothing', () => {
      expect(failureOutcome(delivery('email', 1), new ProviderError('permanent', 'odd', '21610'), RETRY).suspend).toBeUndefined();
      expect(failureOutcome(delivery('sms', 1), new ProviderError('permanent', 'Invalid To number', '21211'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'failed', error: '21211 Invalid To number' },
        suspend: undefined,
      });
    });

    it('is final on the first attempt: no retry time', () => {
      const v = failureOutcome(delivery('sms', 1), new ProviderError('permanent', 'Invalid To number', '21211'), { maxAttempts: 10, retryBaseSeconds: 1 });
      expect(v.outcome.notBefore).toBeUndefined();
    });

    it('with no code, the error is the message without a leading space', () => {
      expect(failureOutcome(delivery('sms', 1), new ProviderError('permanent', 'Rejected'), RETRY).outcome.error).toBe('Rejected');
    });
  });

  describe('transient failures: retried with exponential backoff until the attempts run out', () => {
    it('back in the queue after base × 2^(attempts − 1): 30 s, 60 s, 120 s', () => {
      const waits = [1, 2, 3].map((attempts) => {
        const v = failureOutcome(delivery('sms', attempts), new ProviderError('transient', 'Internal Server Error', '20500'), RETRY);
        expect(v).toEqual({ outcome: { id: 'd-1', status: 'queued', error: '20500 Internal Server Error', notBefore: expect.any(Date) } });
        return v.outcome.notBefore!.getTime() - NOW;
      });
      expect(waits).toEqual([30_000, 60_000, 120_000]);
    });

    it('the attempt before the cap is still queued; at the cap it is failed with the reason', () => {
      expect(failureOutcome(delivery('email', 3), new ProviderError('transient', 'Try later', '451'), RETRY).outcome.status).toBe('queued');
      expect(failureOutcome(delivery('email', 4), new ProviderError('transient', 'Try later', '451'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'failed', error: 'Gave up after 4 attempts: 451 Try later' },
      });
    });

    it('past the cap (the cap lowered meanwhile) it is failed too', () => {
      expect(failureOutcome(delivery('email', 6), new ProviderError('transient', 'Try later'), RETRY)).toEqual({
        outcome: { id: 'd-1', status: 'failed', error: 'Gave up after 6 attempts: Try later' },
      });
    });

    it('a transient 5xx code on an e-mail is retried, not bounced', () => {
      const v = failureOutcome(delivery('email', 1), new ProviderError('transient', 'Local error', '554'), RETRY);
      expect(v.outcome.status).toBe('queued');
      expect(v.suspend).toBeUndefined();
    });
  });
});
