// Two-way e-mail (issue 20): every message e-mail carries its own reply address (Reply-To) and
// VERP return path; what comes back to them arrives through a real SMTP session into the
// worker's listener (nodemailer as the client) or as raw MIME to the webhook, and ends in the
// same job: a reply in the inbox (new text only), an auto-reply recorded and dropped, a DSN
// marking the delivery bounced (and suspending the address), an ARF complaint unsubscribing the
// resident; a forged token dropped, an address not ours refused at RCPT; the staff answer threaded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import request from 'supertest';
import { StaffService } from '@beacon/auth';
import { makeResident } from './utils/factories';
import { freePort } from './utils/free-port';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { broadcast } from './utils/messages';
import { startSmtpSink, waitUntil, type CapturedMail, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import { residentAuth, type Auth } from './utils/world';

const REPLY_DOMAIN = 'reply.beacon.test';
const BOUNCE_DOMAIN = 'bounce.beacon.test';
const SECRET = 'inbound-webhook-secret-0123456789abcdef';
const STAFF_PASSWORD = 'inbox-password-123';

let t: TestApp;
let smtp: SmtpSink;
let client: Transporter;
let eco: Auth;
let ecoEmail: string;
let seq = 0;

interface Received {
  mail: CapturedMail;
  replyTo: string;
  returnPath: string;
  messageId: string;
  deliveryId: string;
}

/** Sends a message to ward BE01 (every resident of this file lives there) and returns what `residentEmail` received. */
async function messageTo(residentEmail: string, title = `Van seen on Coleshill Road ${++seq}`): Promise<Received & { messageId: string; id: string }> {
  const id = await broadcast(t, eco, { title, body: 'Please look out for a white van.', audience: { wardCodes: ['BE01'] } });
  let mail: CapturedMail | undefined;
  await waitUntil(() => !!(mail = smtp.messages.find((m) => m.to.includes(residentEmail) && m.parsed.subject === title)), 20_000, `the e-mail to ${residentEmail}`);
  const replyTo = mail!.parsed.replyTo!.value[0].address!;
  const [row] = await t.sql<{ id: string }>(`SELECT d.id::text AS id FROM delivery d JOIN resident r ON r.id = d.resident_id WHERE d.message_id = $1 AND r.email = $2`, [id, residentEmail]);
  return { id, mail: mail!, replyTo, returnPath: mail!.from, messageId: mail!.parsed.messageId!, deliveryId: row.id };
}

/** One real SMTP session into the listener. */
function smtpSend(envelope: { from: string; to: string }, mail: Record<string, unknown>) {
  return client.sendMail({ envelope, ...mail });
}

/** Raw MIME to the webhook, authenticated by the bearer secret (or `auth`). */
function webhook(raw: string, opts: { envelopeTo?: string; auth?: Record<string, string> } = {}) {
  const req = t.http().post('/webhooks/email/inbound').set('Content-Type', 'message/rfc822');
  for (const [k, v] of Object.entries(opts.auth ?? { Authorization: `Bearer ${SECRET}` })) req.set(k, v);
  if (opts.envelopeTo) req.set('X-Envelope-To', opts.envelopeTo);
  return req.send(Buffer.from(raw));
}

/** A console session of the file's ECO (cookie agent). */
async function consoleAgent() {
  const agent = request.agent(t.app.getHttpServer());
  const form = await agent.get('/console/sign-in').expect(200);
  const csrf = /name="csrfToken" value="([^"]+)"/.exec(form.text)![1];
  await agent.post('/console/sign-in').type('form').send({ email: ecoEmail, password: STAFF_PASSWORD, csrfToken: csrf, next: '/console' }).expect(303);
  return agent;
}

/** The cells of the console's progress table row for e-mail. */
async function consoleEmailProgress(messageId: string): Promise<Record<string, string>> {
  const html = (await (await consoleAgent()).get(`/console/messages/${messageId}`).expect(200)).text;
  const table = /<table[^>]*id="progress"[\s\S]*?<\/table>/.exec(html)![0];
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>\s*([\s\S]*?)\s*<\/t[hd]>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
  const rows = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]));
  const email = rows.find((r) => r[0] === 'Email')!;
  return Object.fromEntries(rows[0].map((h, i) => [h, email[i]]));
}

