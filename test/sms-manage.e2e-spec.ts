// Issue 16: a resident reaches their preferences from any SMS. Texting MANAGE (beside STOP and
// START) texts back a signed, expiring, purpose-bound link to the preferences page; limited per
// number; an unknown or unverified number gets no text and the same webhook answer.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { LinkTokenService } from '@beacon/auth';
import { MANAGE_TEXT_LIMIT } from '@beacon/engagement';
import { makeResident } from './utils/factories';
import { EMPTY_TWIML, inboundSms, signedInbound } from './utils/messages';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';

describe('MANAGE by text: a link to the preferences page', () => {
  const { t, stub } = useSuite({ smtp: true, twilio: true, geography: true });

  /** A signed inbound SMS, as Twilio posts it: the answer is the same whoever sent it. */
  const textIn = async (from: string, body: string) => {
    const res = await signedInbound(t, stub, inboundSms(stub, from, body)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.text).toBe(EMPTY_TWIML);
  };
  const textsTo = (to: string) => stub.messages.filter((m) => m.to === to);
  /** notify-sms jobs queued so far (what the worker will send). */
  const smsJobs = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notify-sms'`))[0].n;
  const idle = () => waitUntil(async () => (await t.sql(`SELECT 1 FROM pgboss.job WHERE name = 'notify-sms' AND state IN ('created', 'active', 'retry')`)).length === 0, 20_000, 'SMS jobs done');

  beforeAll(async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
  });

  it('MANAGE (any case) from a verified number texts back a prefs-only manage link that expires within a day; nothing stored as a reply', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900501', email: 'manage.by.text@example.org' });
    await textIn('+447700900501', '  manage ');
    await waitUntil(() => textsTo('+447700900501').length === 1, 20_000, 'the manage text');
    const [text] = textsTo('+447700900501');
    const url = /http:\/\/beacon\.test(\/me\?token=(\S+))/.exec(text.body);
    expect(url).not.toBeNull();
    expect(text.body).not.toMatch(/spam/i);
    const claims = t.app.get(LinkTokenService).verify('manage', url![2]);
    expect(claims).toMatchObject({ r: r.id, l: 'prefs' });
    // Purpose-bound: it is not a sign-in (magic) link, and it expires.
    expect(() => t.app.get(LinkTokenService).verify('magic-link', url![2])).toThrow('This link is not valid');
    const payload = JSON.parse(Buffer.from(url![2].split('.')[0], 'base64url').toString()) as { e: number };
    expect(payload.e * 1000 - Date.now()).toBeGreaterThan(3_600_000);
    expect(payload.e * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    // It opens the preferences page (masked contact details: the text may be read by someone else).
    const page = await t.http().get(url![1]).expect(200);
    expect(page.text).toContain('Manage your Beacon messages');
    expect(page.text).not.toContain('manage.by.text@example.org');
    expect(await t.sql('SELECT 1 FROM reply WHERE resident_id = $1', [r.id])).toEqual([]);
  });

  it('an unknown number, an unverified one and an erased resident get no text, the same answer, and nothing is stored', async () => {
    await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900502', status: 'pending', phoneVerified: false });
    await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900503', status: 'erased' });
    const before = await smsJobs();
    const replies = await t.sql('SELECT id FROM reply');
    for (const from of ['+447700900599', '+447700900502', '+447700900503']) await textIn(from, 'MANAGE');
    expect(await smsJobs()).toBe(before);
    await idle();
    for (const from of ['+447700900599', '+447700900502', '+447700900503']) expect(textsTo(from)).toEqual([]);
    expect(await t.sql('SELECT id FROM reply')).toEqual(replies);
  });

  it(`is limited per number: ${MANAGE_TEXT_LIMIT.limit} texts an hour, then nothing more (same answer); unknown numbers count the same`, async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
    await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900504' });
    await awayFromWindowEdge(MANAGE_TEXT_LIMIT.windowSeconds, 20_000);
    for (let i = 0; i < MANAGE_TEXT_LIMIT.limit + 3; i++) await textIn('+447700900504', i % 2 ? 'Manage' : 'MANAGE');
    await idle();
    expect(textsTo('+447700900504')).toHaveLength(MANAGE_TEXT_LIMIT.limit);
    // Another number has its own count.
    await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900505' });
    await textIn('+447700900505', 'MANAGE');
    await waitUntil(() => textsTo('+447700900505').length === 1, 20_000, 'the other number');
    // An unknown number is counted in the same way (the count never says who is known).
    const buckets = async () => (await t.sql<{ n: number }>(`SELECT coalesce(sum(hits), 0)::int AS n FROM rate_limit_bucket WHERE key LIKE 'sms-manage:%'`))[0].n;
    const hits = await buckets();
    await textIn('+447700900598', 'MANAGE');
    expect(await buckets()).toBe(hits + 1);
  }, 120_000);

  it('a suspended or STOPped SMS channel gets no manage text (texting START first turns it back on)', async () => {
    const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900506' });
    await textIn('+447700900506', 'STOP');
    const before = await smsJobs();
    await textIn('+447700900506', 'MANAGE');
    expect(await smsJobs()).toBe(before);
    await textIn('+447700900506', 'START');
    await textIn('+447700900506', 'MANAGE');
    await waitUntil(() => textsTo('+447700900506').length === 1, 20_000, 'the manage text after START');
    expect(await t.sql('SELECT 1 FROM reply WHERE resident_id = $1', [r.id])).toEqual([]);
  });
});
