import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import * as OTPAuth from 'otpauth';
import request from 'supertest';
import { StaffService } from '@beacon/auth';
import { startOidcProvider, type OidcTestProvider } from './utils/oidc-test-provider';
import { createTestApp, seedGeography, type TestApp } from './utils/test-app';

const CALLBACK = 'http://beacon.test/console/sign-in/oidc/callback';
type Agent = ReturnType<typeof request.agent>;

let t: TestApp;
let idp: OidcTestProvider;
const logLines: string[] = [];

beforeAll(async () => {
  idp = await startOidcProvider(CALLBACK);
  t = await createTestApp({
    OIDC_ISSUER_URL: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_ROLE_CLAIM: 'groups',
    OIDC_ROLE_MAP: 'sg-beacon-admins=admin,sg-beacon-eco=eco,sg-beacon-officers=officer',
    OIDC_NPU_CLAIM: 'office',
    // The default (test/utils turns it off for the other files).
    STAFF_MFA_REQUIRED_ROLES: 'admin,npu_lead',
  }, { logTo: new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }), logLevel: 'warn' });
  await seedGeography(t);
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

const count = async (table: string, where = 'true', values: unknown[] = []) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values))[0].n;
const cookieOf = (res: request.Response, name: string) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`))?.split(';')[0].slice(name.length + 1);
const pathOf = (url: URL) => `${url.pathname}${url.search}`;

/** Starts the flow at Beacon (the agent keeps the flow cookie) and returns the provider URL. */
async function startAt(agent: Agent, next?: string): Promise<{ url: URL; flowCookie: string }> {
  const res = await agent.get(`/console/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`).expect(303);
  return { url: new URL(res.headers.location), flowCookie: cookieOf(res, 'beacon-oidc')! };
}

/** The whole journey: Beacon → provider (as `subject`) → Beacon's callback. */
async function ssoSignIn(subject: string, agent: Agent = request.agent(t.app.getHttpServer())) {
  const { url } = await startAt(agent);
  const callback = await idp.signIn(url.href, subject);
  const res = await agent.get(pathOf(callback));
  return { agent, res, callback };
}

describe('single sign-on with the force identity provider (OpenID Connect)', () => {
  it('the sign-in page offers the force account when OIDC is configured', async () => {
    const page = await t.http().get('/console/sign-in').expect(200);
    expect(page.text).toContain('Sign in with your force account');
    expect(page.text).toContain('href="/console/sign-in/oidc"');
    // Local passwords stay on (STAFF_PASSWORD_LOGIN defaults to true).
    expect(page.text).toContain('name="password"');
  });

  it('sends the browser with PKCE (S256), state and nonce, the verifier never leaving Beacon', async () => {
    const { url, flowCookie } = await startAt(request.agent(t.app.getHttpServer()));
    expect(url.origin).toBe(idp.issuer);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(idp.clientId);
    expect(q.get('redirect_uri')).toBe(CALLBACK);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('code_verifier')).toBeNull();
    expect(flowCookie).toBeTruthy();
  });

  it('a first sign-in with a mapped group creates the account with its role and NPU, and a session', async () => {
    idp.accounts['u-first'] = { email: 'Ada.First@force.test', email_verified: true, name: 'Ada First', groups: ['Domain Users', 'sg-beacon-eco'], office: 'BE' };
    const { agent, res } = await ssoSignIn('u-first');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console');
    const [row] = await t.sql<{ id: string; role: string; npu_code: string; oidc_subject: string; password_hash: string | null; email: string }>(
      `SELECT id, role, npu_code, oidc_subject, password_hash, email FROM staff WHERE oidc_subject = $1`,
      [`${idp.issuer} u-first`],
    );
    expect(row).toMatchObject({ role: 'eco', npu_code: 'BE', email: 'ada.first@force.test', password_hash: null });
    const home = await agent.get('/console').expect(200);
    expect(home.text).toContain('Ada First');
    expect(await count('audit_event', `action = 'staff.created' AND subject = $1`, [`staff:${row.id}`])).toBe(1);
    // No password: the local form does not let anyone in as this account.
    await t.http().post('/api/v1/auth/staff/login').send({ email: 'ada.first@force.test', password: 'anything-at-all' }).expect(401);
  });

  it('a first sign-in whose claims give no role is a 403 page and creates nothing', async () => {
    idp.accounts['u-nogroup'] = { email: 'no.group@force.test', name: 'No Group', groups: ['Domain Users'] };
    // A role bound to an NPU without an NPU claim gives no access either.
    idp.accounts['u-nonpu'] = { email: 'no.npu@force.test', name: 'No Npu', groups: ['sg-beacon-officers'] };
    const before = { staff: await count('staff'), sessions: await count('staff_session') };
    for (const sub of ['u-nogroup', 'u-nonpu']) {
      const { res } = await ssoSignIn(sub);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('does not give access to Beacon');
      expect(cookieOf(res, 'beacon-session')).toBeUndefined();
    }
    expect({ staff: await count('staff'), sessions: await count('staff_session') }).toEqual(before);
  });

  it('each sign-in re-applies the mapping: a changed group or NPU changes the role, audited', async () => {
    idp.accounts['u-move'] = { email: 'mover@force.test', name: 'Mo Ver', groups: ['sg-beacon-eco'], office: 'BE' };
    expect((await ssoSignIn('u-move')).res.status).toBe(303);
    idp.accounts['u-move'] = { ...idp.accounts['u-move'], groups: ['sg-beacon-eco', 'sg-beacon-admins'], office: 'SW' };
    const { agent, res } = await ssoSignIn('u-move');
    expect(res.status).toBe(303);
    const [row] = await t.sql<{ id: string; role: string; npu_code: string }>(`SELECT id, role, npu_code FROM staff WHERE email = 'mover@force.test'`);
    expect(row).toMatchObject({ role: 'admin', npu_code: 'SW' });
    const [audit] = await t.sql<{ data: Record<string, unknown> }>(`SELECT data FROM audit_event WHERE action = 'staff.role-changed' AND subject = $1`, [`staff:${row.id}`]);
    expect(audit.data).toEqual({ from: { role: 'eco', npuCode: 'BE', active: true }, to: { role: 'admin', npuCode: 'SW', active: true } });
    expect((await agent.get('/console').expect(200)).text).toContain('NPU SW');
  });

  it('removal from the group removes access: the next sign-in is refused and open sessions stop at their next request', async () => {
    idp.accounts['u-leaver'] = { email: 'leaver@force.test', name: 'Lee Ver', groups: ['sg-beacon-eco'], office: 'BE' };
    const first = await ssoSignIn('u-leaver');
    await first.agent.get('/console').expect(200);
    idp.accounts['u-leaver'] = { ...idp.accounts['u-leaver'], groups: ['Domain Users'] };
    const again = await ssoSignIn('u-leaver');
    expect(again.res.status).toBe(403);
    const stale = await first.agent.get('/console/messages');
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toContain('/console/sign-in');
    const [row] = await t.sql<{ id: string; active: boolean }>(`SELECT id, active FROM staff WHERE email = 'leaver@force.test'`);
    expect(row.active).toBe(false);
    expect(await count('audit_event', `action = 'staff.access-removed' AND subject = $1`, [`staff:${row.id}`])).toBe(1);
    // Back in the group: access again.
    idp.accounts['u-leaver'] = { ...idp.accounts['u-leaver'], groups: ['sg-beacon-eco'] };
    expect((await ssoSignIn('u-leaver')).res.status).toBe(303);
  });

  describe('a tampered or replayed callback is a 401 page and creates nothing', () => {
    /** 401 page, no session; `reason`: what openid-client (or the cookie check) logged. */
    const refused = async (res: request.Response, reason?: RegExp) => {
      const logged = logLines.splice(0).map((l) => String((JSON.parse(l) as { msg?: unknown }).msg)).filter((m) => m.includes('OIDC callback refused')).join('\n');
      if (reason) expect(logged).toMatch(reason);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('could not be confirmed');
      expect(cookieOf(res, 'beacon-session')).toBeUndefined();
    };
    let before: { staff: number; sessions: number };
    beforeAll(async () => {
      for (const sub of ['u-tamper', 'u-replay', 'u-nonce', 'u-iss', 'u-expired', 'u-nocookie']) idp.accounts[sub] = { email: `${sub}@force.test`, name: sub, groups: ['sg-beacon-admins'] };
      before = { staff: await count('staff'), sessions: await count('staff_session') };
    });
    afterAll(async () => {
      expect({ staff: await count('staff'), sessions: await count('staff_session') }).toEqual(before);
    });

    it('state changed in the callback', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const { url } = await startAt(agent);
      const callback = await idp.signIn(url.href, 'u-tamper');
      callback.searchParams.set('state', 'x'.repeat(43));
      await refused(await agent.get(pathOf(callback)), /"state"/);
    });

    it('the callback in a browser that did not start the flow (no cookie, or another flow’s cookie)', async () => {
      const { url } = await startAt(request.agent(t.app.getHttpServer()));
      const callback = await idp.signIn(url.href, 'u-nocookie');
      await refused(await t.http().get(pathOf(callback)), /flow cookie/);
      const other = request.agent(t.app.getHttpServer());
      await startAt(other);
      await refused(await other.get(pathOf(callback)), /"state"/);
    });

    it('a tampered flow cookie', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const { url, flowCookie } = await startAt(agent);
      const callback = await idp.signIn(url.href, 'u-tamper');
      const [body, mac] = flowCookie.split('.');
      const claims = JSON.parse(Buffer.from(decodeURIComponent(body), 'base64url').toString('utf8')) as Record<string, unknown>;
      // The attacker's own state in both the cookie (MAC kept) and the callback.
      const forged = `${Buffer.from(JSON.stringify({ ...claims, s: 'attacker-state-0123456789abcdef0123456789' })).toString('base64url')}.${mac}`;
      callback.searchParams.set('state', 'attacker-state-0123456789abcdef0123456789');
      await refused(await t.http().get(pathOf(callback)).set('Cookie', `beacon-oidc=${forged}`), /flow cookie/);
    });

    it('the same callback replayed with its cookie', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const { url, flowCookie } = await startAt(agent);
      const callback = await idp.signIn(url.href, 'u-replay');
      const ok = await t.http().get(pathOf(callback)).set('Cookie', `beacon-oidc=${flowCookie}`);
      expect(ok.status).toBe(303);
      // Counted as the one account this block lets in: the replay adds nothing.
      before.staff += 1;
      before.sessions += 1;
      await refused(await t.http().get(pathOf(callback)).set('Cookie', `beacon-oidc=${flowCookie}`), /invalid_grant/);
    });

    it('an ID token with another nonce (a code obtained for another request)', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const { url, flowCookie } = await startAt(agent);
      // The attacker's own authorisation request, with the victim's state and PKCE but its own nonce.
      const flow = JSON.parse(Buffer.from(decodeURIComponent(flowCookie).split('.')[0], 'base64url').toString('utf8')) as { s: string; v: string };
      const forged = new URL(url.href);
      forged.searchParams.set('nonce', 'attacker-chosen-nonce-0123456789');
      expect(forged.searchParams.get('state')).toBe(flow.s);
      expect(forged.searchParams.get('code_challenge')).toBe(createHash('sha256').update(flow.v).digest('base64url'));
      const callback = await idp.signIn(forged.href, 'u-nonce');
      await refused(await agent.get(pathOf(callback)), /"nonce"/);
    });

    it('a callback claiming another issuer (RFC 9207 iss)', async () => {
      const agent = request.agent(t.app.getHttpServer());
      const { url } = await startAt(agent);
      const callback = await idp.signIn(url.href, 'u-iss');
      expect(callback.searchParams.get('iss')).toBe(idp.issuer);
      callback.searchParams.set('iss', 'https://evil.example');
      await refused(await agent.get(pathOf(callback)), /"iss"/);
    });

    it('an ID token whose signature does not verify', async () => {
      idp.setTamperIdToken(true);
      try {
        const { res } = await ssoSignIn('u-tamper');
        await refused(res, /signature/i);
      } finally {
        idp.setTamperIdToken(false);
      }
    });

    it('an expired ID token', async () => {
      // Issued an hour ago by the provider's clock, with a 10-minute lifetime.
      idp.setClockSkew(3600);
      try {
        const { res } = await ssoSignIn('u-expired');
        await refused(res, /"exp"/);
      } finally {
        idp.setClockSkew(0);
      }
    });
  });

  it('with STAFF_PASSWORD_LOGIN=false only the force account signs in', async () => {
    const t2 = await createTestApp({
      DATABASE_URL: t.config.db.url!,
      STAFF_PASSWORD_LOGIN: 'false',
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
    });
    try {
        await t.app.get(StaffService).create({ email: 'local.only@force.test', name: 'Local', password: 'local-password-123', role: 'eco', npuCode: 'BE' });
      const page = await t2.http().get('/console/sign-in').expect(200);
      expect(page.text).toContain('Sign in with your force account');
      expect(page.text).not.toContain('name="password"');
      const res = await t2.http().post('/api/v1/auth/staff/login').send({ email: 'local.only@force.test', password: 'local-password-123' }).expect(403);
      expect(res.body.message).toContain('force account');
    } finally {
      await t2.app.close();
      await t2.db.end();
    }
  });
});

const csrfOf = (html: string) => /name="csrfToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
const PASSWORD = 'local-password-123';
let seq = 0;

async function localStaff(role: 'admin' | 'eco' | 'npu_lead', npuCode: string | null = null) {
  const email = `local.${role}.${++seq}@force.test`;
  const staff = await t.app.get(StaffService).create({ email, name: `Local ${role} ${seq}`, password: PASSWORD, role, npuCode });
  return { id: staff.id, email };
}

/** Password step of the console sign-in; returns the agent and where it was sent. */
async function passwordStep(email: string, password = PASSWORD) {
  const agent = request.agent(t.app.getHttpServer());
  const form = await agent.get('/console/sign-in').expect(200);
  const res = await agent.post('/console/sign-in').type('form').send({ email, password, csrfToken: csrfOf(form.text) });
  return { agent, res };
}

const totpFor = (secret: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

/** Password, then the enrolment page with its first code: returns the secret and recovery codes. */
async function enrol(email: string) {
  const { agent, res } = await passwordStep(email);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/console/mfa');
  const page = await agent.get('/console/mfa').expect(200);
  const secret = /data-totp-secret>([A-Z2-7]+)</.exec(page.text)![1];
  const done = await agent.post('/console/mfa').type('form').send({ code: totpFor(secret), csrfToken: csrfOf(page.text) }).expect(200);
  const recoveryCodes = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
  return { agent, secret, recoveryCodes, page };
}

async function secondStep(email: string, code: string) {
  const { agent, res } = await passwordStep(email);
  expect(res.headers.location).toBe('/console/mfa');
  const page = await agent.get('/console/mfa').expect(200);
  const done = await agent.post('/console/mfa').type('form').send({ code, csrfToken: csrfOf(page.text) });
  return { agent, done };
}

describe('second factor (TOTP) for local accounts', () => {
  it('a password alone gets an admin nothing: a session that reaches only the second-factor page, and no API token', async () => {
    const { email } = await localStaff('admin');
    const { agent, res } = await passwordStep(email);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/mfa');
    const home = await agent.get('/console');
    expect(home.status).toBe(303);
    expect(home.headers.location).toContain('/console/sign-in');
    const api = await t.http().post('/api/v1/auth/staff/login').send({ email, password: PASSWORD });
    expect(api.status).toBe(403);
    expect(api.body.accessToken).toBeUndefined();
    expect(api.body.message).toContain('second factor');
  });

  it('enrolment shows a QR code (SVG) and the key; a wrong code is refused; the right one gives recovery codes (stored hashed) and a new session', async () => {
    const { id, email } = await localStaff('npu_lead', 'BE');
    const { agent, res } = await passwordStep(email);
    const pendingCookie = cookieOf(res, 'beacon-session');
    const page = await agent.get('/console/mfa').expect(200);
    expect(page.text).toMatch(/<svg[^>]*>[\s\S]*<\/svg>/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const secret = /data-totp-secret>([A-Z2-7]+)</.exec(page.text)![1];
    expect(secret).toHaveLength(32);
    // Encrypted at rest: the key is not in the table.
    const [row] = await t.sql<{ totp_secret: string }>(`SELECT totp_secret FROM staff WHERE id = $1`, [id]);
    expect(row.totp_secret).not.toContain(secret);
    const wrong = String((Number(totpFor(secret)) + 1) % 1_000_000).padStart(6, '0');
    const bad = await agent.post('/console/mfa').type('form').send({ code: wrong, csrfToken: csrfOf(page.text) });
    expect(bad.status).toBe(401);
    const page2 = await agent.get('/console/mfa').expect(200);
    const secret2 = /data-totp-secret>([A-Z2-7]+)</.exec(page2.text)![1];
    const done = await agent.post('/console/mfa').type('form').send({ code: totpFor(secret2), csrfToken: csrfOf(page2.text) }).expect(200);
    const codes = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await t.sql<{ code_hash: string }>(`SELECT code_hash FROM staff_recovery_code WHERE staff_id = $1`, [id]);
    expect(stored).toHaveLength(10);
    expect(stored.map((r) => r.code_hash)).toEqual(expect.arrayContaining([createHash('sha256').update(codes[0].replace('-', '')).digest('hex')]));
    expect(stored.some((r) => codes.some((c) => r.code_hash.includes(c.replace('-', ''))))).toBe(false);
    // The pending session id is spent; the new one opens the console.
    expect(cookieOf(done, 'beacon-session')).not.toBe(pendingCookie);
    await agent.get('/console').expect(200);
    expect(await count('audit_event', `action = 'mfa.enrolled' AND subject = $1`, [`staff:${id}`])).toBe(1);
    expect(await count('audit_event', `action = 'mfa.enrol-failed' AND subject = $1`, [`staff:${id}`])).toBe(1);
  });

  it('signing in needs a code; a code already used in its window is refused (console and API)', async () => {
    const { id, email } = await localStaff('admin');
    const { secret } = await enrol(email);
    // The enrolment used this step's code: the same code again is refused.
    const reused = await secondStep(email, totpFor(secret));
    expect(reused.done.status).toBe(401);
    await reused.agent.get('/console').expect(303);
    // The next step's code (within the drift window) is good once.
    const next = totpFor(secret, 1);
    const ok = await secondStep(email, next);
    expect(ok.done.status).toBe(303);
    await ok.agent.get('/console').expect(200);
    await t.http().post('/api/v1/auth/staff/login').send({ email, password: PASSWORD, totp: next }).expect(401);
    await t.http().post('/api/v1/auth/staff/login').send({ email, password: PASSWORD }).expect(401);
    // The code and a wrong password: still nothing.
    await t.http().post('/api/v1/auth/staff/login').send({ email, password: 'wrong-password-1', totp: totpFor(secret, -1) }).expect(401);
    // The reused code in the console and again through the API; no code, or a wrong password, never reaches the check.
    expect(await count('audit_event', `action = 'mfa.failed' AND subject = $1`, [`staff:${id}`])).toBe(2);
    expect(await count('audit_event', `action = 'mfa.verified' AND subject = $1`, [`staff:${id}`])).toBe(1);
  });

  it('the API login gives a token with a fresh code; roles without the requirement sign in with a password', async () => {
    const { email } = await localStaff('admin');
    const { secret } = await enrol(email);
    const res = await t.http().post('/api/v1/auth/staff/login').send({ email, password: PASSWORD, totp: totpFor(secret, 1) }).expect(200);
    await t.http().get('/api/v1/staff/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    const eco = await localStaff('eco', 'BE');
    await t.http().post('/api/v1/auth/staff/login').send({ email: eco.email, password: PASSWORD }).expect(200);
    const { res: page } = await passwordStep(eco.email);
    expect(page.headers.location).toBe('/console');
  });

  it('wrong codes count towards the sign-in backoff: after STAFF_LOCKOUT_AFTER (10) the right code and the password are held back too', async () => {
    const { id, email } = await localStaff('admin');
    const { secret } = await enrol(email);
    const { agent, res } = await passwordStep(email);
    expect(res.headers.location).toBe('/console/mfa');
    const page = await agent.get('/console/mfa').expect(200);
    const right = totpFor(secret, 1);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 10; i++) expect((await agent.post('/console/mfa').type('form').send({ code: wrong, csrfToken: csrfOf(page.text) })).status).toBe(401);
    const held = await agent.post('/console/mfa').type('form').send({ code: right, csrfToken: csrfOf(page.text) });
    expect(held.status).toBe(429);
    expect(held.text).toContain('Too many failed sign-in attempts');
    await agent.get('/console').expect(303);
    // A new password step does not start the count again.
    expect((await passwordStep(email)).res.status).toBe(429);
    expect(await count('audit_event', `action = 'mfa.failed' AND subject = $1`, [`staff:${id}`])).toBe(10);
    await t.sql(`DELETE FROM staff_sign_in_throttle`);
  });

  it('a recovery code signs in once', async () => {
    const { id, email } = await localStaff('admin');
    const { recoveryCodes } = await enrol(email);
    const first = await secondStep(email, recoveryCodes[3].toUpperCase());
    expect(first.done.status).toBe(303);
    await first.agent.get('/console').expect(200);
    expect((await secondStep(email, recoveryCodes[3])).done.status).toBe(401);
    expect(await count('staff_recovery_code', `staff_id = $1 AND used_at IS NOT NULL`, [id])).toBe(1);
    expect(await count('audit_event', `action = 'mfa.recovery-code-used' AND subject = $1`, [`staff:${id}`])).toBe(1);
  });
});