const inbound = () =>
  t.sql<{ outcome: string; detail: string | null; recipient: string | null; residentId: string | null }>(
    `SELECT outcome, detail, recipient, resident_id AS "residentId" FROM inbound_email ORDER BY received_at`,
  );
async function settled(): Promise<void> {
  await waitUntil(async () => (await t.sql(`SELECT 1 FROM inbound_email WHERE outcome = 'pending'`)).length === 0, 20_000, 'every inbound e-mail read');
}
async function lastInbound() {
  await settled();
  return (await inbound()).at(-1)!;
}
const inboxBodies = async () => ((await t.http().get('/api/v1/inbox?npu=BE').set(...eco).expect(200)).body.items as { body: string; via: string }[]);
const channelOf = async (residentId: string) =>
  (await t.sql<{ enabled: boolean; suspendedAt: Date | null; softBounces: number; reason: string | null }>(
    `SELECT enabled, suspended_at AS "suspendedAt", soft_bounces AS "softBounces", suspended_reason AS reason FROM resident_channel WHERE resident_id = $1 AND channel = 'email'`,
    [residentId],
  ))[0];

function dsn(to: string, status: string, action = 'failed', original = ''): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"',
    '',
    '--dsn-b',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net. Your message could not be delivered.',
    '',
    '--dsn-b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; someone@example.org',
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550' : '452'} ${status} <someone@example.org>: mailbox problem`,
    '',
    '--dsn-b',
    'Content-Type: text/rfc822-headers',
    '',
    original || 'Subject: (original)',
    '',
    '--dsn-b--',
    '',
  ].join('\r\n');
}

function arf(to: string, originalHeaders: string): string {
  return [
    'From: Feedback Loop <fbl@isp.example.net>',
    `To: ${to}`,
    'Subject: Abuse report',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-b"',
    '',
    '--arf-b',
    'Content-Type: text/plain',
    '',
    'This is an e-mail abuse report for an e-mail message received from IP 192.0.2.1.',
    '',
    '--arf-b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    '',
    '--arf-b',
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders,
    '',
    '--arf-b--',
    '',
  ].join('\r\n');
}

