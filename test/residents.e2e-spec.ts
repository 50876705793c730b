import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { LinkTokenService } from '@beacon/auth';
import { ResidentLinksService } from '@beacon/residents';
import type { SignUpDto } from '../libs/residents/src/residents.dto';
import { SmsInboundService } from '../libs/engagement/src/sms-inbound.service';
import { SignUpService } from '../libs/residents/src/sign-up.service';
import { UnverifiedPurgeService } from '../libs/residents/src/unverified-purge.service';
import { makeResident } from './utils/factories';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { waitUntil, type CapturedMail } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs, TEST_SECRETS } from './utils/test-app';
import { type StubSms } from './utils/twilio-stub';

const RESIDENT_TABLES = ['resident', 'resident_channel', 'resident_topic', 'resident_interest', 'resident_sms_code'];
const ALL_TOPICS = ['anti_social_behaviour', 'appeals', 'crime_alerts', 'crime_prevention', 'events', 'fraud_scams', 'meetings', 'road_safety'];

describe('residents API', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let seq = 0;

  // Sign-ups from one test IP would trip the per-IP limit; the limit has its own test.
  beforeEach(async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
  });

  const uniqueEmail = (tag = 'res') => `${tag}.${++seq}.${Date.now()}@example.org`;
  // 07911 1234xx are valid UK mobile numbers (libphonenumber-js); unique per test.
  const uniquePhone = () => `07911 12${String(1000 + ++seq).slice(-4)}`;
  const e164 = (national: string) => `+44${national.replace(/\s/g, '').slice(1)}`;

  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of [...RESIDENT_TABLES, 'pgboss.job']) {
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      out[table] = n;
    }
    return out;
  };
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const waitMail = async (address: string, n = 1): Promise<CapturedMail> => {
    await waitUntil(() => mailsTo(address).length >= n, 20_000, `${n} e-mail(s) to ${address}`);
    return mailsTo(address)[n - 1];
  };
  // "Nothing more was sent" is read from the queue: no reminder (it decides what to send) and no
  // notification job still waiting or running, so every e-mail queued has reached the sink.
  const notificationsSettled = () =>
    waitUntil(
      async () =>
        (
          await t.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('resident-reminder', 'notify-email', 'notify-sms') AND state IN ('created', 'retry', 'active')`,
          )
        )[0].n === 0,
      20_000,
      'reminder and notification jobs to settle',
    );
  const smsTo = (phone: string) => stub.messages.filter((m) => m.to === phone);
  const waitSms = async (phone: string, n = 1): Promise<StubSms> => {
    await waitUntil(() => smsTo(phone).length >= n, 20_000, `${n} SMS to ${phone}`);
    return smsTo(phone)[n - 1];
  };
  const tokenIn = (mail: CapturedMail, path: string): string => {
    const m = new RegExp(`http://beacon\\.test${path}\\?token=([A-Za-z0-9_.-]+)`).exec(mail.parsed.text ?? '');
    if (!m) throw new Error(`no ${path} link in: ${mail.parsed.text}`);
    return m[1];
  };
  const codeIn = (sms: StubSms) => /\b(\d{6})\b/.exec(sms.body)![1];
  const signUp = (body: Record<string, unknown>) => t.http().post('/api/v1/residents').send(body);
  const validBody = (over: Record<string, unknown> = {}) => ({
    email: uniqueEmail(),
    firstName: 'Jo',
    lastName: 'Bloggs',
    postcode: 'b33 8th',
    wardCode: 'BE01',
    channels: ['email'],
    consent: true,
    ...over,
  });
  const residentByEmail = async (email: string) => (await t.sql('SELECT * FROM resident WHERE email = $1', [email]))[0];
  const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

  /** Signs up by e-mail and follows the verification link; returns the resident's id and bearer token. */
  async function activeResident(over: Record<string, unknown> = {}): Promise<{ id: string; email: string; token: string }> {
    const body = validBody(over);
    await signUp(body).expect(202);
    const email = String(body.email).trim().toLowerCase();
    const verify = await t.http().post('/api/v1/residents/verify').send({ token: tokenIn(await waitMail(email), '/verify') }).expect(200);
    const row = await residentByEmail(email);
    return { id: String(row.id), email, token: verify.body.accessToken };
  }

  describe('sign-up by e-mail', () => {
    it('stores a pending resident, e-mails a link, and the link activates them', async () => {
      const email = uniqueEmail('Mixed.Case');
      const res = await signUp(
        validBody({
          email: `  ${email.toUpperCase()} `,
          interestGroups: ['dog_walker', 'parent'],
          source: 'door_knock',
          campaignCode: 'SPRING-24',
          demographics: { ageBand: '35-44', ethnicity: 'mixed', language: 'Polish' },
        }),
      ).expect(202);
      expect(res.body).toEqual({ status: 'pending_verification' });

      const row = await residentByEmail(email.toLowerCase());
      expect(row).toMatchObject({
        email: email.toLowerCase(),
        first_name: 'Jo',
        last_name: 'Bloggs',
        postcode: 'B33 8TH',
        ward_code: 'BE01',
        status: 'pending',
        source: 'door_knock',
        campaign_code: 'SPRING-24',
        age_band: '35-44',
        ethnicity: 'mixed',
        language: 'Polish',
        email_verified_at: null,
        activated_at: null,
        phone_e164: null,
      });
      expect(row.consent_at).toBeInstanceOf(Date);
      const id = String(row.id);
      expect(await t.sql('SELECT channel, enabled, min_priority FROM resident_channel WHERE resident_id = $1', [id])).toEqual([
        { channel: 'email', enabled: true, min_priority: 'information' },
      ]);
      const topics = await t.sql<{ topic: string }>('SELECT topic FROM resident_topic WHERE resident_id = $1 ORDER BY topic', [id]);
      expect(topics.map((r) => r.topic)).toEqual(ALL_TOPICS); // no topics given = all topics
      const interests = await t.sql<{ g: string }>('SELECT interest_group AS g FROM resident_interest WHERE resident_id = $1 ORDER BY 1', [id]);
      expect(interests.map((r) => r.g)).toEqual(['dog_walker', 'parent']);

      const mail = await waitMail(email.toLowerCase());
      expect(mail.parsed.subject).toBe('Confirm your email address for Beacon');
      const token = tokenIn(mail, '/verify');
      expect(mail.parsed.html).toContain(`http://beacon.test/verify?token=${token}`);

      const verified = await t.http().post('/api/v1/residents/verify').send({ token }).expect(200);
      expect(verified.body).toEqual({ status: 'active', accessToken: expect.any(String) });
      const after = await residentByEmail(email.toLowerCase());
      expect(after.status).toBe('active');
      expect(after.email_verified_at).toBeInstanceOf(Date);
      expect(after.activated_at).toBeInstanceOf(Date);

      // The link works again (people click twice) but activation keeps its first date.
      await t.http().post('/api/v1/residents/verify').send({ token }).expect(200);
      const again = await residentByEmail(email.toLowerCase());
      expect(again.activated_at).toEqual(after.activated_at);

      const me = await t.http().get('/api/v1/me').set(...bearer(verified.body.accessToken)).expect(200);
      expect(me.body).toMatchObject({
        id,
        status: 'active',
        email: email.toLowerCase(),
        emailVerified: true,
        phone: null,
        firstName: 'Jo',
        wardCode: 'BE01',
        ward: { code: 'BE01', name: 'Hodge Hill', npuCode: 'BE' },
        channels: [{ channel: 'email', enabled: true, verified: true, minPriority: 'information', suspended: false }],
        topics: ALL_TOPICS,
        interestGroups: ['dog_walker', 'parent'],
        demographics: { ageBand: '35-44', ethnicity: 'mixed', language: 'Polish' },
        quietStart: null,
        quietEnd: null,
      });
    });

    it('a verification link for an address the resident has since changed no longer works', async () => {
      const r = await activeResident();
      const links = t.app.get(LinkTokenService);
      const stale = links.sign('verify-email', { r: r.id, a: 'old.address@example.org' }, 3600);
      await t.http().post('/api/v1/residents/verify').send({ token: stale }).expect(400);
    });

    it('rejects tampered and expired verification links', async () => {
      const r = await activeResident();
      const links = t.app.get(LinkTokenService);
      const good = links.sign('verify-email', { r: r.id, a: r.email }, 3600);
      const [body, mac] = good.split('.');
      await t.http().post('/api/v1/residents/verify').send({ token: `${body}x.${mac}` }).expect(400);
      await t.http().post('/api/v1/residents/verify').send({ token: links.sign('verify-email', { r: r.id, a: r.email }, -60) }).expect(410);
      // A link for another purpose is not a verification link.
      await t.http().post('/api/v1/residents/verify').send({ token: links.sign('unsubscribe', { r: r.id, c: 'all' }, 3600) }).expect(400);
    });
  });

  describe('sign-up by SMS', () => {
    it('texts a 6-digit code, stored only as a hash, that activates the resident', async () => {
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      const [row] = await t.sql('SELECT * FROM resident WHERE phone_e164 = $1', [e164(phone)]);
      expect(row).toMatchObject({ status: 'pending', email: null, phone_verified_at: null });
      const sms = await waitSms(e164(phone));
      const code = codeIn(sms);
      expect(sms.body).toContain('expires in 15 minutes');
      const [stored] = await t.sql<{ code_hash: string; attempts: number; expires_at: Date }>(
        'SELECT code_hash, attempts, expires_at FROM resident_sms_code WHERE resident_id = $1',
        [row.id],
      );
      expect(stored.code_hash).not.toContain(code);
      expect(stored.code_hash.length).toBeGreaterThanOrEqual(40);
      expect(stored.attempts).toBe(0);
      const minutes = (stored.expires_at.getTime() - Date.now()) / 60_000;
      expect(minutes).toBeGreaterThan(14);
      expect(minutes).toBeLessThanOrEqual(15);

      const res = await t.http().post('/api/v1/residents/verify').send({ phone: `+44 ${phone.slice(1)}`, code }).expect(200);
      expect(res.body).toEqual({ status: 'active', accessToken: expect.any(String) });
      const [after] = await t.sql('SELECT status, phone_verified_at, activated_at FROM resident WHERE id = $1', [row.id]);
      expect(after.status).toBe('active');
      expect(after.phone_verified_at).toBeInstanceOf(Date);
      expect(after.activated_at).toBeInstanceOf(Date);
      expect(await t.sql('SELECT 1 FROM resident_sms_code WHERE resident_id = $1', [row.id])).toHaveLength(0);
      const me = await t.http().get('/api/v1/me').set(...bearer(res.body.accessToken)).expect(200);
      expect(me.body.channels).toEqual([{ channel: 'sms', enabled: true, verified: true, minPriority: 'information', suspended: false }]);
    });

    it('counts wrong codes; the sixth attempt is refused even with the right code; a new sign-up issues a new code', async () => {
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      const code = codeIn(await waitSms(e164(phone)));
      const wrong = code === '000000' ? '111111' : '000000';
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE phone_e164 = $1', [e164(phone)]);
      for (let i = 1; i <= 5; i++) {
        const res = await t.http().post('/api/v1/residents/verify').send({ phone, code: wrong }).expect(400);
        expect(res.body.message).toMatch(/code/i);
        const [{ attempts }] = await t.sql<{ attempts: number }>('SELECT attempts FROM resident_sms_code WHERE resident_id = $1', [id]);
        expect(attempts).toBe(i);
      }
      await t.http().post('/api/v1/residents/verify').send({ phone, code }).expect(400);
      const [still] = await t.sql('SELECT status, phone_verified_at FROM resident WHERE id = $1', [id]);
      expect(still).toEqual({ status: 'pending', phone_verified_at: null });

      // Signing up again issues a fresh code with fresh attempts; the old code is dead.
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      const fresh = codeIn(await waitSms(e164(phone), 2));
      const [{ attempts }] = await t.sql<{ attempts: number }>('SELECT attempts FROM resident_sms_code WHERE resident_id = $1', [id]);
      expect(attempts).toBe(0);
      if (fresh !== code) await t.http().post('/api/v1/residents/verify').send({ phone, code }).expect(400);
      await t.http().post('/api/v1/residents/verify').send({ phone, code: fresh }).expect(200);
      expect((await t.sql('SELECT status FROM resident WHERE id = $1', [id]))[0].status).toBe('active');
    });

    it('refuses an expired code', async () => {
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      const code = codeIn(await waitSms(e164(phone)));
      await t.sql(`UPDATE resident_sms_code SET expires_at = now() - interval '1 second' FROM resident r WHERE r.id = resident_id AND r.phone_e164 = $1`, [
        e164(phone),
      ]);
      const res = await t.http().post('/api/v1/residents/verify').send({ phone, code }).expect(400);
      expect(res.body.message).toMatch(/code/i);
      expect((await t.sql('SELECT status FROM resident WHERE phone_e164 = $1', [e164(phone)]))[0].status).toBe('pending');
    });

    it('answers an unknown phone exactly like a wrong code', async () => {
      const res = await t.http().post('/api/v1/residents/verify').send({ phone: '07911 777777', code: '123456' }).expect(400);
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      const code = codeIn(await waitSms(e164(phone)));
      const wrong = await t.http().post('/api/v1/residents/verify').send({ phone, code: code === '999999' ? '888888' : '999999' }).expect(400);
      expect(res.body.message).toBe(wrong.body.message);
    });

    it('re-sends a code on request, always answering 202', async () => {
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      await waitSms(e164(phone));
      const known = await t.http().post('/api/v1/residents/verify/resend').send({ phone }).expect(202);
      const unknown = await t.http().post('/api/v1/residents/verify/resend').send({ phone: '07911 777777' }).expect(202);
      expect(known.body).toEqual(unknown.body);
      await waitSms(e164(phone), 2);
    });
  });

  describe('duplicates', () => {
    it('the same e-mail again: same answer, one resident, a second verification e-mail, no overwrite', async () => {
      const body = validBody({ firstName: 'Original' });
      const first = await signUp(body).expect(202);
      const second = await signUp({ ...body, email: String(body.email).toUpperCase(), firstName: 'Impostor', wardCode: 'SW01' }).expect(202);
      expect(second.body).toEqual(first.body);
      const rows = await t.sql('SELECT first_name, ward_code FROM resident WHERE email = $1', [body.email]);
      expect(rows).toEqual([{ first_name: 'Original', ward_code: 'BE01' }]);
      const mail = await waitMail(String(body.email), 2);
      expect(tokenIn(mail, '/verify')).toBeTruthy();
    });

    it('an already active resident gets a "you are already subscribed" e-mail with a sign-in link instead', async () => {
      const r = await activeResident({ firstName: 'Settled' });
      const res = await signUp(validBody({ email: r.email, firstName: 'Changed', channels: ['email'] })).expect(202);
      expect(res.body).toEqual({ status: 'pending_verification' });
      const mail = await waitMail(r.email, 2);
      expect(mail.parsed.subject).toBe('You are already signed up to Beacon');
      const token = tokenIn(mail, '/me');
      const exchanged = await t.http().post('/api/v1/auth/resident/exchange').send({ token }).expect(200);
      await t.http().get('/api/v1/me').set(...bearer(exchanged.body.accessToken)).expect(200);
      expect((await residentByEmail(r.email)).first_name).toBe('Settled');
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE email = $1', [r.email])).toEqual([{ n: 1 }]);
    });

    it('the same phone again does not create a second resident', async () => {
      const phone = uniquePhone();
      await signUp(validBody({ email: undefined, phone, channels: ['sms'] })).expect(202);
      await signUp(validBody({ email: undefined, phone: e164(phone), channels: ['sms'] })).expect(202);
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE phone_e164 = $1', [e164(phone)])).toEqual([{ n: 1 }]);
      await waitSms(e164(phone), 2);
    });
  });

  describe('bad input: 400 naming the field, nothing stored, nothing sent', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['bad phone', { phone: '0121 496 0000', channels: ['email', 'sms'] }, 'phone'],
      ['not a phone', { phone: 'call me', channels: ['email', 'sms'] }, 'phone'],
      ['foreign number', { phone: '+33 6 12 34 56 78', channels: ['email', 'sms'] }, 'phone'],
      ['bad email', { email: 'not-an-email' }, 'email'],
      ['sms without phone', { channels: ['sms'] }, 'phone'],
      ['email channel without email', { email: undefined, phone: '07911 123999', channels: ['email'] }, 'email'],
      ['no channels', { channels: [] }, 'channels'],
      ['unknown channel', { channels: ['pigeon'] }, 'channels'],
      ['unknown ward', { wardCode: 'ZZ99' }, 'wardCode'],
      ['unknown topic', { topics: ['crime_alerts', 'gossip'] }, 'topics'],
      ['unknown interest', { interestGroups: ['astronaut'] }, 'interestGroups'],
      ['unknown source', { source: 'carrier_pigeon' }, 'source'],
      ['unknown field', { favouriteColour: 'blue' }, 'favouriteColour'],
      ['unknown demographic field', { demographics: { shoeSize: 9 } }, 'shoeSize'],
      ['bad age band', { demographics: { ageBand: '12' } }, 'ageBand'],
      ['bad ethnicity', { demographics: { ethnicity: 'martian' } }, 'ethnicity'],
      ['language too long', { demographics: { language: 'x'.repeat(41) } }, 'language'],
      ['consent false', { consent: false }, 'consent'],
      ['consent as a string', { consent: 'true' }, 'consent'],
      ['consent missing', { consent: undefined }, 'consent'],
      ['no first name', { firstName: '  ' }, 'firstName'],
      ['first name too long', { firstName: 'x'.repeat(81) }, 'firstName'],
      ['control characters in a name', { lastName: 'Bad\u0000Name' }, 'lastName'],
      // Issue 14, finding 17: names with no visible character (shown as nothing to staff and in e-mails).
      ['a first name of only a zero-width space', { firstName: '\u200B' }, 'firstName'],
      ['a first name of only format characters', { firstName: '\u200B\u200D\u2060\uFEFF\u202E' }, 'firstName'],
      ['a last name of only a Hangul filler and spaces', { lastName: '\u3164 \u00A0' }, 'lastName'],
      ['a language of only combining marks', { demographics: { language: '\u0301\u034F' } }, 'language'],
      ['bad postcode', { postcode: 'NOT A POSTCODE' }, 'postcode'],
      ['bad campaign code', { campaignCode: 'spaces are bad' }, 'campaignCode'],
    ];
    it.each(cases)('%s', async (_name, over, field) => {
      const before = await counts();
      const res = await signUp(validBody(over)).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(field);
      expect(await counts()).toEqual(before);
    });
  });

  describe('magic links', () => {
    it('e-mails a sign-in link to a known address; the token exchanges for a resident bearer token', async () => {
      const r = await activeResident();
      const res = await t.http().post('/api/v1/auth/resident/magic-link').send({ email: r.email.toUpperCase() }).expect(202);
      const unknown = await t.http().post('/api/v1/auth/resident/magic-link').send({ email: uniqueEmail('nobody') }).expect(202);
      expect(res.body).toEqual(unknown.body);
      const mail = await waitMail(r.email, 2);
      expect(mail.parsed.subject).toBe('Your Beacon sign-in link');
      const exchanged = await t.http().post('/api/v1/auth/resident/exchange').send({ token: tokenIn(mail, '/me') }).expect(200);
      expect(exchanged.body).toEqual({ accessToken: expect.any(String) });
      const me = await t.http().get('/api/v1/me').set(...bearer(exchanged.body.accessToken)).expect(200);
      expect(me.body.id).toBe(r.id);
    });

    it('rejects tampered, expired and wrong-purpose tokens', async () => {
      const r = await activeResident();
      const links = t.app.get(LinkTokenService);
      const good = links.sign('magic-link', { r: r.id, a: r.email }, 600);
      await t.http().post('/api/v1/auth/resident/exchange').send({ token: good.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }).expect(400);
      await t.http().post('/api/v1/auth/resident/exchange').send({ token: links.sign('magic-link', { r: r.id, a: r.email }, -1) }).expect(410);
      await t.http().post('/api/v1/auth/resident/exchange').send({ token: links.sign('verify-email', { r: r.id, a: r.email }, 600) }).expect(400);
      await t.http().post('/api/v1/auth/resident/exchange').send({ token: 'garbage' }).expect(400);
    });

    it('a staff token is not a resident token and vice versa', async () => {
      const r = await activeResident();
      const eco = await loginAs(t, 'eco', 'BE');
      await t.http().get('/api/v1/me').set(...eco.auth).expect(401);
      await t.http().get('/api/v1/residents').set(...bearer(r.token)).expect(401);
      await t.http().get('/api/v1/me').expect(401);
    });

    it('is rate limited per address', async () => {
      const email = uniqueEmail('limited');
      const statuses: number[] = [];
      await awayFromWindowEdge(3600, 20_000);
      for (let i = 0; i < 7; i++) statuses.push((await t.http().post('/api/v1/auth/resident/magic-link').send({ email })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    }, 120_000);
  });

  // Issue 14, finding 2: an attacker signed up with their own e-mail and the victim's phone and
  // verified the e-mail; the victim's later sign-up dropped the victim's e-mail and its SMS code
  // verified the phone into the attacker's record. Rule (libs/residents/README.md): an unverified
  // address is a claim that blocks and reveals nobody; a sign-up's code or link verifies into the
  // record that sign-up made; verifying an address moves it out of every other record.
  describe('address claims: pre-registering an address gains nothing', () => {
    const meOf = async (token: string) => (await t.http().get('/api/v1/me').set(...bearer(token)).expect(200)).body;
    // Sign-in-link and resend requests are decided by a job (finding 9): wait until it has run.
    const remindersDone = () =>
      waitUntil(
        async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'resident-reminder' AND state IN ('created', 'retry', 'active')`))[0].n === 0,
        20_000,
        'resident-reminder jobs to finish',
      );

    it('attacker: own e-mail + victim phone, verifies the e-mail; the victim signs up later and gets their own record', async () => {
      const victimPhone = uniquePhone();
      const attacker = await activeResident({ phone: victimPhone, channels: ['email', 'sms'] });
      const unsolicited = codeIn(await waitSms(e164(victimPhone)));
      const victimEmail = uniqueEmail('victim');
      await signUp(validBody({ email: victimEmail, phone: victimPhone, firstName: 'Victim', channels: ['email', 'sms'] })).expect(202);
      const [victim] = await t.sql<{ id: string; phone_e164: string }>('SELECT id, phone_e164 FROM resident WHERE email = $1', [victimEmail]);
      expect(victim).toEqual({ id: expect.any(String), phone_e164: e164(victimPhone) }); // the victim's e-mail is not dropped
      // No unauthenticated request issues a code for the attacker's (verified) record: one new SMS, the victim's.
      await t.http().post('/api/v1/residents/verify/resend').send({ phone: victimPhone }).expect(202);
      const own = codeIn(await waitSms(e164(victimPhone), 2));
      const resent = codeIn(await waitSms(e164(victimPhone), 3));
      const res = await t.http().post('/api/v1/residents/verify').send({ phone: victimPhone, code: resent === own ? own : resent }).expect(200);
      expect((await meOf(res.body.accessToken)).id).toBe(victim.id);
      expect(await t.sql('SELECT phone_e164, phone_verified_at IS NOT NULL AS v FROM resident WHERE id = $1', [victim.id])).toEqual([{ phone_e164: e164(victimPhone), v: true }]);
      // The attacker's record lost the phone, and the code sent at the attacker's sign-up is dead.
      expect(await meOf(attacker.token)).toMatchObject({ phone: null, phoneVerified: false, email: attacker.email });
      expect(await t.sql(`SELECT enabled FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`, [attacker.id])).toEqual([{ enabled: false }]);
      if (unsolicited !== own && unsolicited !== resent) await t.http().post('/api/v1/residents/verify').send({ phone: victimPhone, code: unsolicited }).expect(400);
      expect(await t.sql('SELECT phone_e164 FROM resident WHERE id = $1', [attacker.id])).toEqual([{ phone_e164: null }]);
    });

    it('attacker: own phone + victim e-mail, verifies the phone; the victim signs up later and gets their own record', async () => {
      const attackerPhone = uniquePhone();
      const victimEmail = uniqueEmail('victim');
      await signUp(validBody({ email: victimEmail, phone: attackerPhone, channels: ['email', 'sms'] })).expect(202);
      const attackerLink = tokenIn(await waitMail(victimEmail), '/verify');
      const attacker = await t.http().post('/api/v1/residents/verify').send({ phone: attackerPhone, code: codeIn(await waitSms(e164(attackerPhone))) }).expect(200);
      const attackerId = (await meOf(attacker.body.accessToken)).id;
      // A magic link or resend for the victim's address sends nothing for the attacker's record.
      await t.http().post('/api/v1/auth/resident/magic-link').send({ email: victimEmail }).expect(202);
      await t.http().post('/api/v1/residents/verify/resend').send({ email: victimEmail }).expect(202);
      await remindersDone();
      await signUp(validBody({ email: victimEmail, firstName: 'Victim' })).expect(202);
      const mail = await waitMail(victimEmail, 2);
      await notificationsSettled();
      expect(mailsTo(victimEmail)).toHaveLength(2);
      const res = await t.http().post('/api/v1/residents/verify').send({ token: tokenIn(mail, '/verify') }).expect(200);
      const victim = await meOf(res.body.accessToken);
      expect(victim).toMatchObject({ email: victimEmail, emailVerified: true, phone: null, firstName: 'Victim' });
      expect(victim.id).not.toBe(attackerId);
      expect(await meOf(attacker.body.accessToken)).toMatchObject({ id: attackerId, email: null, phone: e164(attackerPhone) });
      // The link the attacker's sign-up sent no longer verifies anything.
      await t.http().post('/api/v1/residents/verify').send({ token: attackerLink }).expect(400);
      expect(await t.sql('SELECT email FROM resident WHERE id = $1', [attackerId])).toEqual([{ email: null }]);
    });

    it("victim first (not yet verified), then the attacker names the victim's phone: the victim's code still verifies into the victim's record", async () => {
      const victimPhone = uniquePhone();
      const victimEmail = uniqueEmail('victim');
      await signUp(validBody({ email: victimEmail, phone: victimPhone, firstName: 'Victim', channels: ['email', 'sms'] })).expect(202);
      const own = codeIn(await waitSms(e164(victimPhone)));
      const attackerEmail = uniqueEmail('attacker');
      await signUp(validBody({ email: attackerEmail, phone: victimPhone, channels: ['email', 'sms'] })).expect(202);
      // The attacker's sign-up made its own record: it did not join (or change) the victim's.
      const rows = await t.sql<{ email: string }>('SELECT email FROM resident WHERE phone_e164 = $1 ORDER BY created_at', [e164(victimPhone)]);
      expect(rows.map((r) => r.email)).toEqual([victimEmail, attackerEmail]);
      const res = await t.http().post('/api/v1/residents/verify').send({ phone: victimPhone, code: own }).expect(200);
      expect(await meOf(res.body.accessToken)).toMatchObject({ email: victimEmail, phone: e164(victimPhone), phoneVerified: true });
      // The attacker's unverified record lost its claim on the phone (an unverified sign-up that lost an address is gone).
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE phone_e164 = $1', [e164(victimPhone)])).toEqual([{ n: 1 }]);
      // The attacker's record is gone, so nothing verifies into it: the confirmation e-mail is
      // rendered when its job runs (ids in the queue), so it goes out only if it ran before the
      // victim verified, and then its link is dead.
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE email = $1', [attackerEmail])).toEqual([{ n: 0 }]);
      await waitUntil(
        async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notify-email' AND state IN ('created', 'retry', 'active')`))[0].n === 0,
        20_000,
        'notification jobs settled',
      );
      for (const mail of mailsTo(attackerEmail)) await t.http().post('/api/v1/residents/verify').send({ token: tokenIn(mail, '/verify') }).expect(400);
    });

    it("a claim on someone's verified number never takes their texts: STOP from the number reaches the verified holder", async () => {
      const victimPhone = uniquePhone();
      const victim = await activeResident({ phone: victimPhone, channels: ['email', 'sms'] });
      await t.http().post('/api/v1/residents/verify').send({ phone: victimPhone, code: codeIn(await waitSms(e164(victimPhone))) }).expect(200);
      // The attacker claims the number through PATCH /me (answered as for a free number, finding 10), several times.
      for (let i = 0; i < 3; i++) {
        const attacker = await activeResident();
        await t.http().patch('/api/v1/me').set(...bearer(attacker.token)).send({ phone: victimPhone, channels: [{ channel: 'sms', enabled: true }] }).expect(200);
      }
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE phone_e164 = $1', [e164(victimPhone)])).toEqual([{ n: 4 }]);
      // The victim edits their profile: their row's newest version now lies after the claims (whatever the scan order).
      await t.http().patch('/api/v1/me').set(...bearer(victim.token)).send({ firstName: 'Victim' }).expect(200);
      await t.sql('VACUUM resident');
      await t.app.get(SmsInboundService).receive({ from: e164(victimPhone), body: 'STOP' });
      expect(await t.sql(`SELECT enabled FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`, [victim.id])).toEqual([{ enabled: false }]);
    });

    it("victim first and verified, then the attacker names the victim's e-mail: nothing is created, the victim is reminded", async () => {
      const victim = await activeResident();
      const attackerPhone = uniquePhone();
      const before = await counts();
      await signUp(validBody({ email: victim.email, phone: attackerPhone, channels: ['email', 'sms'] })).expect(202);
      expect((await waitMail(victim.email, 2)).parsed.subject).toBe('You are already signed up to Beacon');
      expect((await counts()).resident).toBe(before.resident);
      expect(await meOf(victim.token)).toMatchObject({ email: victim.email, phone: null });
    });
  });

  describe('sign-up under concurrent load (concurrent sign-ups share one transaction)', () => {
    // Each request must get the answer, rows and messages it would get alone: new addresses a
    // pending resident and one verification each; a known address (in the database or earlier in
    // the same burst) the same 202 and a reminder; an unknown ward a 400 whoever holds the address.
    it('answers and stores every sign-up of a burst as if they came one at a time', async () => {
      const verified = await activeResident();
      const pending = validBody();
      await signUp(pending).expect(202);
      await waitMail(String(pending.email));

      const fresh: Record<string, unknown>[] = Array.from({ length: 15 }, (_, i) =>
        validBody(i % 3 === 0 ? { topics: ['events', 'appeals'] } : i % 3 === 1 ? { interestGroups: ['parent'] } : { wardCode: 'SW01' }),
      );
      const twice = validBody();
      const phone = uniquePhone();
      const bySms = validBody({ email: undefined, phone, channels: ['sms'] });
      const badWard = validBody({ wardCode: 'NOPE' });
      const badWardKnownAddress = validBody({ email: verified.email, wardCode: 'NOPE' });
      const before = await counts();

      const bodies = [...fresh, twice, { ...twice, firstName: 'Again' }, validBody({ email: verified.email }), { ...pending }, bySms, badWard, badWardKnownAddress];
      const res = await Promise.all(bodies.map((b) => signUp(b)));
      const wardError = { statusCode: 400, error: 'Bad Request', message: 'Validation failed: wardCode NOPE is not a known ward', details: ['wardCode NOPE is not a known ward'], code: 'VALIDATION' };
      expect(res.map((r) => r.status)).toEqual([...Array(bodies.length - 2).fill(202), 400, 400]);
      res.slice(0, -2).forEach((r) => expect(r.body).toEqual({ status: 'pending_verification' }));
      expect(res.slice(-2).map((r) => r.body)).toEqual([wardError, wardError]);

      for (const b of fresh) {
        const row = await residentByEmail(String(b.email));
        expect(row).toMatchObject({ status: 'pending', ward_code: b.wardCode, first_name: 'Jo', last_name: 'Bloggs', postcode: 'B33 8TH' });
        const id = String(row.id);
        const topics = await t.sql<{ topic: string }>('SELECT topic FROM resident_topic WHERE resident_id = $1 ORDER BY topic', [id]);
        expect(topics.map((r) => r.topic)).toEqual(b.topics ? ['appeals', 'events'] : ALL_TOPICS);
        const interests = await t.sql<{ g: string }>('SELECT interest_group AS g FROM resident_interest WHERE resident_id = $1', [id]);
        expect(interests.map((r) => r.g)).toEqual(b.interestGroups ? ['parent'] : []);
        expect(await t.sql('SELECT channel, enabled FROM resident_channel WHERE resident_id = $1', [id])).toEqual([{ channel: 'email', enabled: true }]);
      }
      const [smsRow] = await t.sql<{ id: string; status: string }>('SELECT id, status FROM resident WHERE phone_e164 = $1', [e164(phone)]);
      expect(smsRow.status).toBe('pending');
      expect(await t.sql('SELECT channel FROM resident_channel WHERE resident_id = $1', [smsRow.id])).toEqual([{ channel: 'sms' }]);
      expect(await t.sql('SELECT count(*)::int AS n FROM resident_sms_code WHERE resident_id = $1', [smsRow.id])).toEqual([{ n: 1 }]);
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE email = $1', [twice.email])).toEqual([{ n: 1 }]);
      expect(['Jo', 'Again']).toContain((await residentByEmail(String(twice.email))).first_name); // whichever came first

      const after = await counts();
      // 15 fresh + twice + SMS: residents; one job per accepted request (the known addresses get reminders).
      expect(after.resident - before.resident).toBe(17);
      expect(after['pgboss.job'] - before['pgboss.job']).toBe(bodies.length - 2);
      for (const b of fresh) expect((await waitMail(String(b.email))).parsed.subject).toBe('Confirm your email address for Beacon');
      expect((await waitMail(String(twice.email), 2)).parsed.subject).toBe('Confirm your email address for Beacon');
      expect((await waitMail(verified.email, 2)).parsed.subject).toBe('You are already signed up to Beacon');
      expect((await waitMail(String(pending.email), 2)).parsed.subject).toBe('Confirm your email address for Beacon');
      expect(codeIn(await waitSms(e164(phone)))).toMatch(/^\d{6}$/);
      await notificationsSettled();
      expect(mailsTo(String(badWard.email))).toEqual([]);
      expect(mailsTo(verified.email)).toHaveLength(2);
      expect(mailsTo(String(twice.email))).toHaveLength(2);
    });
  });

  describe('sign-ups in one shared transaction', () => {
    // Calls made in the same tick always share one transaction: the same address twice in one
    // INSERT, an SMS code replaced within the batch, and a bad ward next to good sign-ups.
    it('the same address twice, an SMS number twice and an unknown ward: each as if alone, in order', async () => {
      const signUps = t.app.get(SignUpService);
      const email = uniqueEmail('batch');
      const phone = e164(uniquePhone());
      const base = { firstName: 'Jo', wardCode: 'BE01', consent: true } as const;
      const results = await Promise.allSettled([
        signUps.signUp({ ...base, email, channels: ['email'] } as SignUpDto),
        signUps.signUp({ ...base, email, firstName: 'Second', channels: ['email'] } as SignUpDto),
        signUps.signUp({ ...base, phone, channels: ['sms'] } as SignUpDto),
        signUps.signUp({ ...base, phone, channels: ['sms'] } as SignUpDto),
        signUps.signUp({ ...base, email: uniqueEmail('nowhere'), wardCode: 'NOPE', channels: ['email'] } as SignUpDto),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
        ...Array(4).fill({ status: 'pending_verification' }),
        'Validation failed: wardCode NOPE is not a known ward',
      ]);
      expect((await t.sql('SELECT first_name, status FROM resident WHERE email = $1', [email]))).toEqual([{ first_name: 'Jo', status: 'pending' }]);
      expect((await waitMail(email, 2)).parsed.subject).toBe('Confirm your email address for Beacon');
      // Two texts, one resident, one stored code: the later code replaced the earlier, as one
      // request later would (the texts may arrive in either order, so match them to the hash).
      const codes = [codeIn(await waitSms(phone, 1)), codeIn(await waitSms(phone, 2))];
      const [holder] = await t.sql<{ id: string }>('SELECT id FROM resident WHERE phone_e164 = $1', [phone]);
      expect(await t.sql('SELECT count(*)::int AS n FROM resident WHERE phone_e164 = $1', [phone])).toEqual([{ n: 1 }]);
      const [{ code_hash }] = await t.sql<{ code_hash: string }>('SELECT code_hash FROM resident_sms_code WHERE resident_id = $1', [holder.id]);
      const hashOf = (code: string) => createHmac('sha256', TEST_SECRETS.LINK_SECRET).update(`sms-code:${holder.id}:${code}`).digest('base64url');
      const valid = codes.filter((c) => hashOf(c) === code_hash);
      expect(valid).toHaveLength(codes[0] === codes[1] ? 2 : 1); // (the same six digits twice: one in a million)
      for (const c of codes.filter((c) => !valid.includes(c))) await t.http().post('/api/v1/residents/verify').send({ phone, code: c }).expect(400);
      await t.http().post('/api/v1/residents/verify').send({ phone, code: valid[0] }).expect(200);
    });
  });

  describe('sign-up rate limits', () => {
    it('limits sign-ups naming one address', async () => {
      const body = validBody();
      const statuses: number[] = [];
      await awayFromWindowEdge(3600, 20_000);
      for (let i = 0; i < 6; i++) statuses.push((await signUp(body)).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    }, 120_000);

    it('limits sign-ups from one IP', async () => {
      const statuses: number[] = [];
      await awayFromWindowEdge(3600, 30_000);
      for (let i = 0; i < 61; i++) statuses.push((await signUp(validBody({ wardCode: 'NOPE' }))).status);
      expect(statuses).toEqual([...Array<number>(60).fill(400), 429]);
    }, 120_000);
  });

  describe('self-service: /me', () => {
    it('updates preferences, ward, topics, interests, quiet hours and per-channel priority', async () => {
      const r = await activeResident();
      const res = await t
        .http()
        .patch('/api/v1/me')
        .set(...bearer(r.token))
        .send({
          wardCode: 'BE03',
          topics: ['appeals', 'road_safety'],
          interestGroups: ['cctv_owner'],
          quietStart: '22:00',
          quietEnd: '07:30',
          channels: [{ channel: 'email', minPriority: 'standard' }],
          demographics: { ageBand: '65-74', ethnicity: 'prefer_not_to_say' },
          firstName: 'Joanna',
        })
        .expect(200);
      expect(res.body).toMatchObject({
        wardCode: 'BE03',
        topics: ['appeals', 'road_safety'],
        interestGroups: ['cctv_owner'],
        quietStart: '22:00',
        quietEnd: '07:30',
        firstName: 'Joanna',
        channels: [{ channel: 'email', enabled: true, verified: true, minPriority: 'standard', suspended: false }],
        demographics: { ageBand: '65-74', ethnicity: 'prefer_not_to_say', language: null },
      });
      const [row] = await t.sql('SELECT ward_code, quiet_start, quiet_end, first_name FROM resident WHERE id = $1', [r.id]);
      expect(row).toEqual({ ward_code: 'BE03', quiet_start: '22:00:00', quiet_end: '07:30:00', first_name: 'Joanna' });
      await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ quietStart: null, quietEnd: null }).expect(200);
      expect((await t.sql('SELECT quiet_start FROM resident WHERE id = $1', [r.id]))[0].quiet_start).toBeNull();
    });

    it('rejects bad updates without changing anything', async () => {
      const r = await activeResident();
      const before = await t.sql('SELECT * FROM resident WHERE id = $1', [r.id]);
      const bad: Record<string, unknown>[] = [
        { quietStart: '22:00' },
        { quietStart: '25:00', quietEnd: '07:00' },
        { wardCode: 'ZZ99', topics: ['appeals'] },
        { topics: ['gossip'] },
        { channels: [{ channel: 'sms', enabled: true }] }, // no phone on file
        { channels: [{ channel: 'email', minPriority: 'whenever' }] },
        { phone: '0121 496 0000' },
        { email: null }, // the only address, and its channel is on
        { status: 'active' },
        { firstName: null },
        { firstName: '\u200B' },
        { lastName: '\u200C\u200D' },
      ];
      for (const body of bad) {
        const res = await t.http().patch('/api/v1/me').set(...bearer(r.token)).send(body);
        expect([res.status, body]).toEqual([400, body]);
      }
      expect(await t.sql('SELECT * FROM resident WHERE id = $1', [r.id])).toEqual(before);
      const topics = await t.sql('SELECT count(*)::int AS n FROM resident_topic WHERE resident_id = $1', [r.id]);
      expect(topics).toEqual([{ n: ALL_TOPICS.length }]);
    });

    it('changing the e-mail address re-verifies it', async () => {
      const r = await activeResident();
      const next = uniqueEmail('moved');
      const res = await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ email: next.toUpperCase() }).expect(200);
      expect(res.body).toMatchObject({ email: next, emailVerified: false });
      expect(res.body.channels[0]).toMatchObject({ channel: 'email', enabled: true, verified: false });
      const token = tokenIn(await waitMail(next), '/verify');
      await t.http().post('/api/v1/residents/verify').send({ token }).expect(200);
      expect((await t.sql('SELECT email_verified_at FROM resident WHERE id = $1', [r.id]))[0].email_verified_at).toBeInstanceOf(Date);
    });

    // Issue 14, finding 10: a 409 "already registered" told anyone signed in whose address is
    // registered. Another resident's address is answered exactly as a free one: it becomes a
    // claim of the caller's record, and only verifying it (the link goes to that address) moves it.
    it("another resident's e-mail or phone: answered as a free address, a claim until verified; verifying moves it", async () => {
      const aPhone = uniquePhone();
      const a = await activeResident({ phone: aPhone, channels: ['email', 'sms'] });
      await t.http().post('/api/v1/residents/verify').send({ phone: aPhone, code: codeIn(await waitSms(e164(aPhone))) }).expect(200);
      const b = await activeResident();
      const c = await activeResident();
      const aBefore = await t.sql('SELECT * FROM resident WHERE id = $1', [a.id]);

      const taken = await t.http().patch('/api/v1/me').set(...bearer(b.token)).send({ email: a.email.toUpperCase() });
      const free = await t.http().patch('/api/v1/me').set(...bearer(c.token)).send({ email: uniqueEmail('free') });
      expect(taken.status).toBe(200);
      expect(free.status).toBe(200);
      const shape = (body: Record<string, unknown>) => ({ ...body, id: 'x', email: 'x', createdAt: 'x', consentAt: 'x', activatedAt: 'x' });
      expect(shape(taken.body)).toEqual(shape(free.body));
      expect(taken.body).toMatchObject({ email: a.email, emailVerified: false });
      // Nothing about A changed, and nothing about A was said.
      expect(await t.sql('SELECT * FROM resident WHERE id = $1', [a.id])).toEqual(aBefore);
      expect(JSON.stringify(taken.body)).not.toContain(a.id);

      // The link reaches the address; following it moves the address to B. A loses it (and its channel).
      const mail = await waitMail(a.email, 2);
      expect(mail.parsed.subject).toBe('Confirm your email address for Beacon');
      await t.http().post('/api/v1/residents/verify').send({ token: tokenIn(mail, '/verify') }).expect(200);
      expect(await t.sql('SELECT email, email_verified_at IS NOT NULL AS v FROM resident WHERE id = $1', [b.id])).toEqual([{ email: a.email, v: true }]);
      expect(await t.sql('SELECT email, email_verified_at FROM resident WHERE id = $1', [a.id])).toEqual([{ email: null, email_verified_at: null }]);
      expect(await t.sql(`SELECT enabled FROM resident_channel WHERE resident_id = $1 AND channel = 'email'`, [a.id])).toEqual([{ enabled: false }]);

      // The same for a phone.
      const phoneTaken = await t.http().patch('/api/v1/me').set(...bearer(c.token)).send({ phone: aPhone, channels: [{ channel: 'sms', enabled: true }] });
      expect(phoneTaken.status).toBe(200);
      expect(phoneTaken.body).toMatchObject({ phone: e164(aPhone), phoneVerified: false });
      expect(await t.sql('SELECT phone_e164, phone_verified_at IS NOT NULL AS v FROM resident WHERE id = $1', [a.id])).toEqual([{ phone_e164: e164(aPhone), v: true }]);
      await t.http().post('/api/v1/residents/verify').send({ phone: aPhone, code: codeIn(await waitSms(e164(aPhone), 2)) }).expect(200);
      expect(await t.sql('SELECT phone_e164, phone_verified_at IS NOT NULL AS v FROM resident WHERE id = $1', [c.id])).toEqual([{ phone_e164: e164(aPhone), v: true }]);
      expect(await t.sql('SELECT phone_e164, status FROM resident WHERE id = $1', [a.id])).toEqual([{ phone_e164: null, status: 'unsubscribed' }]);
    });

    it('adding a phone and turning SMS on sends a code; it verifies that channel', async () => {
      const r = await activeResident();
      const phone = uniquePhone();
      const res = await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ phone, channels: [{ channel: 'sms', enabled: true, minPriority: 'urgent' }] }).expect(200);
      expect(res.body.phone).toBe(e164(phone));
      expect(res.body.channels).toEqual([
        { channel: 'email', enabled: true, verified: true, minPriority: 'information', suspended: false },
        { channel: 'sms', enabled: true, verified: false, minPriority: 'urgent', suspended: false },
      ]);
      const code = codeIn(await waitSms(e164(phone)));
      await t.http().post('/api/v1/residents/verify').send({ phone, code }).expect(200);
      const me = await t.http().get('/api/v1/me').set(...bearer(r.token)).expect(200);
      expect(me.body.channels[1]).toMatchObject({ channel: 'sms', verified: true });
    });

    it('turning every channel off unsubscribes; turning one back on re-joins', async () => {
      const r = await activeResident();
      await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ channels: [{ channel: 'email', enabled: false }] }).expect(200);
      const [off] = await t.sql('SELECT status, left_at FROM resident WHERE id = $1', [r.id]);
      expect(off.status).toBe('unsubscribed');
      expect(off.left_at).toBeInstanceOf(Date);
      await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ channels: [{ channel: 'email', enabled: true }] }).expect(200);
      expect(await t.sql('SELECT status, left_at FROM resident WHERE id = $1', [r.id])).toEqual([{ status: 'active', left_at: null }]);
    });
  });

  describe('export and erasure', () => {
    it('exports every stored column of the resident and their preferences', async () => {
      const phone = uniquePhone();
      const r = await activeResident({
        phone,
        channels: ['email', 'sms'],
        topics: ['appeals'],
        interestGroups: ['farmer'],
        campaignCode: 'EXPORT1',
        source: 'event',
        demographics: { ageBand: '25-34', ethnicity: 'asian', language: 'Urdu' },
      });
      await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ quietStart: '21:00', quietEnd: '08:00' }).expect(200);
      const res = await t.http().get('/api/v1/me/export').set(...bearer(r.token)).expect(200);
      const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      for (const [table, key] of [
        ['resident', 'resident'],
        ['resident_channel', 'channels'],
        ['resident_topic', 'topics'],
        ['resident_interest', 'interestGroups'],
      ] as const) {
        const cols = await t.sql<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [table]);
        const exported = table === 'resident' ? [res.body.resident] : res.body[key];
        expect(exported.length).toBeGreaterThan(0);
        for (const item of exported) expect(Object.keys(item).sort()).toEqual(cols.map((c) => camel(c.column_name)).sort());
      }
      const [row] = await t.sql('SELECT * FROM resident WHERE id = $1', [r.id]);
      for (const [col, value] of Object.entries(row)) {
        const exported = res.body.resident[camel(col)];
        expect([col, exported]).toEqual([col, value instanceof Date ? value.toISOString() : value]);
      }
      expect(res.body.channels.map((c: { channel: string }) => c.channel).sort()).toEqual(['email', 'sms']);
      expect(res.body.topics).toEqual([{ residentId: r.id, topic: 'appeals' }]);
      expect(res.body.interestGroups).toEqual([{ residentId: r.id, interestGroup: 'farmer' }]);
      expect(res.body.smsVerification).toEqual([{ residentId: r.id, expiresAt: expect.any(String), attempts: 0 }]);
      expect(res.body.exportedAt).toEqual(expect.any(String));
    });

    it('erasure leaves no personal data, keeps the aggregate columns, and kills the token', async () => {
      const phone = uniquePhone();
      const email = uniqueEmail('erase');
      const r = await activeResident({
        email,
        phone,
        firstName: 'Zebedee',
        lastName: 'Quuxworth',
        postcode: 'B8 1AA',
        channels: ['email', 'sms'],
        interestGroups: ['horse_rider'],
        campaignCode: 'ERASEME',
        source: 'street',
        demographics: { ageBand: '45-54', ethnicity: 'black', language: 'Somali' },
      });
      await t.http().patch('/api/v1/me').set(...bearer(r.token)).send({ quietStart: '21:00', quietEnd: '08:00' }).expect(200);
      const [before] = await t.sql('SELECT * FROM resident WHERE id = $1', [r.id]);
      expect(await t.sql('SELECT 1 FROM resident_sms_code WHERE resident_id = $1', [r.id])).toHaveLength(1);

      await t.http().delete('/api/v1/me').set(...bearer(r.token)).expect(204);

      const cols = await t.sql<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'resident'`);
      const [asText] = await t.sql<Record<string, string | null>>(
        `SELECT ${cols.map((c) => `"${c.column_name}"::text AS "${c.column_name}"`).join(', ')} FROM resident WHERE id = $1`,
        [r.id],
      );
      const secrets = [email, e164(phone), phone.replace(/\s/g, ''), 'Zebedee', 'Quuxworth', 'B8 1AA', 'ERASEME', 'Somali'];
      for (const [col, value] of Object.entries(asText)) {
        for (const secret of secrets) expect([col, value?.includes(secret) ?? false]).toEqual([col, false]);
      }
      const [after] = await t.sql('SELECT * FROM resident WHERE id = $1', [r.id]);
      expect(after).toMatchObject({
        status: 'erased',
        email: null,
        phone_e164: null,
        first_name: null,
        last_name: null,
        postcode: null,
        campaign_code: null,
        age_band: null,
        ethnicity: null,
        language: null,
        quiet_start: null,
        quiet_end: null,
        email_verified_at: null,
        phone_verified_at: null,
        ward_code: 'BE01',
        source: 'street',
        activated_at: before.activated_at,
      });
      expect(after.erased_at).toBeInstanceOf(Date);
      expect(after.left_at).toBeInstanceOf(Date);
      expect(await t.sql('SELECT enabled, suspended_reason FROM resident_channel WHERE resident_id = $1', [r.id])).toEqual([
        { enabled: false, suspended_reason: null },
        { enabled: false, suspended_reason: null },
      ]);
      for (const table of ['resident_topic', 'resident_interest', 'resident_sms_code']) {
        expect([table, await t.sql(`SELECT * FROM ${table} WHERE resident_id = $1`, [r.id])]).toEqual([table, []]);
      }
      await t.http().get('/api/v1/me').set(...bearer(r.token)).expect(401);
      await t.http().get('/api/v1/me/export').set(...bearer(r.token)).expect(401);
      await t.http().delete('/api/v1/me').set(...bearer(r.token)).expect(401);

      // The address is free again, and a magic link for it goes nowhere.
      const sent = mailsTo(email).length;
      await t.http().post('/api/v1/auth/resident/magic-link').send({ email }).expect(202);
      await notificationsSettled();
      expect(mailsTo(email)).toHaveLength(sent);
      await signUp(validBody({ email })).expect(202);
      expect(await t.sql('SELECT status FROM resident WHERE email = $1', [email])).toEqual([{ status: 'pending' }]);
      const audit = await t.sql(`SELECT actor, action, subject, data FROM audit_event WHERE subject = $1`, [`resident:${r.id}`]);
      expect(audit).toEqual([{ actor: `resident:${r.id}`, action: 'resident.erased', subject: `resident:${r.id}`, data: {} }]);
    });
  });

  describe('unsubscribe', () => {
    const tokenOf = (url: string) => url.split('/u/')[1];

    it('one-click (RFC 8058) unsubscribes from the token\'s channel; the last channel makes the resident unsubscribed', async () => {
      const phone = uniquePhone();
      const r = await activeResident({ phone, channels: ['email', 'sms'] });
      const links = t.app.get(ResidentLinksService);
      const emailUrl = links.unsubscribeUrl(r.id, 'email');
      expect(emailUrl).toMatch(/^http:\/\/beacon\.test\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(links.listUnsubscribeHeaders(r.id)).toEqual({ 'List-Unsubscribe': `<${emailUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });

      const page = await t.http().get(`/u/${tokenOf(emailUrl)}`).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);

      const res = await t
        .http()
        .post(`/u/${tokenOf(emailUrl)}`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('List-Unsubscribe=One-Click')
        .expect(200);
      expect(res.text).toContain('unsubscribed');
      expect(await t.sql('SELECT channel, enabled FROM resident_channel WHERE resident_id = $1 ORDER BY channel', [r.id])).toEqual([
        { channel: 'email', enabled: false },
        { channel: 'sms', enabled: true },
      ]);
      expect((await t.sql('SELECT status FROM resident WHERE id = $1', [r.id]))[0].status).toBe('active');

      await t
        .http()
        .post(`/u/${tokenOf(links.unsubscribeUrl(r.id, 'sms'))}`)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('List-Unsubscribe=One-Click')
        .expect(200);
      const [row] = await t.sql('SELECT status, left_at FROM resident WHERE id = $1', [r.id]);
      expect(row.status).toBe('unsubscribed');
      expect(row.left_at).toBeInstanceOf(Date);
      // Doing it again is harmless.
      await t.http().post(`/u/${tokenOf(emailUrl)}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    });

    it('an "all" token unsubscribes from everything', async () => {
      const r = await activeResident();
      await t.http().post(`/u/${tokenOf(t.app.get(ResidentLinksService).unsubscribeUrl(r.id, 'all'))}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
      const [row] = await t.sql('SELECT status, left_at FROM resident WHERE id = $1', [r.id]);
      expect(row.status).toBe('unsubscribed');
      expect(row.left_at).toBeInstanceOf(Date);
      expect(await t.sql('SELECT enabled FROM resident_channel WHERE resident_id = $1', [r.id])).toEqual([{ enabled: false }]);
    });

    it('refuses tampered and expired unsubscribe tokens', async () => {
      const r = await activeResident();
      const links = t.app.get(LinkTokenService);
      const good = links.sign('unsubscribe', { r: r.id, c: 'all' }, 3600);
      const forged = Buffer.from(JSON.stringify({ r: r.id, c: 'all', p: 'unsubscribe', e: 9999999999 })).toString('base64url');
      await t.http().post(`/u/${forged}.${good.split('.')[1]}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
      await t.http().get(`/u/${forged}.${good.split('.')[1]}`).expect(400);
      await t.http().post(`/u/${links.sign('unsubscribe', { r: r.id, c: 'all' }, -5)}`).type('form').send('List-Unsubscribe=One-Click').expect(410);
      expect((await t.sql('SELECT status FROM resident WHERE id = $1', [r.id]))[0].status).toBe('active');
    });

    it('unsubscribe links last more than a year', () => {
      const url = t.app.get(ResidentLinksService).unsubscribeUrl('00000000-0000-0000-0000-000000000000', 'all');
      const claims = t.app.get(LinkTokenService).verify('unsubscribe', url.split('/u/')[1], Date.now() + 370 * 24 * 3600 * 1000);
      expect(claims).toEqual({ r: '00000000-0000-0000-0000-000000000000', c: 'all' });
    });
  });

  describe('staff listing', () => {
    let be: { id: string; email: string };
    let sw: { id: string; email: string };
    const phone = '07911 128888';

    beforeAll(async () => {
      await t.sql('DELETE FROM rate_limit_bucket');
      be = await activeResident({ email: uniqueEmail('quentin'), firstName: 'Quentin', lastName: 'Listable', phone, channels: ['email', 'sms'], wardCode: 'BE02' });
      sw = await activeResident({ email: uniqueEmail('sandwell'), firstName: 'Sandra', lastName: 'Listable', wardCode: 'SW01' });
    });

    it('an ECO sees their NPU with contact details; another NPU or its ward is 403', async () => {
      const eco = await loginAs(t, 'eco', 'BE');
      const res = await t.http().get('/api/v1/residents?q=listable').set(...eco.auth).expect(200);
      expect(res.body).toEqual({
        items: [
          {
            id: be.id,
            firstName: 'Quentin',
            lastName: 'Listable',
            email: be.email,
            phone: e164(phone),
            wardCode: 'BE02',
            npuCode: 'BE',
            status: 'active',
            channels: ['email', 'sms'],
            source: null,
            createdAt: expect.any(String),
            activatedAt: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      await t.http().get('/api/v1/residents?npu=SW').set(...eco.auth).expect(403);
      await t.http().get('/api/v1/residents?ward=SW01').set(...eco.auth).expect(403);
      await t.http().get('/api/v1/residents?ward=NOPE').set(...eco.auth).expect(400);
    });

    it('masks contact details for analysts and cadet leaders', async () => {
      const analyst = await loginAs(t, 'analyst');
      const res = await t.http().get('/api/v1/residents?q=listable').set(...analyst.auth).expect(200);
      expect(res.body.items).toHaveLength(2);
      const mine = res.body.items.find((i: { id: string }) => i.id === be.id);
      expect(mine.email).toBe(`q***@example.org`);
      expect(mine.phone).toBe('+44791****888');
      const cadets = await loginAs(t, 'cadet_leader', 'BE');
      const own = await t.http().get('/api/v1/residents?q=listable').set(...cadets.auth).expect(200);
      expect(own.body.items.map((i: { email: string }) => i.email)).toEqual(['q***@example.org']);
    });

    it('searches by name, e-mail prefix and phone; filters by ward and status', async () => {
      const admin = await loginAs(t, 'admin');
      const ids = async (query: string) => (await t.http().get(`/api/v1/residents?${query}`).set(...admin.auth).expect(200)).body.items.map((i: { id: string }) => i.id);
      expect(await ids('q=quen')).toEqual([be.id]);
      expect(await ids('q=LISTABLE&ward=SW01')).toEqual([sw.id]);
      expect(await ids(`q=${encodeURIComponent(be.email.slice(0, 9))}`)).toEqual([be.id]);
      expect(await ids(`q=${encodeURIComponent(phone)}`)).toEqual([be.id]);
      expect(await ids('q=listable&status=pending')).toEqual([]);
      expect(await ids('q=%25')).toEqual([]); // wildcards are literal
      await t.http().get(`/api/v1/residents?q=${'x'.repeat(81)}`).set(...admin.auth).expect(400);
      await t.http().get('/api/v1/residents?status=zombie').set(...admin.auth).expect(400);
    });

    it('pages with a keyset cursor', async () => {
      const admin = await loginAs(t, 'admin');
      const first = await t.http().get('/api/v1/residents?q=listable&limit=1').set(...admin.auth).expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http().get(`/api/v1/residents?q=listable&limit=1&cursor=${first.body.nextCursor}`).set(...admin.auth).expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      expect(new Set([first.body.items[0].id, second.body.items[0].id])).toEqual(new Set([be.id, sw.id]));
      await t.http().get('/api/v1/residents?cursor=nonsense').set(...admin.auth).expect(400);
    });

    it('records who looked at resident contact details', async () => {
      const officer = await loginAs(t, 'officer', 'BE');
      await t.http().get('/api/v1/residents?ward=BE02').set(...officer.auth).expect(200);
      // (Their sign-in is audited too, as `staff.signed-in`: this is about what they read.)
      const rows = await t.sql(`SELECT action, subject, data FROM audit_event WHERE actor = $1 AND action LIKE 'residents.%'`, [`staff:${officer.id}`]);
      expect(rows).toEqual([{ action: 'residents.list', subject: 'resident', data: { query: { ward: 'BE02' }, npu: 'BE', count: 1 } }]);
    });
  });

  describe('sign-ups never verified are purged', () => {
    it('deletes pending residents older than UNVERIFIED_RESIDENT_RETENTION_DAYS (30) with their preferences and dead SMS codes, nothing else', async () => {
      const age = (id: string, days: number) => t.sql(`UPDATE resident SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);
      const stale = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], status: 'pending', emailVerified: false, phoneVerified: false, topics: ['appeals'], interests: ['parent'] });
      const recent = await makeResident(t, { ward: 'BE01', channels: ['email'], status: 'pending', emailVerified: false });
      const veteran = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'] }); // active for years
      const leaver = await makeResident(t, { ward: 'BE01', channels: ['email'], status: 'unsubscribed' });
      await age(stale.id, 31);
      await age(recent.id, 29);
      await age(veteran.id, 900);
      await age(leaver.id, 400);
      const code = (id: string, expiresInHours: number) =>
        t.sql(`INSERT INTO resident_sms_code (resident_id, code_hash, expires_at) VALUES ($1, 'x', now() + make_interval(hours => $2))`, [id, expiresInHours]);
      await code(stale.id, -24 * 30);
      await code(veteran.id, -25); // dead for over a day
      await code(recent.id, 1); // still usable
      const deleted = await t.app.get(UnverifiedPurgeService).purge();
      expect(deleted).toBe(1);
      const left = await t.sql<{ id: string }>('SELECT id FROM resident WHERE id = ANY($1::uuid[])', [[stale.id, recent.id, veteran.id, leaver.id]]);
      expect(left.map((r) => r.id).sort()).toEqual([recent.id, veteran.id, leaver.id].sort());
      for (const table of ['resident_channel', 'resident_topic', 'resident_interest', 'resident_sms_code']) {
        expect(await t.sql(`SELECT 1 FROM ${table} WHERE resident_id = $1`, [stale.id])).toEqual([]);
      }
      expect(await t.sql('SELECT resident_id FROM resident_sms_code WHERE resident_id = ANY($1::uuid[])', [[veteran.id, recent.id]])).toEqual([{ resident_id: recent.id }]);
      expect(await t.app.get(UnverifiedPurgeService).purge()).toBe(0); // nothing more to do
    });
  });
});
