// Replay protection of the inbound webhooks (issue 20): the same signed request twice is processed
// once. Twilio signs no timestamp, so a signed request stays valid for ever: Beacon keeps a receipt
// per signed request (core's WebhookReceipts, purged after 30 days) and answers a copy it has
// already processed with the provider's success answer and does nothing (Twilio and mail
// forwarders retry on anything else; the first copy was processed, so nothing is lost).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { HousekeepingService, WEBHOOK_RECEIPT_DAYS, WebhookReceipts } from '@beacon/core';
import { makeResident } from './utils/factories';
import { broadcast, EMPTY_TWIML, inboundSms, postInbound } from './utils/messages';
import { useSuite } from './utils/suite';
import { twilioSignature } from './utils/twilio-stub';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const SECRET = 'replay-webhook-secret-0123456789abcdef';
const STATUS_URL = 'http://beacon.test/webhooks/twilio/status';
const INBOUND_URL = 'http://beacon.test/webhooks/twilio/inbound';

describe('inbound webhooks refuse a replayed signed request', () => {
  const { t, stub } = useSuite({ twilio: true, geography: true, env: { INBOUND_WEBHOOK_SECRET: SECRET, REPLY_DOMAIN: 'reply.beacon.test' } });
  let eco: Auth;
  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });

  const smsChannel = async (residentId: string) =>
    (await t.sql<{ enabled: boolean; suspended: boolean }>(`SELECT enabled, suspended_at IS NOT NULL AS suspended FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`, [residentId]))[0];
  /** Exactly what Twilio would post (form and signature), so it can be sent again byte for byte. */
  const signed = (url: string, params: Record<string, string>) => ({ params, signature: twilioSignature(stub.authToken, url, params) });
  const inbound = async (req: { params: Record<string, string>; signature: string }) => {
    const res = await postInbound(t, req.params, req.signature).expect(200);
    expect(res.text).toBe(EMPTY_TWIML);
  };

  it('Twilio inbound: a replayed START does not opt the resident in again after they texted STOP (200, empty TwiML: the same answer)', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900411', email: null });
    const stop1 = signed(INBOUND_URL, inboundSms(stub, '+447700900411', 'STOP'));
    const start = signed(INBOUND_URL, inboundSms(stub, '+447700900411', 'START'));
    const stop2 = signed(INBOUND_URL, inboundSms(stub, '+447700900411', 'STOP'));
    await inbound(stop1);
    await inbound(start);
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: false });
    await inbound(stop2);
    expect(await smsChannel(r.id)).toEqual({ enabled: false, suspended: false });
    await inbound(start); // the captured START, replayed
    expect(await smsChannel(r.id)).toEqual({ enabled: false, suspended: false });
    // A request whose signature does not verify is refused before any receipt is written.
    const receipts = await t.sql('SELECT route, digest FROM webhook_receipt ORDER BY digest');
    expect(receipts).toHaveLength(3);
    await postInbound(t, { ...start.params, Body: 'START again' }, start.signature).expect(403);
    await t.http().post('/webhooks/email/inbound').set('Content-Type', 'message/rfc822').set('X-Beacon-Signature', 'sha256=00').send(Buffer.from('From: a@b.org\r\n\r\nx')).expect(403);
    expect(await t.sql('SELECT route, digest FROM webhook_receipt ORDER BY digest')).toEqual(receipts);
  });

  it('Twilio status: a replayed "failed 30003" does not suspend the number again after the resident lifted it', async () => {
    const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900412', email: null, interests: ['horse_rider'] });
    const id = await broadcast(t, eco, { title: 'Replay status', channels: ['sms'], audience: { wardCodes: ['BE02'], interestGroups: ['horse_rider'] } });
    const [{ sid }] = await t.sql<{ sid: string }>('SELECT provider_id AS sid FROM delivery WHERE message_id = $1', [id]);
    const failed = signed(STATUS_URL, { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: stub.accountSid });
    const post = () => t.http().post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', failed.signature).send(failed.params).expect(204);
    await post();
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: true });
    await inbound(signed(INBOUND_URL, inboundSms(stub, '+447700900412', 'START'))); // lifts the suspension
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: false });
    await post(); // replayed
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: false });
  });

  it('e-mail webhook: the same signed (or bearer) raw mail twice is stored once; the copy gets 202 and duplicate: true', async () => {
    const raw = Buffer.from(`From: someone@example.org\r\nTo: reply+nothing@reply.beacon.test\r\nSubject: Hello\r\nMessage-ID: <replay-1@example.org>\r\n\r\nThanks for the message.\r\n`);
    const hmac = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    const send = (auth: [string, string]) => t.http().post('/webhooks/email/inbound').set('Content-Type', 'message/rfc822').set(...auth).send(raw);
    const first = await send(['X-Beacon-Signature', hmac]).expect(202);
    expect(first.body).toEqual({ accepted: true });
    const again = await send(['X-Beacon-Signature', hmac]).expect(202);
    expect(again.body).toEqual({ accepted: true, duplicate: true });
    await send(['Authorization', `Bearer ${SECRET}`]).expect(202).expect({ accepted: true, duplicate: true });
    expect(await t.sql(`SELECT via FROM inbound_email`)).toEqual([{ via: 'webhook' }]);
  });

  it('a copy arriving while the first is processed is told to retry (in_flight); a failed first lets the retry run; a dead claim is taken over', async () => {
    const receipts = t.app.get(WebhookReceipts);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = receipts.once('test', 'request-a', () => gate.then(() => 'first'));
    // The first claim is written before its work starts: wait until it is there.
    for (let i = 0; (await t.sql(`SELECT 1 FROM webhook_receipt WHERE route = 'test'`)).length === 0; i++) {
      if (i > 200) throw new Error('no claim');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await receipts.once('test', 'request-a', async () => 'second')).toEqual({ outcome: 'in_flight' });
    release();
    expect(await first).toEqual({ outcome: 'processed', value: 'first' });
    expect(await receipts.once('test', 'request-a', async () => 'third')).toEqual({ outcome: 'duplicate' });

    await expect(receipts.once('test', 'request-b', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await receipts.once('test', 'request-b', async () => 'retried')).toEqual({ outcome: 'processed', value: 'retried' });

    // A claim whose process died (never marked done), older than the stale limit: the next copy runs.
    const dead = createHash('sha256').update('test\nrequest-c').digest('hex');
    await t.sql(`INSERT INTO webhook_receipt (route, digest, claimed_at) VALUES ('test', $1, now() - interval '1 hour')`, [dead]);
    expect(await receipts.once('test', 'request-c', async () => 'taken over')).toEqual({ outcome: 'processed', value: 'taken over' });
  });

  it(`housekeeping deletes receipts older than ${WEBHOOK_RECEIPT_DAYS} days and keeps the rest`, async () => {
    await t.sql(`INSERT INTO webhook_receipt (route, digest, claimed_at, done_at) VALUES ('test', repeat('d', 64), now() - interval '31 days', now() - interval '31 days')`);
    const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM webhook_receipt'))[0].n;
    const purged = await t.app.get(HousekeepingService).run();
    expect(purged['webhook receipts']).toBe(1);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM webhook_receipt'))[0].n).toBe(before - 1);
    expect(await t.sql(`SELECT 1 FROM webhook_receipt WHERE digest = repeat('d', 64)`)).toEqual([]);
  });
});