describe('two-way e-mail: replies, bounces and complaints', () => {
  beforeAll(async () => {
    smtp = await startSmtpSink();
    const port = await freePort();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      REPLY_DOMAIN,
      RETURN_PATH_DOMAIN: BOUNCE_DOMAIN,
      INBOUND_SMTP_PORT: String(port),
      INBOUND_WEBHOOK_SECRET: SECRET,
      SOFT_BOUNCE_SUSPEND_AFTER: '3',
      INBOUND_MAX_BYTES: '200000',
      INBOUND_ATTACHMENT_MAX_BYTES: '20000',
    });
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoEmail = `inbox.eco.${Date.now()}@force.test`;
    await t.app.get(StaffService).create({ email: ecoEmail, name: 'Inbox Eco', password: STAFF_PASSWORD, role: 'eco', npuCode: 'BE' });
    client = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'mx.example.net' });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await t?.close();
    await smtp?.close();
  });

  it('each message e-mail carries Reply-To reply+<token>@REPLY_DOMAIN and the VERP return path bounce+<token>@RETURN_PATH_DOMAIN', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    expect(got.replyTo).toMatch(new RegExp(`^reply\\+[0-9a-z]+\\.[0-9a-z]+\\.[0-9a-f]{24}@${REPLY_DOMAIN.replace(/\./g, '\\.')}$`));
    expect(got.returnPath).toMatch(new RegExp(`^bounce\\+[0-9a-z]+\\.[0-9a-z]+\\.[0-9a-f]{24}@${BOUNCE_DOMAIN.replace(/\./g, '\\.')}$`));
    for (const a of [got.replyTo, got.returnPath]) expect(a.split('@')[0].length).toBeLessThanOrEqual(64);
    // Bound to the delivery: another resident's message has other addresses.
    const other = await makeResident(t, { ward: 'BE01' });
    const theirs = await messageTo(other.email!);
    expect(theirs.replyTo).not.toBe(got.replyTo);
  }, 60_000);

  it('a plain reply with quoted history, by SMTP: only the new text reaches the inbox, via email', async () => {
    const r = await makeResident(t, { ward: 'BE01', firstName: 'Priya' });
    const got = await messageTo(r.email!);
    const text = [
      'Yes, I saw it this morning parked by the shops.',
      '',
      'Sent from my iPhone',
      '',
      `On Mon, 1 Dec 2026 at 10:00, Beacon <no-reply@beacon.local> wrote:`,
      '> Please look out for a white van.',
      '> Rate this message: http://beacon.test/r/xyz',
    ].join('\n');
    // The envelope sender is the resident's mailbox provider's; the header From could be anything.
    await smtpSend({ from: r.email!, to: got.replyTo }, { from: r.email!, to: got.replyTo, subject: `Re: ${got.mail.parsed.subject}`, text, inReplyTo: got.messageId, references: [got.messageId] });
    const row = await lastInbound();
    expect(row).toMatchObject({ outcome: 'reply', residentId: r.id });
    const replies = await t.sql<{ body: string; via: string; messageId: string; status: string }>(`SELECT body, via, message_id AS "messageId", status FROM reply WHERE resident_id = $1`, [r.id]);
    expect(replies).toEqual([{ body: 'Yes, I saw it this morning parked by the shops.', via: 'email', messageId: got.id, status: 'open' }]);
    expect((await inboxBodies()).find((i) => i.body === replies[0].body)).toMatchObject({ via: 'email' });
  }, 60_000);

  it('an HTML-only reply through the webhook is stored as text, and the inbox page shows it escaped', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const raw = [
      `From: ${r.email}`,
      `To: ${got.replyTo}`,
      'Subject: Re: van',
      `Message-ID: <html-reply-${Date.now()}@mail.example.org>`,
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body><p>It has gone now &lt;script&gt;alert(1)&lt;/script&gt; <b>thank you</b></p><blockquote>Please look out for a white van.</blockquote></body></html>',
      '',
    ].join('\r\n');
    await webhook(raw).expect(202, { accepted: true }); // recipient found in To: (no X-Envelope-To)
    expect(await lastInbound()).toMatchObject({ outcome: 'reply', residentId: r.id });
    const [reply] = await t.sql<{ body: string }>(`SELECT body FROM reply WHERE resident_id = $1`, [r.id]);
    expect(reply.body).toBe('It has gone now <script>alert(1)</script> thank you');
    // The console's inbox renders it as text.
    const page = await (await consoleAgent()).get('/console/inbox').expect(200);
    expect(page.text).toContain('It has gone now &lt;script&gt;alert(1)&lt;/script&gt; thank you');
    expect(page.text).not.toContain('<script>alert(1)');
  }, 60_000);

  it('an out-of-office (Auto-Submitted) is recorded as an auto-reply and never reaches the inbox', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    await smtpSend(
      { from: r.email!, to: got.replyTo },
      { from: r.email!, to: got.replyTo, subject: 'Out of office: Re: van', text: 'I am away until Monday with no access to e-mail.', headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' } },
    );
    expect(await lastInbound()).toMatchObject({ outcome: 'auto_reply', residentId: r.id });
    expect(await t.sql(`SELECT 1 FROM reply WHERE resident_id = $1`, [r.id])).toEqual([]);
    expect((await inboxBodies()).some((i) => i.body.includes('away until Monday'))).toBe(false);
    // A Precedence: bulk mail is treated the same.
    await smtpSend({ from: r.email!, to: got.replyTo }, { from: r.email!, to: got.replyTo, subject: 'Newsletter', text: 'Our weekly news', headers: { Precedence: 'bulk' } });
    expect(await lastInbound()).toMatchObject({ outcome: 'auto_reply' });
    expect(await t.sql(`SELECT 1 FROM reply WHERE resident_id = $1`, [r.id])).toEqual([]);
  }, 60_000);

  it('a DSN hard bounce (5.1.1) to the return path: delivery bounced with its status, the address suspended, counted in message detail', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const sentBefore = smtp.messages.length;
    await smtpSend({ from: '', to: got.returnPath }, { raw: dsn(got.returnPath, '5.1.1') });
    expect(await lastInbound()).toMatchObject({ outcome: 'bounce', residentId: r.id, detail: 'DSN 5.1.1' });
    const [d] = await t.sql<{ status: string; bounceStatus: string; lastError: string }>(
      `SELECT status, bounce_status AS "bounceStatus", last_error AS "lastError" FROM delivery WHERE id = $1`,
      [got.deliveryId],
    );
    expect(d).toMatchObject({ status: 'bounced', bounceStatus: '5.1.1' });
    // The relay's diagnostic, without the address it quotes.
    expect(d.lastError).toBe('DSN 5.1.1: smtp; 550 5.1.1 <recipient>: mailbox problem');
    const ch = await channelOf(r.id);
    expect(ch.suspendedAt).not.toBeNull();
    expect(ch.reason).toMatch(/^Hard bounce: DSN 5\.1\.1/);
    const detail = await t.http().get(`/api/v1/messages/${got.id}`).set(...eco).expect(200);
    expect(detail.body.progress.byChannel.email).toMatchObject({ bounced: 1, complained: 0 });
    expect(detail.body.progress).toMatchObject({ bounced: 1 });
    expect(await consoleEmailProgress(got.id)).toMatchObject({ 'Of which bounced': '1', 'Marked as spam': '0' });
    // The same report again changes nothing; and nothing was ever sent back (no backscatter).
    await smtpSend({ from: '', to: got.returnPath }, { raw: dsn(got.returnPath, '5.1.1') });
    expect(await lastInbound()).toMatchObject({ outcome: 'bounce', detail: 'DSN 5.1.1 (repeat)' });
    expect(smtp.messages.length).toBe(sentBefore);
    // A suspended address gets no more messages.
    const next = await broadcast(t, eco, { title: 'After the bounce', audience: { wardCodes: ['BE01'] } });
    const [row] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM delivery WHERE message_id = $1 AND resident_id = $2 AND status = 'sent'`, [next, r.id]);
    expect(row.n).toBe(0);
  }, 90_000);

  it('soft bounces (4.x.x) are counted: the address is suspended at the third in a row, a delayed DSN changes nothing', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    for (let i = 1; i <= 3; i++) {
      const got = await messageTo(r.email!);
      if (i === 1) {
        // "Delayed" is a warning, not a bounce.
        await smtpSend({ from: '', to: got.returnPath }, { raw: dsn(got.returnPath, '4.4.7', 'delayed') });
        expect(await lastInbound()).toMatchObject({ outcome: 'delayed' });
        expect((await t.sql<{ status: string }>(`SELECT status FROM delivery WHERE id = $1`, [got.deliveryId]))[0].status).toBe('sent');
      }
      await smtpSend({ from: '', to: got.returnPath }, { raw: dsn(got.returnPath, '4.2.2') });
      expect(await lastInbound()).toMatchObject({ outcome: 'soft_bounce', residentId: r.id });
      expect((await t.sql<{ status: string; s: string }>(`SELECT status, bounce_status AS s FROM delivery WHERE id = $1`, [got.deliveryId]))[0]).toEqual({ status: 'bounced', s: '4.2.2' });
      const ch = await channelOf(r.id);
      expect([i, ch.softBounces, ch.suspendedAt !== null]).toEqual([i, i, i === 3]);
    }
    expect((await channelOf(r.id)).reason).toMatch(/^3 soft bounces in a row/);
  }, 120_000);

  it('a reply from the address ends a run of soft bounces', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    await smtpSend({ from: '', to: got.returnPath }, { raw: dsn(got.returnPath, '4.2.2') });
    await settled();
    expect((await channelOf(r.id)).softBounces).toBe(1);
    await smtpSend({ from: r.email!, to: got.replyTo }, { from: r.email!, to: got.replyTo, subject: 'Re: van', text: 'Got it, thanks.' });
    await settled();
    expect((await channelOf(r.id)).softBounces).toBe(0);
  }, 60_000);

  it('an ARF complaint unsubscribes the resident from e-mail and is counted in message detail (webhook, HMAC signature, token from the quoted headers)', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    // A feedback loop reports to the force's registered address, quoting the original's headers.
    const headers = got.mail.raw.split(/\r?\n\r?\n/)[0];
    const raw = arf('fbl-reports@force.example', `Return-Path: <${got.returnPath}>\r\n${headers}`);
    const sig = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    await webhook(raw, { auth: { 'X-Beacon-Signature': sig } }).expect(202);
    expect(await lastInbound()).toMatchObject({ outcome: 'complaint', residentId: r.id, recipient: null });
    const ch = await channelOf(r.id);
    expect(ch.enabled).toBe(false);
    const [res] = await t.sql<{ status: string }>(`SELECT status FROM resident WHERE id = $1`, [r.id]);
    expect(res.status).toBe('unsubscribed'); // e-mail was their only channel
    const detail = await t.http().get(`/api/v1/messages/${got.id}`).set(...eco).expect(200);
    expect(detail.body.progress.byChannel.email).toMatchObject({ complained: 1 });
    expect(detail.body.progress.complained).toBe(1);
    expect(await consoleEmailProgress(got.id)).toMatchObject({ 'Marked as spam': '1' });
  }, 60_000);

  it('a forged or tampered token is dropped and logged, never delivered; over SMTP it is refused at RCPT', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const [local, domain] = got.replyTo.split('@');
    const mac = local.slice(-24);
    const tampered = `${local.slice(0, -24)}${mac.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}@${domain}`;
    // The bounce token in a reply address: another purpose.
    const otherPurpose = `reply+${got.returnPath.split('@')[0].slice('bounce+'.length)}@${REPLY_DOMAIN}`;
    const before = (await inbound()).length;
    for (const to of [tampered, otherPurpose]) {
      await expect(smtpSend({ from: r.email!, to }, { from: r.email!, to, subject: 'Re: van', text: 'forged' })).rejects.toMatchObject({ responseCode: 550 });
    }
    expect((await inbound()).length).toBe(before); // nothing stored
    // Through the webhook (already past any RCPT check): stored, read, dropped.
    for (const to of [tampered, otherPurpose]) {
      await webhook([`From: ${r.email}`, `To: ${to}`, 'Subject: Re: van', '', 'forged words', ''].join('\r\n'), { envelopeTo: to }).expect(202);
      expect(await lastInbound()).toMatchObject({ outcome: 'dropped', residentId: null });
      expect((await inbound()).at(-1)!.detail).toMatch(/^Address token forged/);
    }
    expect(await t.sql(`SELECT 1 FROM reply WHERE body LIKE '%forged%'`)).toEqual([]);
  }, 60_000);

  it('an address that is not ours (or not a reply/bounce address) is refused at RCPT: no relay', async () => {
    for (const to of [`postmaster@${REPLY_DOMAIN}`, 'someone@example.org', `reply+abc@${REPLY_DOMAIN}`, `reply+${'0'.repeat(8)}.abc.${'0'.repeat(24)}@elsewhere.example`]) {
      await expect(smtpSend({ from: 'x@example.org', to }, { from: 'x@example.org', to, subject: 'hi', text: 'relay me' })).rejects.toMatchObject({ responseCode: 550 });
    }
  }, 30_000);

  it('the webhook refuses a missing or wrong secret and a body that is not raw MIME, storing nothing', async () => {
    const before = (await inbound()).length;
    const raw = 'From: a@example.org\r\nTo: x@example.org\r\n\r\nhello\r\n';
    await webhook(raw, { auth: {} }).expect(403);
    await webhook(raw, { auth: { Authorization: 'Bearer not-the-secret-at-all-0123456789abcdef' } }).expect(403);
    await webhook(raw, { auth: { 'X-Beacon-Signature': 'sha256=00' } }).expect(403);
    const json = await t.http().post('/webhooks/email/inbound').set('Authorization', `Bearer ${SECRET}`).send({ raw }).expect(415);
    expect(json.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect((await inbound()).length).toBe(before);
  }, 30_000);

  it('the staff answer goes by e-mail to the address Beacon holds, in the same thread (In-Reply-To, References)', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const theirId = `<thread-${Date.now()}@mail.example.org>`;
    // The header From names someone else: the answer must still go only to the held address.
    await smtpSend(
      { from: r.email!, to: got.replyTo },
      { from: 'victim@elsewhere.example', to: got.replyTo, subject: 'Re: van', text: 'Is it still there?', messageId: theirId, inReplyTo: got.messageId, references: [got.messageId] },
    );
    expect(await lastInbound()).toMatchObject({ outcome: 'reply' });
    const [reply] = await t.sql<{ id: string }>(`SELECT id FROM reply WHERE resident_id = $1`, [r.id]);
    const sentBefore = smtp.messages.length;
    await t.http().post(`/api/v1/replies/${reply.id}/responses`).set(...eco).send({ body: 'It has been moved on, thank you.' }).expect(201);
    let answer: CapturedMail | undefined;
    await waitUntil(() => !!(answer = smtp.messages.slice(sentBefore).find((m) => m.parsed.text?.includes('It has been moved on'))), 20_000, 'the answer');
    expect(answer!.to).toEqual([r.email]);
    expect(answer!.parsed.inReplyTo).toBe(theirId);
    expect(answer!.parsed.references).toEqual([got.messageId, theirId]);
    expect(answer!.parsed.subject).toBe(`Re: ${got.mail.parsed.subject}`);
    expect(answer!.parsed.replyTo!.value[0].address).toMatch(new RegExp(`^reply\\+.+@${REPLY_DOMAIN.replace(/\./g, '\\.')}$`));
    expect(smtp.messages.slice(sentBefore).some((m) => m.to.includes('victim@elsewhere.example'))).toBe(false);
  }, 60_000);

  it('attachments are dropped and noted in the reply; erasure deletes the e-mails as received and the thread ids', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    await smtpSend(
      { from: r.email!, to: got.replyTo },
      { from: r.email!, to: got.replyTo, subject: 'Re: van', text: 'Photo of the van attached.', attachments: [{ filename: 'van.jpg', content: Buffer.alloc(2048, 1), contentType: 'image/jpeg' }] },
    );
    expect(await lastInbound()).toMatchObject({ outcome: 'reply', residentId: r.id });
    const [reply] = await t.sql<{ body: string; emailMessageId: string | null }>(`SELECT body, email_message_id AS "emailMessageId" FROM reply WHERE resident_id = $1`, [r.id]);
    expect(reply.body).toBe('Photo of the van attached.\n\n[Attachments not kept: van.jpg]');
    expect(reply.emailMessageId).toMatch(/^<.+>$/);
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_email WHERE resident_id = $1`, [r.id]);
    expect(n).toBe(1);
    await t.http().delete('/api/v1/me').set(...residentAuth(t, r.id)).expect(204);
    expect(await t.sql(`SELECT 1 FROM inbound_email WHERE resident_id = $1`, [r.id])).toEqual([]);
    expect(await t.sql<{ body: string; m: string | null; refs: string | null }>(`SELECT body, email_message_id AS m, email_references AS refs FROM reply WHERE resident_id = $1`, [r.id])).toEqual([
      { body: '', m: null, refs: null },
    ]);
  }, 60_000);

  it('a small PNG attachment is kept (checked by its bytes): listed on the reply, downloadable by staff of its NPU only; an oversized or disguised file is dropped and noted; erasure removes the stored file', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const png = tinyPng();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(400, 0)]);
    const big = Buffer.concat([png, Buffer.alloc(30_000, 7)]); // a real PNG head, over INBOUND_ATTACHMENT_MAX_BYTES
    await smtpSend(
      { from: r.email!, to: got.replyTo },
      {
        from: r.email!,
        to: got.replyTo,
        subject: 'Re: van',
        text: 'Here are photos.',
        attachments: [
          { filename: 'van.png', content: png, contentType: 'image/png' },
          { filename: 'photo.png', content: exe, contentType: 'image/png' },
          { filename: 'huge.png', content: big, contentType: 'image/png' },
        ],
      },
    );
    expect(await lastInbound()).toMatchObject({ outcome: 'reply', residentId: r.id });
    const [reply] = await t.sql<{ id: string; body: string }>(`SELECT id, body FROM reply WHERE resident_id = $1`, [r.id]);
    expect(reply.body).toBe('Here are photos.\n\n[Attachments not kept: photo.png, huge.png]');
    const detail = (await t.http().get(`/api/v1/replies/${reply.id}`).set(...eco).expect(200)).body as { attachments: { id: string; filename: string; contentType: string; size: number }[] };
    expect(detail.attachments).toEqual([{ id: expect.any(String), filename: 'van.png', contentType: 'image/png', size: png.length }]);
    const url = `/api/v1/replies/${reply.id}/attachments/${detail.attachments[0].id}`;
    const file = await t.http().get(url).set(...eco).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(Buffer.compare(file.body as Buffer, png)).toBe(0);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toBe('attachment; filename="van.png"');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    // Staff of another NPU: as for the reply itself.
    const sw = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    await t.http().get(`/api/v1/replies/${reply.id}`).set(...sw).expect(403);
    await t.http().get(url).set(...sw).expect(403);
    // An attachment id under another reply's id is not found; so is an unknown one.
    const other = await makeResident(t, { ward: 'BE01' });
    const otherGot = await messageTo(other.email!);
    await smtpSend({ from: other.email!, to: otherGot.replyTo }, { from: other.email!, to: otherGot.replyTo, subject: 'Re: van', text: 'No photo.' });
    await settled();
    const [otherReply] = await t.sql<{ id: string }>(`SELECT id FROM reply WHERE resident_id = $1`, [other.id]);
    await t.http().get(`/api/v1/replies/${otherReply.id}/attachments/${detail.attachments[0].id}`).set(...eco).expect(404);
    await t.http().get(`/api/v1/replies/${reply.id}/attachments/00000000-0000-4000-8000-000000000000`).set(...eco).expect(404);
    // A resident's token is not a staff session, here as for the reply itself; nor is no token.
    await t.http().get(`/api/v1/replies/${reply.id}`).set(...residentAuth(t, r.id)).expect(401);
    await t.http().get(url).set(...residentAuth(t, r.id)).expect(401);
    await t.http().get(url).expect(401);
    // The resident's GDPR export lists what they sent (name, type, size; not the bytes).
    const exported = (await t.http().get('/api/v1/me/export').set(...residentAuth(t, r.id)).expect(200)).body;
    expect(exported.engagement.replyAttachments).toEqual([{ id: detail.attachments[0].id, replyId: reply.id, filename: detail.attachments[0].filename, contentType: 'image/png', size: detail.attachments[0].size }]);
    // Erasure: the stored bytes go, and the listing with them.
    const files = await t.sql<{ id: string }>(`SELECT f.id FROM stored_file f JOIN reply_attachment a ON a.file_id = f.id WHERE a.reply_id = $1`, [reply.id]);
    expect(files).toHaveLength(1);
    await t.http().delete('/api/v1/me').set(...residentAuth(t, r.id)).expect(204);
    expect(await t.sql(`SELECT 1 FROM stored_file WHERE id = $1`, [files[0].id])).toEqual([]);
    expect(await t.sql(`SELECT 1 FROM reply_attachment WHERE reply_id = $1`, [reply.id])).toEqual([]);
    await t.http().get(url).set(...eco).expect(404);
  }, 90_000);

  it('over INBOUND_MAX_BYTES is refused (SMTP and webhook), storing nothing', async () => {
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const before = (await inbound()).length;
    const big = 'x'.repeat(210_000);
    await expect(smtpSend({ from: r.email!, to: got.replyTo }, { from: r.email!, to: got.replyTo, subject: 'big', text: big })).rejects.toBeDefined();
    const res = await webhook([`From: ${r.email}`, `To: ${got.replyTo}`, 'Subject: big', '', big, ''].join('\r\n')).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect((await inbound()).length).toBe(before);
  }, 60_000);

  it('no key and certificate configured: no STARTTLS offered (a client that requires it gives up before MAIL)', async () => {
    const to = `reply+abc@${REPLY_DOMAIN}`;
    const plain = createTransport({ host: '127.0.0.1', port: t.config.inboundEmail!.smtpPort!, secure: false, requireTLS: true });
    await expect(plain.sendMail({ envelope: { from: 'a@example.org', to }, from: 'a@example.org', to, subject: 's', text: 't' })).rejects.toMatchObject({ code: 'ETLS' });
    plain.close();
  }, 30_000);

  it('one sender may have 30 messages an hour stored; more are refused (429 / SMTP 452) before anything is stored', async () => {
    // Each a different mail: the same raw mail again is a duplicate (stored once, test/webhook-replay), not counted.
    const raw = (i: number) => ['From: Flood <flood@example.org>', `To: reply+nothing@${REPLY_DOMAIN}`, 'Subject: spam', '', `buy now ${i}`, ''].join('\r\n');
    await awayFromWindowEdge(3600, 30_000);
    for (let i = 0; i < 30; i++) await webhook(raw(i)).expect(202);
    const before = (await inbound()).length;
    const over = await webhook(raw(30)).expect(429);
    expect(over.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await inbound()).length).toBe(before);
    // Over SMTP the envelope sender is counted: the 31st is a temporary refusal (452), the sender's server retries later.
    const r = await makeResident(t, { ward: 'BE01' });
    const got = await messageTo(r.email!);
    const from = 'smtp-flood@example.org';
    await awayFromWindowEdge(3600, 30_000);
    for (let i = 0; i < 30; i++) await smtpSend({ from, to: got.replyTo }, { from, to: got.replyTo, subject: 'spam', text: `buy now ${i}` });
    const stored = (await inbound()).length;
    await expect(smtpSend({ from, to: got.replyTo }, { from, to: got.replyTo, subject: 'spam', text: 'buy now again' })).rejects.toMatchObject({ responseCode: 452 });
    expect((await inbound()).length).toBe(stored);
    await settled();
    // The per-resident reply limits (as for web replies) kept the inbox to 5 of them.
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reply WHERE resident_id = $1`, [r.id]))[0].n).toBe(5);
  }, 180_000);
});

describe('the inbound SMTP listener with STARTTLS', () => {
  let app: TestApp;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'beacon-inbound-tls-'));

  beforeAll(async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    port = await freePort();
    app = await createTestApp({ REPLY_DOMAIN, INBOUND_SMTP_PORT: String(port), INBOUND_SMTP_TLS_KEY_FILE: key, INBOUND_SMTP_TLS_CERT_FILE: cert });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers STARTTLS when a key and certificate are configured: the session goes on over TLS (RCPT answered after the handshake)', async () => {
    const to = `reply+abc@${REPLY_DOMAIN}`; // refused at RCPT, after the TLS handshake
    const tls = createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
    await expect(tls.sendMail({ envelope: { from: 'a@example.org', to }, from: 'a@example.org', to, subject: 's', text: 't' })).rejects.toMatchObject({ responseCode: 550 });
    tls.close();
  }, 30_000);
});


/** A valid 1×1 red PNG. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
