// Inbound SMS rules of libs/engagement/src/sms-inbound.service.ts that sms-rules and sms-manage
// do not pin (issue 27, mutation testing), on real PostgreSQL: only an E.164 sender is even
// counted, a limiter that fails is not taken for "limited", blank texts are not replies, and the
// keyword log lines name the resident and what happened.
import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { rateLimitKey } from '@beacon/core';
import { MANAGE_TEXT_LIMIT } from '@beacon/engagement';
import { SmsInboundService } from '../libs/engagement/src/sms-inbound.service';
import { makeResident } from './utils/factories';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { useSuite } from './utils/suite';

describe('inbound SMS service rules (mutation-sms-inbound)', () => {
  const logLines: string[] = [];
  const logTo = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  const { t } = useSuite({ geography: true, logTo });
  const receive = (from: string, body: string, messageSid?: string) => t.app.get(SmsInboundService).receive({ from, body, messageSid });
  const manageBuckets = async () => (await t.sql<{ key: string }>(`SELECT key FROM rate_limit_bucket WHERE key LIKE 'sms-manage:%'`)).map((r) => r.key);
  const keyOf = (phone: string) => rateLimitKey(MANAGE_TEXT_LIMIT.name, 'phone', phone);
  const smsLines = () =>
    logLines.map((l) => JSON.parse(l) as { context?: string; msg?: string; residentId?: string; keyword?: string; changed?: boolean; queued?: boolean }).filter((l) => l.context === 'SmsInbound');

  it('MANAGE is counted only from an E.164 number (+, no leading 0, 7 to 15 digits, surrounding spaces trimmed)', async () => {
    await t.sql(`DELETE FROM rate_limit_bucket WHERE key LIKE 'sms-manage:%'`);
    const refused = ['x+447700900401', '+447700900401x', '447700900401', '+047700900401', '+123456', '+1234567890123456', '+44770090040a', '+4477 00900401'];
    const accepted = ['+1234567', '+123456789012345', ' +447700900402 '];
    for (const from of [...refused, ...accepted]) await receive(from, 'MANAGE');
    expect((await manageBuckets()).sort()).toEqual(accepted.map(keyOf).sort());
  });

  it('a rate limiter that fails is an error (Twilio retries), not a silent "limited"; no text is queued', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900403' });
    const jobs = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notify-sms' AND data->'ref'->>'residentId' = $1`, [r.id]))[0].n;
    await t.sql('ALTER TABLE rate_limit_bucket RENAME TO rate_limit_bucket_away');
    try {
      await expect(receive('+447700900403', 'MANAGE')).rejects.toThrow(/rate_limit_bucket/);
    } finally {
      await t.sql('ALTER TABLE rate_limit_bucket_away RENAME TO rate_limit_bucket');
    }
    expect(await jobs()).toBe(0);
    await receive('+447700900403', 'MANAGE');
    expect(await jobs()).toBe(1);
  });

  it(`over ${MANAGE_TEXT_LIMIT.limit} MANAGE texts an hour the call still succeeds (the webhook answers the same) and queues nothing more`, async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900407' });
    const jobs = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notify-sms' AND data->'ref'->>'residentId' = $1`, [r.id]))[0].n;
    await awayFromWindowEdge(MANAGE_TEXT_LIMIT.windowSeconds, 20_000);
    for (let i = 0; i < MANAGE_TEXT_LIMIT.limit; i++) await receive('+447700900407', 'MANAGE');
    expect(await jobs()).toBe(MANAGE_TEXT_LIMIT.limit);
    await expect(receive('+447700900407', 'MANAGE')).resolves.toBeUndefined();
    expect(await jobs()).toBe(MANAGE_TEXT_LIMIT.limit);
  }, 60_000);

  it('a blank text from a verified number is not a reply; a text is stored trimmed with its MessageSid', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900404' });
    await receive('+447700900404', ' \n ');
    expect(await t.sql('SELECT 1 FROM reply WHERE resident_id = $1', [r.id])).toEqual([]);
    const sid = `SM${'ab'.repeat(16)}`;
    await receive('+447700900404', '  Hello there  ', sid);
    expect(await t.sql('SELECT body, via, provider_id FROM reply WHERE resident_id = $1', [r.id])).toEqual([{ body: 'Hello there', via: 'sms', provider_id: sid }]);
  });

  it('STOP, START and MANAGE are logged with the resident, the keyword and what changed', async () => {
    const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900405' });
    // A number on file with no SMS channel: the keyword changes nothing.
    const emailOnly = await makeResident(t, { ward: 'BE02', channels: ['email'], phone: '+447700900406' });
    await t.sql(`DELETE FROM rate_limit_bucket WHERE key LIKE 'sms-manage:%'`);
    logLines.length = 0;
    await receive('+447700900405', 'STOP');
    await receive('+447700900406', 'STOP');
    await receive('+447700900405', 'START');
    await receive('+447700900405', 'MANAGE');
    expect(smsLines().map(({ msg, residentId, keyword, changed, queued }) => ({ msg, residentId, keyword, changed, queued }))).toEqual([
      { msg: 'SMS opt-out keyword', residentId: r.id, keyword: 'stop', changed: true, queued: undefined },
      { msg: 'SMS opt-out keyword', residentId: emailOnly.id, keyword: 'stop', changed: false, queued: undefined },
      { msg: 'SMS opt-out keyword', residentId: r.id, keyword: 'start', changed: true, queued: undefined },
      { msg: 'SMS keyword', residentId: r.id, keyword: 'manage', changed: undefined, queued: true },
    ]);
  });
});
