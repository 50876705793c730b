// Bounces and complaints that come back after an e-mail left (libs/messaging/src/sending/
// delivery-feedback.ts) on real PostgreSQL: which deliveries they can change, that each counts
// once, what is stored, and the caller's transaction.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeliveryFeedbackService } from '../libs/messaging/src/sending/delivery-feedback';
import { deliveryDatabase, type DeliveryDatabase } from './utils/delivery-rows';

describe('delivery feedback (bounces and complaints) on real PostgreSQL', () => {
  let db: DeliveryDatabase;
  let feedback: DeliveryFeedbackService;
  beforeAll(async () => {
    db = await deliveryDatabase();
    feedback = new DeliveryFeedbackService(db.ds);
  });
  afterAll(() => db?.close());

  const row = async (id: string) =>
    (
      await db.sql<{ status: string; bounce_status: string | null; last_error: string | null; complained_at: Date | null; updated_at: Date; resident_id: string }>(
        `SELECT status, bounce_status, last_error, complained_at, updated_at, resident_id FROM delivery WHERE id = $1`,
        [id],
      )
    )[0];
  /** Moves updated_at back an hour, so a write that touches the row shows. */
  const age = (id: string) => db.sql(`UPDATE delivery SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);

  describe('findEmailDelivery', () => {
    it('an e-mail delivery: its id, message, resident and Message-ID', async () => {
      const [id] = await db.deliveries(1, { status: 'sent' });
      await db.sql(`UPDATE delivery SET provider_id = '<abc@beacon.test>' WHERE id = $1`, [id]);
      expect(await feedback.findEmailDelivery(id)).toEqual({ id, messageId: db.messageId, residentId: (await row(id)).resident_id, providerId: '<abc@beacon.test>' });
    });

    it('an SMS delivery or an id that does not exist: null', async () => {
      const [sms] = await db.deliveries(1, { status: 'sent', channel: 'sms' });
      expect(await feedback.findEmailDelivery(sms)).toBeNull();
      expect(await feedback.findEmailDelivery('999999999')).toBeNull();
    });
  });

  describe('recordBounce', () => {
    it.each(['sent', 'delivered', 'unknown', 'bounced'])('an e-mail that went out (%s) becomes bounced with the DSN code and the diagnostic, once', async (status) => {
      const [id] = await db.deliveries(1, { status });
      await age(id);
      const before = await row(id);
      expect(await feedback.recordBounce(id, '5.1.1', 'user unknown')).toEqual({ residentId: before.resident_id, changed: true });
      const after = await row(id);
      expect(after).toEqual({ ...before, status: 'bounced', bounce_status: '5.1.1', last_error: 'DSN 5.1.1: user unknown', updated_at: expect.any(Date) });
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime() + 30 * 60_000);
      // The same report again (or a second, different one): news no more, nothing changes.
      await age(id);
      const again = await row(id);
      expect(await feedback.recordBounce(id, '4.2.2', 'mailbox full')).toEqual({ residentId: before.resident_id, changed: false });
      expect(await row(id)).toEqual(again);
    });

    it.each(['queued', 'sending', 'failed', 'cancelled'])('an e-mail that never went out (%s) is left alone; the resident is still named', async (status) => {
      const [id] = await db.deliveries(1, { status });
      const before = await row(id);
      expect(await feedback.recordBounce(id, '5.1.1', 'user unknown')).toEqual({ residentId: before.resident_id, changed: false });
      expect(await row(id)).toEqual(before);
    });

    it('an SMS delivery or an unknown id: null, nothing changed', async () => {
      const [sms] = await db.deliveries(1, { status: 'sent', channel: 'sms' });
      const before = await row(sms);
      expect(await feedback.recordBounce(sms, '5.1.1', 'user unknown')).toBeNull();
      expect(await row(sms)).toEqual(before);
      expect(await feedback.recordBounce('999999999', '5.1.1', 'user unknown')).toBeNull();
    });

    it('a long status code is cut to 10 characters and the stored error to 500', async () => {
      const [id] = await db.deliveries(1, { status: 'sent' });
      await feedback.recordBounce(id, '5.7.1234567890', 'x'.repeat(600));
      const after = await row(id);
      expect(after.bounce_status).toBe('5.7.123456');
      expect(after.last_error).toBe(`DSN 5.7.1234567890: ${'x'.repeat(600)}`.slice(0, 500));
      expect(after.last_error).toHaveLength(500);
    });

    it('in the caller\'s transaction: rolled back, nothing stays', async () => {
      const [id] = await db.deliveries(1, { status: 'sent' });
      const before = await row(id);
      await db.ds
        .transaction(async (manager) => {
          expect(await feedback.recordBounce(id, '5.1.1', 'user unknown', manager)).toEqual({ residentId: before.resident_id, changed: true });
          throw new Error('roll back');
        })
        .catch((err: Error) => expect(err.message).toBe('roll back'));
      expect(await row(id)).toEqual(before);
    });
  });

  describe('recordComplaint', () => {
    it.each(['sent', 'delivered', 'unknown', 'bounced'])('an e-mail that went out (%s): complained_at set once; its status kept', async (status) => {
      const [id] = await db.deliveries(1, { status });
      await age(id);
      const before = await row(id);
      expect(await feedback.recordComplaint(id)).toEqual({ residentId: before.resident_id, changed: true });
      const after = await row(id);
      expect(after).toEqual({ ...before, complained_at: expect.any(Date), updated_at: expect.any(Date) });
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime() + 30 * 60_000);
      await age(id);
      const again = await row(id);
      expect(await feedback.recordComplaint(id)).toEqual({ residentId: before.resident_id, changed: false });
      expect(await row(id)).toEqual(again);
    });

    it.each(['queued', 'sending', 'failed', 'cancelled'])('an e-mail that never went out (%s) is left alone; the resident is still named', async (status) => {
      const [id] = await db.deliveries(1, { status });
      const before = await row(id);
      expect(await feedback.recordComplaint(id)).toEqual({ residentId: before.resident_id, changed: false });
      expect(await row(id)).toEqual(before);
    });

    it('an SMS delivery or an unknown id: null, nothing changed', async () => {
      const [sms] = await db.deliveries(1, { status: 'sent', channel: 'sms' });
      const before = await row(sms);
      expect(await feedback.recordComplaint(sms)).toBeNull();
      expect(await row(sms)).toEqual(before);
      expect(await feedback.recordComplaint('999999999')).toBeNull();
    });

    it('in the caller\'s transaction: rolled back, nothing stays', async () => {
      const [id] = await db.deliveries(1, { status: 'sent' });
      const before = await row(id);
      await db.ds
        .transaction(async (manager) => {
          expect(await feedback.recordComplaint(id, manager)).toEqual({ residentId: before.resident_id, changed: true });
          throw new Error('roll back');
        })
        .catch((err: Error) => expect(err.message).toBe('roll back'));
      expect(await row(id)).toEqual(before);
    });
  });
});
