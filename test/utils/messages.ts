import { waitUntil } from './smtp-sink';
import type { TestApp } from './test-app';
import { twilioSignature, type TwilioStub } from './twilio-stub';
import type { Auth } from './world';

/** The URL Twilio signs for inbound SMS (PUBLIC_URL of the test app). */
export const INBOUND_URL = 'http://beacon.test/webhooks/twilio/inbound';
/** What the inbound webhook answers, whoever sent the text. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** `POST /api/v1/messages`: an e-mail crime alert "Test"/"Hello" unless `body` says otherwise. */
export const compose = (t: TestApp, auth: Auth, body: Record<string, unknown>) =>
  t.http().post('/api/v1/messages').set(...auth).send({ title: 'Test', body: 'Hello', category: 'crime_alert', channels: ['email'], ...body });

/** Asks for the send of a draft: 202 `{ status: 'sending' }`. */
export async function requestSend(t: TestApp, auth: Auth, messageId: string): Promise<void> {
  await t.http().post(`/api/v1/messages/${messageId}/send`).set(...auth).expect(202, { status: 'sending' });
}

/**
 * Waits until the message's status is `status` (or one of them). On a timeout the error says
 * where the message stands (its row, its deliveries by status, its jobs), so a failure in CI
 * can be told apart from a slow machine.
 */
export async function waitStatus(t: TestApp, messageId: string, status: string | string[], ms = 45_000): Promise<void> {
  const wanted = ([] as string[]).concat(status);
  try {
    await waitUntil(
      async () => wanted.includes((await t.sql<{ status: string }>('SELECT status FROM message WHERE id = $1', [messageId]))[0]?.status),
      ms,
      `message ${wanted.join(' or ')}`,
    );
  } catch (err) {
    const [message] = await t.sql(`SELECT status, recipient_count, scheduled_at, paused_reason FROM message WHERE id = $1`, [messageId]).catch(() => [undefined]);
    const deliveries = await t.sql(`SELECT channel, status, count(*)::int AS n, count(not_before)::int AS waiting FROM delivery WHERE message_id = $1 GROUP BY 1, 2`, [messageId]).catch(() => []);
    const jobs = await t.sql(`SELECT name, state::text, retry_count, start_after, output::text FROM pgboss.job WHERE data->>'messageId' = $1 ORDER BY created_on`, [messageId]).catch(() => []);
    throw new Error(`${(err as Error).message}: ${JSON.stringify({ message, deliveries, jobs })}`, { cause: err });
  }
}

/** Composes (201), sends and waits until the message is sent; returns its id. */
export async function broadcast(t: TestApp, auth: Auth, body: Record<string, unknown>): Promise<string> {
  const res = await compose(t, auth, body).expect(201);
  await requestSend(t, auth, res.body.id);
  await waitStatus(t, res.body.id, 'sent');
  return res.body.id as string;
}

/** The delivery row of that message to that resident on that channel. */
export async function deliveryId(t: TestApp, messageId: string, residentId: string, channel = 'email'): Promise<string> {
  const [row] = await t.sql<{ id: string }>('SELECT id::text AS id FROM delivery WHERE message_id = $1 AND resident_id = $2 AND channel = $3', [messageId, residentId, channel]);
  return row.id;
}

let sid = 0;
/** The form Twilio posts for a text from `from` to the app's number. */
export const inboundSms = (stub: TwilioStub, from: string, body: string) => ({
  MessageSid: `SM${String(++sid).padStart(6, '0')}${Math.random().toString(16).slice(2).padEnd(26, '0').slice(0, 26)}`,
  AccountSid: stub.accountSid,
  From: from,
  To: '+447700900001',
  Body: body,
  NumMedia: '0',
});

/** `POST /webhooks/twilio/inbound` with that signature (none when undefined). */
export const postInbound = (t: TestApp, params: Record<string, string>, signature?: string) => {
  const req = t.http().post('/webhooks/twilio/inbound').type('form');
  if (signature !== undefined) req.set('X-Twilio-Signature', signature);
  return req.send(params);
};

/** The inbound webhook with the `X-Twilio-Signature` Twilio would send. */
export const signedInbound = (t: TestApp, stub: TwilioStub, params: Record<string, string>) => postInbound(t, params, twilioSignature(stub.authToken, INBOUND_URL, params));
