import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PasswordResetService, StaffService } from '@beacon/auth';
import { waitUntil } from './utils/smtp-sink';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { useSuite } from './utils/suite';
import { expectAlikeInTime, interleavedTimings } from './utils/timing';

// Issue 19 item 3: "forgot your password?" for local staff accounts, without enumeration.
type Agent = ReturnType<typeof request.agent>;
const PASSWORD = 'first-password-123';
const NEW_PASSWORD = 'a-new-password-456';
const TRIES = 40;

const csrfOf = (html: string) => /name="csrfToken" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('staff password reset by e-mail', () => {
  // The limits would stop the timing loop (one address asked for 40+ times).
  const { t, smtp } = useSuite({ smtp: true, geography: true, env: { RATE_LIMIT_MULTIPLIER: '100' } });
  let n = 0;

  const makeStaff = async () => {
    const email = `reset.${++n}.${Date.now()}@force.test`;
    const s = await t.app.get(StaffService).create({ email, name: `Officer ${n}`, password: PASSWORD, role: 'analyst' });
    return { ...s, email };
  };
  const jobsFor = async (email: string) =>
    (
      await t.sql<{ n: number }>(
        `SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'staff-password-reset' AND data->>'email' = $1)::int + (SELECT count(*) FROM pgboss.archive WHERE name = 'staff-password-reset' AND data->>'email' = $1)::int AS n`,
        [email],
      )
    )[0].n;
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const linkIn = async (address: string, nth = 1): Promise<string> => {
    await waitUntil(() => mailsTo(address).length >= nth, 20_000, `${nth} reset e-mail(s) to ${address}`);
    const text = mailsTo(address)[nth - 1].parsed.text ?? '';
    const url = /https?:\/\/\S+\/console\/reset-password\?token=\S+/.exec(text)?.[0];
    if (!url) throw new Error(`no reset link in: ${text}`);
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };
  const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token')!;

  const anon = async (): Promise<{ agent: Agent; csrf: string }> => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/console/forgot-password').expect(200);
    return { agent, csrf: csrfOf(form.text) };
  };
  const signIn = async (email: string, password: string) => {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/console/sign-in').expect(200);
    const res = await agent.post('/console/sign-in').type('form').send({ email, password, csrfToken: csrfOf(form.text), next: '/console' });
    return { agent, res };
  };
  const ask = async (email: string) => {
    const { agent, csrf } = await anon();
    return agent.post('/console/forgot-password').type('form').send({ email, csrfToken: csrf });
  };
  const setPassword = async (path: string, password: string) => {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get(path);
    // A refused link's page has no form: the CSRF token then comes from another page of the visit.
    const csrf = csrfOf(page.text) || csrfOf((await agent.get('/console/forgot-password')).text);
    const res = await agent.post('/console/reset-password').type('form').send({ token: tokenOf(path), password, confirm: password, csrfToken: csrf });
    return { page, res };
  };

  it('the sign-in page links to the form, and the form carries a CSRF token', async () => {
    const page = await t.http().get('/console/sign-in').expect(200);
    expect(page.text).toContain('href="/console/forgot-password"');
    expect(page.text).toContain('Forgot your password?');
    const form = await t.http().get('/console/forgot-password').expect(200);
    expect(csrfOf(form.text)).not.toBe('');
    // Without the CSRF token: refused, nothing queued.
    const before = await jobsFor('csrf.less@force.test');
    await request.agent(t.app.getHttpServer()).post('/console/forgot-password').type('form').send({ email: 'csrf.less@force.test' }).expect(403);
    expect(await jobsFor('csrf.less@force.test')).toBe(before);
  });

  it('resets end to end through the SMTP sink; the link then works no more, and every session ends', async () => {
    const s = await makeStaff();
    const other = await signIn(s.email, PASSWORD);
    expect(other.res.status).toBe(303);
    await other.agent.get('/console').expect(200);

    const asked = await ask(s.email.toUpperCase());
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe('/console/forgot-password?sent=1');
    const path = await linkIn(s.email);
    // The queue held the address the job looks up, and the e-mail job the staff id only.
    const [job] = await t.sql<{ data: { template: string; ref: Record<string, string> } }>(
      `SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data->>'template' = 'staff.password-reset' AND data->'ref'->>'staffId' = $1 UNION ALL SELECT data FROM pgboss.archive WHERE name = 'notify-email' AND data->>'template' = 'staff.password-reset' AND data->'ref'->>'staffId' = $1`,
      [s.id],
    );
    expect(job.data.ref).toEqual({ staffId: s.id });

    const { page, res } = await setPassword(path, NEW_PASSWORD);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="password"');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/sign-in?reset=1');

    // The other browser's session has ended.
    const after = await other.agent.get('/console');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/console\/sign-in/);
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM staff_session WHERE staff_id = $1 AND revoked_at IS NULL`, [s.id]))[0].n).toBe(0);
    // Old password refused, new one works.
    expect((await signIn(s.email, PASSWORD)).res.status).toBe(401);
    expect((await signIn(s.email, NEW_PASSWORD)).res.status).toBe(303);
    const audit = await t.sql<{ action: string; data: { sessionsEnded: number } | null }>(`SELECT action, data FROM audit_event WHERE subject = $1 AND action LIKE 'staff.password-reset%' ORDER BY at, action DESC`, [`staff:${s.id}`]);
    expect(audit.map((a) => a.action)).toEqual(['staff.password-reset-requested', 'staff.password-reset']);
    expect(audit[1].data?.sessionsEnded).toBe(1);

    // Used once: the same link is refused, and the password stays.
    const again = await setPassword(path, 'third-password-789');
    expect(again.page.status).toBe(400);
    expect(again.res.status).toBe(400);
    expect(again.res.text).toContain('may have been used already');
    expect((await signIn(s.email, NEW_PASSWORD)).res.status).toBe(303);
  });

  it('an expired link (over 30 minutes) is refused', async () => {
    const s = await makeStaff();
    const link = await t.app.get(PasswordResetService).linkFor(s.id, Date.now() - 31 * 60 * 1000);
    const u = new URL(link!.url);
    const { page, res } = await setPassword(`${u.pathname}${u.search}`, NEW_PASSWORD);
    expect(page.status).toBe(410);
    expect(res.status).toBe(410);
    expect(res.text).toContain('expired');
    expect((await signIn(s.email, PASSWORD)).res.status).toBe(303);
  });

  it('a tampered link and a too-short password are refused and change nothing', async () => {
    const s = await makeStaff();
    await ask(s.email);
    const path = await linkIn(s.email);
    const tampered = await setPassword(path.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`), NEW_PASSWORD);
    expect(tampered.res.status).toBe(400);
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get(path).expect(200);
    const short = await agent.post('/console/reset-password').type('form').send({ token: tokenOf(path), password: 'short', confirm: 'short', csrfToken: csrfOf(page.text) });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 12 characters');
    expect((await signIn(s.email, PASSWORD)).res.status).toBe(303);
  });

  it('an unknown address and an account without a password get the same answer, a job each, and no e-mail', async () => {
    const known = await makeStaff();
    const sso = await makeStaff();
    await t.sql(`UPDATE staff SET password_hash = NULL, oidc_subject = $2 WHERE id = $1`, [sso.id, `https://idp.test ${sso.id}`]);
    const unknown = `nobody.${Date.now()}@force.test`;
    const answers = await Promise.all([known.email, sso.email, unknown].map(async (e) => {
      const res = await ask(e);
      return JSON.stringify([res.status, res.headers.location, res.text]);
    }));
    expect(new Set(answers).size).toBe(1);
    expect(await jobsFor(unknown)).toBe(1);
    expect(await jobsFor(sso.email)).toBe(1);
    await linkIn(known.email);
    // Both other jobs have run (completed) and sent nothing.
    await waitUntil(async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT state FROM pgboss.job WHERE name = 'staff-password-reset' AND data->>'email' = ANY($1) UNION ALL SELECT state FROM pgboss.archive WHERE name = 'staff-password-reset' AND data->>'email' = ANY($1)) j WHERE state = 'completed'`, [[unknown, sso.email]]))[0].n === 2, 20_000, 'both jobs done');
    expect(mailsTo(unknown)).toHaveLength(0);
    expect(mailsTo(sso.email)).toHaveLength(0);
  });

  it('a password change needs the current password, ends every other session and keeps this browser signed in', async () => {
    const s = await makeStaff();
    const other = await signIn(s.email, PASSWORD);
    const mine = await signIn(s.email, PASSWORD);
    const form = await mine.agent.get('/console/password').expect(200);
    const csrf = csrfOf(form.text);
    const wrong = await mine.agent.post('/console/password').type('form').send({ current: 'not-my-password-1', password: NEW_PASSWORD, confirm: NEW_PASSWORD, csrfToken: csrf });
    expect(wrong.status).toBe(401);
    expect((await signIn(s.email, PASSWORD)).res.status).toBe(303);
    const res = await mine.agent.post('/console/password').type('form').send({ current: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD, csrfToken: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/console/password?done=1');
    await mine.agent.get('/console/password?done=1').expect(200);
    const gone = await other.agent.get('/console');
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toMatch(/^\/console\/sign-in/);
    expect((await signIn(s.email, PASSWORD)).res.status).toBe(401);
    expect((await signIn(s.email, NEW_PASSWORD)).res.status).toBe(303);
    const [audit] = await t.sql<{ data: { sessionsEnded: number } }>(`SELECT data FROM audit_event WHERE subject = $1 AND action = 'staff.password-changed'`, [`staff:${s.id}`]);
    // other, mine, and the check after the refused change.
    expect(audit.data.sessionsEnded).toBe(3);
  });

  it(`no timing oracle: a known address answers like an unknown one (${TRIES} interleaved tries)`, async () => {
    const s = await makeStaff();
    const { agent, csrf } = await anon();
    const forgot = (email: string) => agent.post('/console/forgot-password').type('form').send({ email, csrfToken: csrf });
    const timings = await interleavedTimings({
      tries: TRIES,
      warmUp: 5,
      known: () => forgot(s.email),
      unknown: (i) => forgot(`nobody.timing.${i}.${Date.now()}@force.test`),
      answer: (res) => JSON.stringify([res.status, res.headers.location, res.text]),
    });
    expect(timings.answers).toEqual([JSON.stringify([303, '/console/forgot-password?sent=1', 'See Other. Redirecting to /console/forgot-password?sent=1'])]);
    expectAlikeInTime('/console/forgot-password', timings, `median of ${TRIES}`);
  });
});

describe('staff password reset: rate limits', () => {
  const { t } = useSuite({ smtp: true });

  it('the form is limited per normalised e-mail (5 per 15 minutes), whatever its case or spaces', async () => {
    const email = `limited.${Date.now()}@force.test`;
    const ask = async (value: string) => {
      const agent = request.agent(t.app.getHttpServer());
      const form = await agent.get('/console/forgot-password').expect(200);
      return agent.post('/console/forgot-password').type('form').send({ email: value, csrfToken: csrfOf(form.text) });
    };
    const variants = [email, email.toUpperCase(), ` ${email}`, email, `${email} `];
    await awayFromWindowEdge(900, 20_000);
    for (const v of variants) expect((await ask(v)).status).toBe(303);
    const over = await ask(email.replace('limited', 'LIMITED'));
    expect(over.status).toBe(429);
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'staff-password-reset' AND data->>'email' = $1)::int + (SELECT count(*) FROM pgboss.archive WHERE name = 'staff-password-reset' AND data->>'email' = $1)::int AS n`,
      [email],
    );
    expect(n).toBe(5);
  }, 120_000);
});
