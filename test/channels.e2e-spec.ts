import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationService } from '@beacon/channels';
import { startSmtpSink, waitUntil, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, type TestApp } from './utils/test-app';
import { startTwilioStub, type TwilioStub } from './utils/twilio-stub';

describe('channels: one-off notifications through real SMTP and the Twilio API stub', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let stub: TwilioStub;
  let notify: NotificationService;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stub = await startTwilioStub();
    t = await createTestApp({ SMTP_URL: smtp.url, ...stub.env() });
    notify = t.app.get(NotificationService);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await stub.close();
  });

  const jobStates = (name: string) =>
    t.sql<{ state: string; retry_count: number }>(`SELECT state, retry_count FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [name]);

  it('delivers an e-mail over SMTP with text and HTML', async () => {
    await notify.enqueueEmail({ to: 'resident@example.org', subject: 'Confirm your address', text: 'Click the link', html: '<p>Click the link</p>' });
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['resident@example.org']);
    expect(mail.parsed.subject).toBe('Confirm your address');
    expect(mail.parsed.text?.trim()).toBe('Click the link');
    expect(mail.parsed.html).toContain('<p>Click the link</p>');
  });

  it('retries a transient SMTP failure (451) and then delivers', async () => {
    smtp.failNext([451]);
    const before = smtp.messages.length;
    await notify.enqueueEmail({ to: 'retry@example.org', subject: 'Retry me', text: 'x' });
    await waitUntil(() => smtp.messages.length > before, 30_000, 'retried e-mail');
    expect(smtp.messages.at(-1)!.to).toEqual(['retry@example.org']);
    await waitUntil(async () => (await jobStates('notify-email')).at(-1)?.state === 'completed', 10_000, 'completed job');
    expect((await jobStates('notify-email')).at(-1)).toEqual({ state: 'completed', retry_count: 1 });
  });

  it('does not retry a permanent SMTP failure (550)', async () => {
    smtp.rejectAddress('gone@example.org', 550);
    await notify.enqueueEmail({ to: 'gone@example.org', subject: 'Nobody home', text: 'x' });
    await waitUntil(async () => (await jobStates('notify-email')).at(-1)?.state === 'completed', 10_000, 'job settled');
    expect((await jobStates('notify-email')).at(-1)!.retry_count).toBe(0);
    expect(smtp.messages.some((m) => m.to.includes('gone@example.org'))).toBe(false);
  });

  it('sends SMS through the real twilio client to the stub', async () => {
    await notify.enqueueSms({ to: '+447700900123', body: 'Your Beacon code is 123456' });
    const [sms] = await stub.waitFor(1);
    expect(sms).toMatchObject({ to: '+447700900123', from: '+447700900001', body: 'Your Beacon code is 123456', accountSid: stub.accountSid });
  });

  it('retries Twilio 429 then 500, then sends once', async () => {
    stub.failNext([{ status: 429, code: 20429 }, { status: 500 }]);
    const before = stub.messages.length;
    await notify.enqueueSms({ to: '+447700900124', body: 'After backoff' });
    await waitUntil(() => stub.messages.length > before, 40_000, 'SMS after retries');
    expect(stub.messages.filter((m) => m.to === '+447700900124')).toHaveLength(1);
  });

  it('records but does not retry a permanent Twilio error (21211 invalid number)', async () => {
    stub.rejectNumber('+447700900125', { status: 400, code: 21211, message: 'Invalid To number' });
    const requestsBefore = stub.requests;
    await notify.enqueueSms({ to: '+447700900125', body: 'x' });
    await waitUntil(async () => (await jobStates('notify-sms')).at(-1)?.state === 'completed', 10_000, 'job settled');
    expect(stub.requests - requestsBefore).toBe(1);
  });
});
