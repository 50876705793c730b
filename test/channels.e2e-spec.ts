import { beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationService } from '@beacon/channels';
import { waitUntil } from './utils/smtp-sink';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';

describe('channels: one-off notifications through real SMTP and the Twilio API stub', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let notify: NotificationService;

  beforeAll(() => {
    notify = t.app.get(NotificationService);
  });

  // Notification jobs name a template and ids; the message is rendered from the rows at send time.
  const resident = (email: string | null, phone: string | null = null) =>
    makeResident(t, { ward: 'BE01', email, phone, channels: [...(email ? ['email' as const] : []), ...(phone ? ['sms' as const] : [])], firstName: 'Ada' });
  const jobStates = (name: string) =>
    t.sql<{ state: string; retry_count: number }>(`SELECT state, retry_count FROM pgboss.job WHERE name = $1 ORDER BY created_on`, [name]);

  it('delivers an e-mail over SMTP with text and HTML', async () => {
    const r = await resident('resident@example.org');
    await notify.enqueueEmail('resident.sign-in', { residentId: r.id });
    // The queue holds the template and the id, not the address, name or text.
    const [job] = await t.sql<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' ORDER BY created_on DESC LIMIT 1`);
    expect(job.data).toEqual({ template: 'resident.sign-in', ref: { residentId: r.id } });
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['resident@example.org']);
    expect(mail.parsed.subject).toBe('Your Beacon sign-in link');
    expect(mail.parsed.text).toContain('Hello Ada,');
    expect(mail.parsed.html).toContain('<p>Hello Ada,</p>');
  });

  it('retries a transient SMTP failure (451) and then delivers', async () => {
    smtp.failNext([451]);
    const before = smtp.messages.length;
    await notify.enqueueEmail('resident.sign-in', { residentId: (await resident('retry@example.org')).id });
    await waitUntil(() => smtp.messages.length > before, 30_000, 'retried e-mail');
    expect(smtp.messages.at(-1)!.to).toEqual(['retry@example.org']);
    await waitUntil(async () => (await jobStates('notify-email')).at(-1)?.state === 'completed', 10_000, 'completed job');
    expect((await jobStates('notify-email')).at(-1)).toEqual({ state: 'completed', retry_count: 1 });
  });

  it('does not retry a permanent SMTP failure (550)', async () => {
    smtp.rejectAddress('gone@example.org', 550);
    await notify.enqueueEmail('resident.sign-in', { residentId: (await resident('gone@example.org')).id });
    await waitUntil(async () => (await jobStates('notify-email')).at(-1)?.state === 'completed', 10_000, 'job settled');
    expect((await jobStates('notify-email')).at(-1)!.retry_count).toBe(0);
    expect(smtp.messages.some((m) => m.to.includes('gone@example.org'))).toBe(false);
  });

  it('sends SMS through the real twilio client to the stub', async () => {
    await notify.enqueueSms('resident.sms-code', { residentId: (await resident(null, '+447700900123')).id, code: '123456' });
    const [sms] = await stub.waitFor(1);
    expect(sms).toMatchObject({ to: '+447700900123', from: '+447700900001', accountSid: stub.accountSid });
    expect(sms.body).toMatch(/^Your Beacon code is 123456\./);
  });

  it('retries Twilio 429 then 500, then sends once', async () => {
    stub.failNext([{ status: 429, code: 20429 }, { status: 500 }]);
    const before = stub.messages.length;
    await notify.enqueueSms('resident.sms-code', { residentId: (await resident(null, '+447700900124')).id, code: '654321' });
    await waitUntil(() => stub.messages.length > before, 40_000, 'SMS after retries');
    expect(stub.messages.filter((m) => m.to === '+447700900124')).toHaveLength(1);
  });

  it('records but does not retry a permanent Twilio error (21211 invalid number)', async () => {
    stub.rejectNumber('+447700900125', { status: 400, code: 21211, message: 'Invalid To number' });
    const requestsBefore = stub.requests;
    await notify.enqueueSms('resident.sms-code', { residentId: (await resident(null, '+447700900125')).id, code: '111111' });
    await waitUntil(async () => (await jobStates('notify-sms')).at(-1)?.state === 'completed', 10_000, 'job settled');
    expect(stub.requests - requestsBefore).toBe(1);
  });
});
