import { beforeEach, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import request from 'supertest';
import { MfaService, StaffService } from '@beacon/auth';
import { HousekeepingService } from '@beacon/core';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { expectAlikeInTime, interleavedTimings } from './utils/timing';

// Issue 19, the rest of it: lockout with backoff, audited sign-ins, a session list that can be
// revoked, and the admin's staff accounts pages (create, role/NPU, deactivate, reset, sessions).
type Agent = ReturnType<typeof request.agent>;
const PASSWORD = 'accounts-password-123';
const WRONG = 'not-the-password-1';
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const LOCK_AFTER = 3;
const LOCK_MAX = 900;

const csrfOf = (html: string) => /name="csrfToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
const withoutRequestId = (body: Record<string, unknown>) => {
  const { requestId: _ignored, ...rest } = body;
  return rest;
};

describe('staff identity: lockout, sessions, staff accounts', () => {
  const { t, smtp } = useSuite({
    smtp: true,
    geography: true,
    // The fixed-window limits (10 per e-mail per 5 minutes) would answer before the lockout does.
    env: { RATE_LIMIT_MULTIPLIER: '100', STAFF_LOCKOUT_AFTER: String(LOCK_AFTER), STAFF_LOCKOUT_MAX_SECONDS: String(LOCK_MAX) },
  });
  let n = 0;
  const makeStaff = async (role: 'admin' | 'eco' | 'officer' | 'analyst' | 'npu_lead' = 'analyst', npuCode: string | null = null) => {
    const email = `acct.${role}.${++n}.${Date.now()}@force.test`;
    const s = await t.app.get(StaffService).create({ email, name: `Person ${n}`, password: PASSWORD, role, npuCode });
    return { ...s, email };
  };
  const signIn = async (email: string, password = PASSWORD, userAgent = CHROME_WINDOWS, agent: Agent = request.agent(t.app.getHttpServer())) => {
    const form = await agent.get('/console/sign-in').set('User-Agent', userAgent).expect(200);
    const res = await agent.post('/console/sign-in').set('User-Agent', userAgent).type('form').send({ email, password, csrfToken: csrfOf(form.text), next: '/console' });
    return { agent, res };
  };
  const signedIn = async (email: string, userAgent = CHROME_WINDOWS) => {
    const { agent, res } = await signIn(email, PASSWORD, userAgent);
    expect(res.status).toBe(303);
    const home = await agent.get('/console').set('User-Agent', userAgent).expect(200);
    return { agent, csrf: csrfOf(home.text) };
  };
  const apiLogin = (email: string, password: string) => t.http().post('/api/v1/auth/staff/login').send({ email, password });
  const audit = (action: string, subject: string) => t.sql<{ actor: string; data: Record<string, unknown> }>(`SELECT actor, data FROM audit_event WHERE action = $1 AND subject = $2 ORDER BY at`, [action, subject]);
  const liveSessions = async (staffId: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM staff_session WHERE staff_id = $1 AND revoked_at IS NULL`, [staffId]))[0].n;
  // Moves every lock into the past, as if the wait were over.
  const waitOutLocks = () => t.sql(`UPDATE staff_sign_in_throttle SET blocked_until = now() - interval '1 second' WHERE blocked_until IS NOT NULL`);
  const lockOf = async (kind: 'account' | 'ip') => {
    const rows = await t.sql<{ failures: number; secs: number | null }>(`SELECT failures, extract(epoch FROM blocked_until - now())::float AS secs FROM staff_sign_in_throttle WHERE key LIKE $1 ORDER BY last_failure_at DESC LIMIT 1`, [`${kind}:%`]);
    return rows[0];
  };

  describe('lockout with backoff', () => {
    beforeEach(async () => {
      await t.sql(`DELETE FROM staff_sign_in_throttle`);
    });

    it(`after ${LOCK_AFTER} failures the account is held even with the right password, an unknown address exactly alike, and the hold ends`, async () => {
      const s = await makeStaff();
      const unknown = `nobody.${Date.now()}@force.test`;
      for (let i = 0; i < LOCK_AFTER; i++) {
        expect((await apiLogin(s.email, WRONG)).status).toBe(401);
        expect((await apiLogin(unknown, WRONG)).status).toBe(401);
      }
      const known = await apiLogin(s.email.toUpperCase(), PASSWORD);
      const stranger = await apiLogin(` ${unknown.toUpperCase()}`, PASSWORD);
      expect(known.status).toBe(429);
      expect(known.body.accessToken).toBeUndefined();
      expect(withoutRequestId(known.body as Record<string, unknown>)).toEqual(withoutRequestId(stranger.body as Record<string, unknown>));
      expect(stranger.status).toBe(429);
      expect(known.body.message).toMatch(/Too many failed sign-in attempts/);
      // The console: the same refusal as a page, no session.
      const page = await signIn(s.email);
      expect(page.res.status).toBe(429);
      expect(page.res.text).toContain('Too many failed sign-in attempts');
      await page.agent.get('/console').expect(303);
      // Backoff, not a lock: once the wait is over, the right password works again.
      await waitOutLocks();
      expect((await apiLogin(s.email, PASSWORD)).status).toBe(200);
    });

    it('each failure past the threshold doubles the wait, up to STAFF_LOCKOUT_MAX_SECONDS; attempts during a hold do not extend it', async () => {
      const s = await makeStaff();
      for (let i = 0; i < LOCK_AFTER; i++) await apiLogin(s.email, WRONG);
      const first = await lockOf('account');
      expect(first.failures).toBe(LOCK_AFTER);
      expect(first.secs).toBeGreaterThan(20);
      expect(first.secs).toBeLessThanOrEqual(30);
      // Hammering during the hold: refused without counting or extending it.
      for (let i = 0; i < 5; i++) expect((await apiLogin(s.email, WRONG)).status).toBe(429);
      const held = await lockOf('account');
      expect(held.failures).toBe(LOCK_AFTER);
      expect(held.secs!).toBeLessThanOrEqual(first.secs!);
      await waitOutLocks();
      expect((await apiLogin(s.email, WRONG)).status).toBe(401);
      const second = await lockOf('account');
      expect(second.secs).toBeGreaterThan(50);
      expect(second.secs).toBeLessThanOrEqual(60);
      // However many failures, never longer than the cap.
      await t.sql(`UPDATE staff_sign_in_throttle SET failures = 1000, blocked_until = now() - interval '1 second' WHERE key LIKE 'account:%'`);
      await apiLogin(s.email, WRONG);
      const capped = await lockOf('account');
      expect(capped.secs).toBeGreaterThan(LOCK_MAX - 10);
      expect(capped.secs).toBeLessThanOrEqual(LOCK_MAX);
    });

    it('an attacker cannot lock a named officer out: a browser that signed in to the account before is not held by the account’s lock', async () => {
      const s = await makeStaff('officer', 'BE');
      const officer = await signIn(s.email);
      expect(officer.res.status).toBe(303);
      const home = await officer.agent.get('/console').expect(200);
      await officer.agent.post('/console/sign-out').type('form').send({ csrfToken: csrfOf(home.text) }).expect(303);
      // Someone else hammers the account from another browser.
      for (let i = 0; i < LOCK_AFTER + 2; i++) await apiLogin(s.email, WRONG);
      expect((await signIn(s.email)).res.status).toBe(429);
      // The officer's own browser still gets in with the password.
      const again = await signIn(s.email, PASSWORD, CHROME_WINDOWS, officer.agent);
      expect(again.res.status).toBe(303);
      const home2 = await officer.agent.get('/console').expect(200);
      await officer.agent.post('/console/sign-out').type('form').send({ csrfToken: csrfOf(home2.text) }).expect(303);
      // The browser is good for that account only, and wrong passwords from it count on its own.
      for (let i = 0; i < LOCK_AFTER; i++) expect((await signIn(s.email, WRONG, CHROME_WINDOWS, officer.agent)).res.status).toBe(401);
      expect((await signIn(s.email, PASSWORD, CHROME_WINDOWS, officer.agent)).res.status).toBe(429);
    });

    it('many failures from one IP, over many addresses, back that IP off as well', async () => {
      const ipThreshold = LOCK_AFTER * 10;
      for (let i = 0; i < ipThreshold; i++) expect((await apiLogin(`spray.${i}.${Date.now()}@force.test`, WRONG)).status).toBe(401);
      const s = await makeStaff();
      expect((await apiLogin(s.email, PASSWORD)).status).toBe(429);
      const ip = await lockOf('ip');
      expect(ip.failures).toBe(ipThreshold);
      await waitOutLocks();
      expect((await apiLogin(s.email, PASSWORD)).status).toBe(200);
    });

    it('a held known account and a held unknown address answer alike in time too (30 interleaved tries)', async () => {
      const s = await makeStaff();
      const unknown = `nobody.held.${Date.now()}@force.test`;
      for (let i = 0; i < LOCK_AFTER; i++) {
        await apiLogin(s.email, WRONG);
        await apiLogin(unknown, WRONG);
      }
      const timings = await interleavedTimings({
        tries: 30,
        known: () => apiLogin(s.email, PASSWORD),
        unknown: () => apiLogin(unknown, PASSWORD),
        answer: (res) => JSON.stringify([res.status, withoutRequestId(res.body as Record<string, unknown>)]),
      });
      expect(timings.answers).toHaveLength(1);
      expectAlikeInTime('held sign-in', timings, 'median of 30');
    });
  });

  it('housekeeping forgets failures a day old that hold nothing, and keeps the rest', async () => {
    await t.sql(`DELETE FROM staff_sign_in_throttle`);
    await t.sql(`INSERT INTO staff_sign_in_throttle (key, failures, last_failure_at, blocked_until) VALUES
      ('account:old', 2, now() - interval '25 hours', NULL), ('account:recent', 2, now() - interval '23 hours', NULL), ('ip:held', 200, now() - interval '25 hours', now() + interval '1 minute')`);
    const purged = await t.app.get(HousekeepingService).run();
    expect(purged['sign-in failures']).toBe(1);
    expect((await t.sql<{ key: string }>(`SELECT key FROM staff_sign_in_throttle ORDER BY key`)).map((r) => r.key)).toEqual(['account:recent', 'ip:held']);
    await t.sql(`DELETE FROM staff_sign_in_throttle`);
  });

  describe('audit of sign-ins', () => {
    beforeEach(async () => {
      await t.sql(`DELETE FROM staff_sign_in_throttle`);
    });

    it('every sign-in success and failure is recorded, without the password or the address', async () => {
      const s = await makeStaff();
      await signIn(s.email, WRONG);
      await apiLogin(s.email, WRONG);
      const ok = await signIn(s.email);
      expect(ok.res.status).toBe(303);
      await apiLogin(s.email, PASSWORD).expect(200);
      const failed = await audit('staff.sign-in-failed', `staff:${s.id}`);
      expect(failed.map((f) => f.data.via)).toEqual(['console', 'api']);
      const succeeded = await audit('staff.signed-in', `staff:${s.id}`);
      expect(succeeded.map((f) => f.data.via)).toEqual(['console', 'api']);
      expect(succeeded[0].actor).toBe(`staff:${s.id}`);
      const unknown = `nobody.audit.${Date.now()}@force.test`;
      await apiLogin(unknown, WRONG).expect(401);
      const [row] = await t.sql<{ text: string }>(`SELECT data::text AS text FROM audit_event WHERE action = 'staff.sign-in-failed' AND subject = 'staff:unknown' ORDER BY at DESC LIMIT 1`);
      expect(row).toBeDefined();
      const all = await t.sql<{ text: string }>(`SELECT data::text || subject || actor AS text FROM audit_event WHERE action LIKE 'staff.sign%'`);
      expect(all.some((r) => r.text.includes(unknown) || r.text.includes(s.email) || r.text.includes(PASSWORD) || r.text.includes(WRONG))).toBe(false);
    });
  });

  describe('your sessions', () => {
    it('lists each browser (device, IP, last seen); revoking one ends it at its next request, this one stays', async () => {
      const s = await makeStaff('eco', 'BE');
      const laptop = await signedIn(s.email, CHROME_WINDOWS);
      const desktop = await signedIn(s.email, FIREFOX_LINUX);
      const page = await desktop.agent.get('/console/sessions').set('User-Agent', FIREFOX_LINUX).expect(200);
      expect(page.text).toContain('Your sessions');
      expect(page.text).toContain('Chrome on Windows');
      expect(page.text).toContain('Firefox on Linux');
      expect(page.text).toContain('127.0.0.1');
      expect(page.text).toContain('This browser');
      const handles = [...page.text.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1]);
      // One revoke button: the other browser's (this one signs out instead).
      expect(handles).toHaveLength(1);
      const res = await desktop.agent.post('/console/sessions/revoke').type('form').send({ session: handles[0], csrfToken: csrfOf(page.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/console/sessions?done=revoked');
      // The very next request of the revoked browser is refused.
      const gone = await laptop.agent.get('/console');
      expect(gone.status).toBe(303);
      expect(gone.headers.location).toMatch(/^\/console\/sign-in/);
      await desktop.agent.get('/console').expect(200);
      expect(await audit('staff.session-revoked', `staff:${s.id}`)).toEqual([expect.objectContaining({ actor: `staff:${s.id}` })]);
    });

    it("someone else's session cannot be revoked from one's own page (404, it keeps working)", async () => {
      const a = await makeStaff('eco', 'BE');
      const b = await makeStaff('eco', 'BE');
      const bLaptop = await signedIn(b.email, CHROME_WINDOWS);
      const bDesk = await signedIn(b.email, FIREFOX_LINUX);
      const bPage = await bDesk.agent.get('/console/sessions').expect(200);
      const handle = /name="session" value="([0-9a-f]{64})"/.exec(bPage.text)![1];
      const mine = await signedIn(a.email);
      await mine.agent.post('/console/sessions/revoke').type('form').send({ session: handle, csrfToken: mine.csrf }).expect(404);
      await mine.agent.post('/console/sessions/revoke').type('form').send({ session: 'not-a-handle', csrfToken: mine.csrf }).expect(400);
      await bLaptop.agent.get('/console').expect(200);
    });

    it('"sign out everywhere else" ends every other session of the account', async () => {
      const s = await makeStaff('analyst');
      const one = await signedIn(s.email);
      const two = await signedIn(s.email);
      const three = await signedIn(s.email);
      await three.agent.post('/console/sessions/revoke-others').type('form').send({ csrfToken: three.csrf }).expect(303);
      await one.agent.get('/console').expect(303);
      await two.agent.get('/console').expect(303);
      await three.agent.get('/console').expect(200);
      expect(await liveSessions(s.id)).toBe(1);
    });
  });

  describe('staff accounts (admin)', () => {
    it('non-admins get 403 on every staff accounts page and action', async () => {
      const lead = await makeStaff('npu_lead', 'BE');
      const target = await makeStaff('officer', 'BE');
      const { agent, csrf } = await signedIn(lead.email);
      await agent.get('/console/staff').expect(403);
      await agent.get('/console/staff/new').expect(403);
      await agent.get(`/console/staff/${target.id}`).expect(403);
      for (const action of ['role', 'deactivate', 'password-reset', 'mfa-reset', 'sessions/revoke']) {
        await agent.post(`/console/staff/${target.id}/${action}`).type('form').send({ csrfToken: csrf, role: 'admin' }).expect(403);
      }
      const [row] = await t.sql<{ role: string; active: boolean }>(`SELECT role, active FROM staff WHERE id = $1`, [target.id]);
      expect(row).toEqual({ role: 'officer', active: true });
    });

    it('an NPU-bound admin lists and manages only staff of their NPU (others are a 404), and creates none force-wide or elsewhere', async () => {
      const admin = await makeStaff('admin', 'BE');
      const mine = await makeStaff('officer', 'BE');
      const theirs = await makeStaff('officer', 'SW');
      const forceWide = await makeStaff('analyst');
      const { agent, csrf } = await signedIn(admin.email);
      const list = await agent.get('/console/staff').expect(200);
      expect(list.text).toContain(mine.name);
      expect(list.text).not.toContain(theirs.name);
      expect(list.text).not.toContain(forceWide.name);
      await agent.get(`/console/staff/${theirs.id}`).expect(404);
      await agent.get(`/console/staff/${forceWide.id}`).expect(404);
      await agent.post(`/console/staff/${theirs.id}/deactivate`).type('form').send({ csrfToken: csrf }).expect(404);
      await agent.post(`/console/staff/${mine.id}/role`).type('form').send({ csrfToken: csrf, role: 'officer', npuCode: 'SW' }).expect(403);
      await agent.post(`/console/staff/${mine.id}/role`).type('form').send({ csrfToken: csrf, role: 'analyst', npuCode: '' }).expect(403);
      const email = `made.elsewhere.${Date.now()}@force.test`;
      await agent.post('/console/staff').type('form').send({ csrfToken: csrf, email, name: 'Elsewhere', role: 'officer', npuCode: 'SW', password: 'a-long-enough-password' }).expect(403);
      expect(await t.sql(`SELECT 1 FROM staff WHERE email = $1`, [email])).toHaveLength(0);
      const [row] = await t.sql<{ npu_code: string; role: string; active: boolean }>(`SELECT npu_code, role, active FROM staff WHERE id = $1`, [mine.id]);
      expect(row).toEqual({ npu_code: 'BE', role: 'officer', active: true });
    });

    it('create: bad input shows the error summary and creates nothing; good input redirects to the account (PRG), audited', async () => {
      const admin = await makeStaff('admin');
      const { agent, csrf } = await signedIn(admin.email);
      const form = await agent.get('/console/staff/new').expect(200);
      expect(form.text).toContain('name="email"');
      const bad = await agent.post('/console/staff').type('form').send({ csrfToken: csrf, email: 'not-an-address', name: '', role: 'sheriff', npuCode: '', password: 'short' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('govuk-error-summary');
      for (const f of ['email', 'name', 'role', 'password']) expect(bad.text).toContain(`href="#${f}"`);
      const noNpu = await agent.post('/console/staff').type('form').send({ csrfToken: csrf, email: `npu.less.${Date.now()}@force.test`, name: 'No NPU', role: 'officer', npuCode: '', password: 'a-long-enough-password' });
      expect(noNpu.status).toBe(400);
      expect(noNpu.text).toContain('href="#npuCode"');
      const email = `new.officer.${Date.now()}@force.test`;
      const made = await agent.post('/console/staff').type('form').send({ csrfToken: csrf, email: email.toUpperCase(), name: 'Nia New', role: 'officer', npuCode: 'BE', password: 'a-long-enough-password' });
      expect(made.status).toBe(303);
      const [row] = await t.sql<{ id: string; role: string; npu_code: string }>(`SELECT id, role, npu_code FROM staff WHERE email = $1`, [email]);
      expect(row).toMatchObject({ role: 'officer', npu_code: 'BE' });
      expect(made.headers.location).toBe(`/console/staff/${row.id}?done=created`);
      const detail = await agent.get(made.headers.location).expect(200);
      expect(detail.text).toContain('Nia New');
      expect(detail.text).toContain('Officer');
      expect(detail.text).toContain('Birmingham East');
      const dup = await agent.post('/console/staff').type('form').send({ csrfToken: csrf, email, name: 'Nia Again', role: 'officer', npuCode: 'BE', password: 'a-long-enough-password' });
      expect(dup.status).toBe(409);
      expect(dup.text).toContain('href="#email"');
      expect(await audit('staff.created', `staff:${row.id}`)).toEqual([expect.objectContaining({ actor: `staff:${admin.id}` })]);
    });

    it('change role and NPU: applied at the next request of their open sessions, audited; not one’s own', async () => {
      const admin = await makeStaff('admin');
      const target = await makeStaff('officer', 'BE');
      const theirs = await signedIn(target.email);
      await theirs.agent.get('/console/schemes/new').expect(200);
      const { agent, csrf } = await signedIn(admin.email);
      const bad = await agent.post(`/console/staff/${target.id}/role`).type('form').send({ csrfToken: csrf, role: 'officer', npuCode: 'NOPE' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('govuk-error-summary');
      const res = await agent.post(`/console/staff/${target.id}/role`).type('form').send({ csrfToken: csrf, role: 'analyst', npuCode: 'SW' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/console/staff/${target.id}?done=role`);
      // Their open session now has the new role: an analyst cannot create schemes.
      await theirs.agent.get('/console/schemes/new').expect(403);
      const [change] = await audit('staff.role-changed', `staff:${target.id}`);
      expect(change).toEqual({ actor: `staff:${admin.id}`, data: { from: { role: 'officer', npuCode: 'BE' }, to: { role: 'analyst', npuCode: 'SW' } } });
      await agent.post(`/console/staff/${admin.id}/role`).type('form').send({ csrfToken: csrf, role: 'analyst', npuCode: '' }).expect(400);
      expect((await t.sql<{ role: string }>(`SELECT role FROM staff WHERE id = $1`, [admin.id]))[0].role).toBe('admin');
    });

    it('deactivate ends every session at the next request and refuses sign-in; reactivate restores it; both audited', async () => {
      const admin = await makeStaff('admin');
      const target = await makeStaff('eco', 'BE');
      const theirs = await signedIn(target.email);
      const { agent, csrf } = await signedIn(admin.email);
      await agent.post(`/console/staff/${target.id}/deactivate`).type('form').send({ csrfToken: csrf }).expect(303);
      await theirs.agent.get('/console').expect(303);
      expect(await liveSessions(target.id)).toBe(0);
      expect((await signIn(target.email)).res.status).toBe(401);
      expect(await audit('staff.deactivated', `staff:${target.id}`)).toEqual([{ actor: `staff:${admin.id}`, data: { sessionsEnded: 1 } }]);
      await agent.post(`/console/staff/${admin.id}/deactivate`).type('form').send({ csrfToken: csrf }).expect(400);
      await agent.post(`/console/staff/${target.id}/reactivate`).type('form').send({ csrfToken: csrf }).expect(303);
      expect((await signIn(target.email)).res.status).toBe(303);
      expect(await audit('staff.reactivated', `staff:${target.id}`)).toHaveLength(1);
    });

    it('admin reset: the reset e-mail goes out, the old password and every session end; audited', async () => {
      const admin = await makeStaff('admin');
      const target = await makeStaff('eco', 'BE');
      const theirs = await signedIn(target.email);
      const { agent, csrf } = await signedIn(admin.email);
      const res = await agent.post(`/console/staff/${target.id}/password-reset`).type('form').send({ csrfToken: csrf });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/console/staff/${target.id}?done=password-reset`);
      await theirs.agent.get('/console').expect(303);
      expect((await signIn(target.email)).res.status).toBe(401);
      await waitUntil(() => smtp.messages.some((m) => m.to.includes(target.email)), 20_000, 'the reset e-mail');
      const text = smtp.messages.find((m) => m.to.includes(target.email))!.parsed.text ?? '';
      const url = new URL(/https?:\/\/\S+\/console\/reset-password\?token=\S+/.exec(text)![0]);
      const linkAgent = request.agent(t.app.getHttpServer());
      const page = await linkAgent.get(`${url.pathname}${url.search}`).expect(200);
      await linkAgent.post('/console/reset-password').type('form').send({ token: url.searchParams.get('token'), password: 'after-the-reset-42', confirm: 'after-the-reset-42', csrfToken: csrfOf(page.text) }).expect(303);
      expect((await signIn(target.email, 'after-the-reset-42')).res.status).toBe(303);
      expect(await audit('staff.password-reset-forced', `staff:${target.id}`)).toEqual([{ actor: `staff:${admin.id}`, data: { sessionsEnded: 1 } }]);
    });

    it('admin MFA reset: enrolment and recovery codes cleared, sessions ended, audited; the next sign-in enrols again', async () => {
      const admin = await makeStaff('admin');
      const target = await makeStaff('npu_lead', 'BE');
      const mfa = t.app.get(MfaService);
      const { secret } = await mfa.beginEnrolment(target.id, target.email);
      const code = new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate();
      await mfa.confirmEnrolment(target.id, target.email, code);
      expect(await mfa.enrolled(target.id)).toBe(true);
      const theirs = await signedIn(target.email);
      const { agent, csrf } = await signedIn(admin.email);
      const detail = await agent.get(`/console/staff/${target.id}`).expect(200);
      expect(detail.text).toContain('Authenticator app set up');
      await agent.post(`/console/staff/${target.id}/mfa-reset`).type('form').send({ csrfToken: csrf }).expect(303);
      expect(await mfa.enrolled(target.id)).toBe(false);
      expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM staff_recovery_code WHERE staff_id = $1`, [target.id]))[0].n).toBe(0);
      await theirs.agent.get('/console').expect(303);
      expect(await audit('mfa.reset', `staff:${target.id}`)).toEqual([{ actor: `staff:${admin.id}`, data: { sessionsEnded: 1 } }]);
    });

    it("an admin sees an account's sessions and revokes one: it ends at its next request, audited", async () => {
      const admin = await makeStaff('admin');
      const target = await makeStaff('eco', 'BE');
      const laptop = await signedIn(target.email, CHROME_WINDOWS);
      const desk = await signedIn(target.email, FIREFOX_LINUX);
      const { agent, csrf } = await signedIn(admin.email);
      const detail = await agent.get(`/console/staff/${target.id}`).expect(200);
      expect(detail.text).toContain('Chrome on Windows');
      expect(detail.text).toContain('Firefox on Linux');
      const forms = [...detail.text.matchAll(/data-device="([^"]+)"[\s\S]*?name="session" value="([0-9a-f]{64})"/g)].map((m) => ({ device: m[1], handle: m[2] }));
      const chrome = forms.find((f) => f.device === 'Chrome on Windows')!;
      await agent.post(`/console/staff/${target.id}/sessions/revoke`).type('form').send({ csrfToken: csrf, session: chrome.handle }).expect(303);
      await laptop.agent.get('/console').expect(303);
      await desk.agent.get('/console').expect(200);
      expect(await audit('staff.session-revoked', `staff:${target.id}`)).toEqual([expect.objectContaining({ actor: `staff:${admin.id}` })]);
    });
  });
});
