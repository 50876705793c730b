import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenService, LinkTokenService } from '@beacon/auth';
import { DomainException, Public, ResidentOnly, Staff, StaffPage, type BeaconRequest, type StaffRole } from '@beacon/core';
import { AuthGuard } from '../libs/auth/src/guards/auth.guard';
import { StaffSessionService } from '../libs/auth/src/sessions/staff-session.service';
import { StaffRepository } from '../libs/auth/src/staff/staff.repository';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';

/**
 * Issue 27: the global AuthGuard's every branch (libs/auth/src/guards/auth.guard.ts), against the
 * real app (staff rows, sessions, resident standing and tokens on PostgreSQL). Real routes over
 * HTTP first; then the guard itself on handlers declared here, because the services behind the
 * real routes repeat the NPU check (scopedNpu / assertNpuAccess), which would hide a broken guard.
 */

/** Handlers declaring each kind of rule, read by the guard through the real Reflector. */
@Public()
class OpenProbe {
  open(): void {}
  @Staff()
  closed(): void {}
}
class Probe {
  undeclared(): void {}
  @ResidentOnly()
  resident(): void {}
  @Staff({ roles: ['admin', 'eco'] })
  adminOrEco(): void {}
  @Staff({ roles: ['admin'], forceWide: true })
  forceWide(): void {}
  @Staff({ npuFrom: ['query.npu', 'body.npuCode', 'params.npuCode'] })
  scoped(): void {}
  @Staff({ npuFrom: ['body.area.npu'] })
  nested(): void {}
  @StaffPage({ roles: ['admin', 'eco'], npuFrom: ['params.npuCode'] })
  page(): void {}
}

describe('AuthGuard: every branch (mutation testing, issue 27)', () => {
  const { t } = useSuite({ geography: true });
  let guard: AuthGuard;
  let tokens: AccessTokenService;
  const who: Record<'adminForce' | 'adminBE' | 'ecoBE' | 'analystForce' | 'officerGone', string> = {} as never;
  let residentId: string;
  let erasedId: string;

  beforeAll(async () => {
    // Straight into the table (no password: these accounts only ever hold tokens and sessions made here).
    const make = async (role: StaffRole, npuCode: string | null) =>
      (await t.sql<{ id: string }>(`INSERT INTO staff (email, name, role, npu_code) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`, [`${role}.${npuCode ?? 'force'}@guard.test`, `Guard ${role}`, role, npuCode]))[0].id;
    who.adminForce = await make('admin', null);
    who.adminBE = await make('admin', 'BE');
    who.ecoBE = await make('eco', 'BE');
    who.analystForce = await make('analyst', null);
    who.officerGone = await make('officer', 'BE');
    await t.sql(`UPDATE staff SET active = false WHERE id = $1`, [who.officerGone]);
    residentId = (await makeResident(t, { ward: 'BE01' })).id;
    erasedId = (await makeResident(t, { ward: 'BE01', status: 'erased', email: null, phone: null, channels: [] })).id;
    tokens = t.app.get(AccessTokenService);
    guard = new AuthGuard(t.app.get(Reflector), tokens, t.app.get(StaffRepository), t.app.get(StaffSessionService), t.app.get(DiscoveryService));
  });

  const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
  const staffToken = (id: string) => tokens.signStaff(id);
  const expiredStaffToken = (id: string) => t.app.get(JwtService).sign({ sub: id, typ: 'staff' }, { expiresIn: -60 });
  const session = (id: string) => t.app.get(StaffSessionService).start(id);
  const cookie = async (id: string): Promise<[string, string]> => ['Cookie', `${t.app.get(StaffSessionService).cookieName}=${await session(id)}`];

  describe('over HTTP, on real routes', () => {
    const me = (...headers: [string, string][]) => headers.reduce((r, h) => r.set(...h), t.http().get('/api/v1/staff/me'));

    it('a staff route: no credential, a wrong scheme, an empty bearer, a bad, expired or other-purpose token are 401 with the reason', async () => {
      const cases: [string, [string, string][], string][] = [
        ['anonymous', [], 'Sign in required'],
        ['basic auth', [['Authorization', `Basic ${Buffer.from('x:password').toString('base64')}`]], 'Sign in required'],
        ['lower-case scheme', [['Authorization', `bearer ${staffToken(who.ecoBE)}`]], 'Sign in required'],
        ['empty bearer', [['Authorization', 'Bearer    ']], 'Sign in required'],
        ['garbage', [bearer('not.a.jwt')], 'Invalid or expired access token'],
        ['expired', [bearer(expiredStaffToken(who.ecoBE))], 'Invalid or expired access token'],
        ['a link token (other purpose)', [bearer(t.app.get(LinkTokenService).sign('magic-link', { r: residentId }, 600))], 'Invalid or expired access token'],
        ['a resident token', [bearer(tokens.signResident(residentId))], 'Sign in as staff'],
        ['a deactivated account', [bearer(staffToken(who.officerGone))], 'Invalid or expired access token'],
        ['an unknown account', [bearer(staffToken('00000000-0000-4000-8000-000000000000'))], 'Invalid or expired access token'],
        ['the console session cookie', [await cookie(who.ecoBE)], 'Sign in required'],
      ];
      const seen = [];
      for (const [name, headers] of cases) {
        const res = await me(...headers);
        seen.push([name, res.status, res.body]);
      }
      expect(seen).toEqual(cases.map(([name, , message]) => [name, 401, { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message }]));
    });

    it('a valid bearer (padded with spaces after the scheme) reaches the route with the staff principal from the database', async () => {
      const [row] = await t.sql<{ email: string }>(`SELECT email FROM staff WHERE id = $1`, [who.ecoBE]);
      const res = await me(['Authorization', `Bearer   ${staffToken(who.ecoBE)}`]).expect(200);
      expect(res.body).toEqual({ id: who.ecoBE, email: row.email, name: 'Guard eco', role: 'eco', npuCode: 'BE' });
    });

    it('a public route needs nothing; a resident route takes only a resident token of a resident still there', async () => {
      await t.http().get('/health').expect(200);
      const profile = (...headers: [string, string][]) => headers.reduce((r, h) => r.set(...h), t.http().get('/api/v1/me'));
      expect((await profile(bearer(tokens.signResident(residentId))).expect(200)).body).toMatchObject({ id: residentId });
      for (const [headers, message] of [
        [[], 'Sign in required'],
        [[bearer(staffToken(who.adminForce))], 'Sign in as a resident'],
        [[bearer(tokens.signResident(erasedId))], 'Invalid or expired access token'],
        [[bearer(tokens.signResident('00000000-0000-4000-8000-000000000000'))], 'Invalid or expired access token'],
      ] as [[string, string][], string][]) {
        expect((await profile(...headers)).body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message });
      }
    });

    it('a console page takes only the session cookie: a bearer token is no credential there', async () => {
      const home = (...headers: [string, string][]) => headers.reduce((r, h) => r.set(...h), t.http().get('/console'));
      await home(await cookie(who.ecoBE)).expect(200);
      const anon = await home();
      const withBearer = await home(bearer(staffToken(who.ecoBE)));
      const badCookie = await home(['Cookie', `${t.app.get(StaffSessionService).cookieName}=${'x'.repeat(43)}`]);
      expect([withBearer.status, withBearer.headers.location, badCookie.status, badCookie.headers.location]).toEqual([anon.status, anon.headers.location, anon.status, anon.headers.location]);
      expect(anon.status).not.toBe(200);
      // A role the page does not allow: 403, not the sign-in page.
      await t.http().get('/console/geography').set(...(await cookie(who.ecoBE))).expect(403);
      await t.http().get('/console/geography').set(...(await cookie(who.adminForce))).expect(200);
    });

    it('a route that needs a role: 403 naming the roles; force-wide routes refuse NPU-bound staff of that role', async () => {
      const list = await t.http().get('/api/v1/staff').set(...bearer(staffToken(who.analystForce)));
      expect([list.status, list.body.message]).toEqual([403, 'Requires role: admin or npu_lead or eco']);
      const importAs = (id: string) => t.http().post('/api/v1/geography/import').set(...bearer(staffToken(id))).set('Content-Type', 'text/csv').send('nope');
      const bound = await importAs(who.adminBE);
      expect([bound.status, bound.body.message]).toEqual([403, 'Only force-wide staff may do this']);
      // Force-wide: the guard lets it through to the import, which refuses the CSV.
      expect((await importAs(who.adminForce)).status).toBe(400);
    });
  });

  describe('the guard on handlers declared here (the services behind real routes repeat some checks)', () => {
    const ctx = (cls: object, handler: unknown, req: BeaconRequest, type: string) =>
      ({
        getType: () => type,
        getHandler: () => handler,
        getClass: () => cls,
        switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}), getNext: () => undefined }),
      }) as unknown as ExecutionContext;
    /** 'ok' with the principal set, or the DomainException's code and message. */
    const run = async (handler: keyof Probe | keyof OpenProbe, req: Record<string, unknown> = {}, type = 'http') => {
      const cls = handler in OpenProbe.prototype ? OpenProbe : Probe;
      const request = { headers: {}, query: {}, params: {}, ...req } as BeaconRequest;
      try {
        const allowed = await guard.canActivate(ctx(cls, (cls.prototype as unknown as Record<string, unknown>)[handler], request, type));
        return { allowed, principal: request.principal };
      } catch (e) {
        if (!(e instanceof DomainException)) throw e;
        return { code: e.code, message: e.message };
      }
    };
    const as = (id: string) => ({ headers: { authorization: `Bearer ${staffToken(id)}` } });
    const principalOf = async (id: string) => {
      const [r] = await t.sql<{ email: string; name: string; role: string; npu_code: string | null }>(`SELECT email, name, role, npu_code FROM staff WHERE id = $1`, [id]);
      return { kind: 'staff', id, email: r.email, name: r.name, role: r.role, npuCode: r.npu_code };
    };
    const denied = (message: string) => ({ code: 'FORBIDDEN', message });
    const unauthenticated = (message: string) => ({ code: 'UNAUTHENTICATED', message });

    it('lets anything but HTTP through untouched, and public handlers without a credential', async () => {
      expect(await run('closed', {}, 'rpc')).toEqual({ allowed: true, principal: undefined });
      expect(await run('open')).toEqual({ allowed: true, principal: undefined });
      // The handler's own rule wins over its class's.
      expect(await run('closed')).toEqual(unauthenticated('Sign in required'));
    });

    it('an undeclared handler is staff-only, for any role', async () => {
      expect(await run('undeclared')).toEqual(unauthenticated('Sign in required'));
      expect(await run('undeclared', { headers: { authorization: `Bearer ${tokens.signResident(residentId)}` } })).toEqual(unauthenticated('Sign in as staff'));
      expect(await run('undeclared', as(who.analystForce))).toEqual({ allowed: true, principal: await principalOf(who.analystForce) });
    });

    it('a resident handler sets the resident principal', async () => {
      expect(await run('resident', { headers: { authorization: `Bearer ${tokens.signResident(residentId)}` } })).toEqual({ allowed: true, principal: { kind: 'resident', id: residentId } });
      expect(await run('resident', { headers: { authorization: `Bearer ${tokens.signResident(erasedId)}` } })).toEqual(unauthenticated('Invalid or expired access token'));
    });

    it('roles and force-wide', async () => {
      expect(await run('adminOrEco', as(who.analystForce))).toEqual(denied('Requires role: admin or eco'));
      expect(await run('adminOrEco', as(who.ecoBE))).toMatchObject({ allowed: true });
      expect(await run('forceWide', as(who.adminBE))).toEqual(denied('Only force-wide staff may do this'));
      expect(await run('forceWide', as(who.ecoBE))).toEqual(denied('Requires role: admin'));
      expect(await run('forceWide', as(who.adminForce))).toMatchObject({ allowed: true });
    });

    it('npuFrom: every named field, single or repeated, is checked; absent, null and empty ones are not', async () => {
      const scoped = (id: string, req: Record<string, unknown>) => run('scoped', { ...as(id), ...req });
      const other = denied('Your role is limited to NPU BE');
      expect(await scoped(who.ecoBE, {})).toMatchObject({ allowed: true });
      expect(await scoped(who.ecoBE, { query: { npu: 'BE' }, body: { npuCode: 'BE' }, params: { npuCode: 'BE' } })).toMatchObject({ allowed: true });
      expect(await scoped(who.ecoBE, { query: { npu: '' }, body: { npuCode: null } })).toMatchObject({ allowed: true });
      expect(await scoped(who.ecoBE, { query: { npu: ['BE', 'BE'] } })).toMatchObject({ allowed: true });
      expect(await scoped(who.ecoBE, { query: { npu: 'SW' } })).toEqual(other);
      expect(await scoped(who.ecoBE, { body: { npuCode: 'SW' } })).toEqual(other);
      expect(await scoped(who.ecoBE, { params: { npuCode: 'SW' } })).toEqual(other);
      expect(await scoped(who.ecoBE, { query: { npu: ['BE', 'SW'] } })).toEqual(other);
      expect(await scoped(who.ecoBE, { body: { npuCode: 0 } })).toEqual(other);
      // No body at all (a GET, or a POST nothing parsed): nothing to check.
      expect(await scoped(who.ecoBE, { body: undefined })).toMatchObject({ allowed: true });
      // Force-wide staff may name any NPU.
      expect(await scoped(who.adminForce, { query: { npu: ['BE', 'SW'] }, body: { npuCode: 'SW' } })).toMatchObject({ allowed: true });
    });

    it('npuFrom with a nested path follows objects only', async () => {
      const nested = (body: unknown) => run('nested', { ...as(who.ecoBE), body });
      expect(await nested({ area: { npu: 'SW' } })).toEqual(denied('Your role is limited to NPU BE'));
      expect(await nested({ area: { npu: 'BE' } })).toMatchObject({ allowed: true });
      for (const body of [{ area: null }, { area: 'SW' }, { area: 7 }, {}, undefined]) expect(await nested(body)).toMatchObject({ allowed: true });
    });

    it('a staff page: the session cookie only, then the same role and NPU checks', async () => {
      const name = t.app.get(StaffSessionService).cookieName;
      const page = async (id: string | null, extra: Record<string, unknown> = {}) =>
        run('page', { cookies: id ? { [name]: await session(id) } : {}, params: { npuCode: 'BE' }, ...extra });
      expect(await page(who.ecoBE)).toMatchObject({ allowed: true, principal: { ...(await principalOf(who.ecoBE)), sessionId: expect.any(String) } });
      expect(await page(null)).toEqual(unauthenticated('Sign in required'));
      expect(await page(null, { cookies: undefined })).toEqual(unauthenticated('Sign in required'));
      expect(await page(null, as(who.ecoBE))).toEqual(unauthenticated('Sign in required'));
      expect(await page(who.analystForce)).toEqual(denied('Requires role: admin or eco'));
      expect(await page(who.ecoBE, { params: { npuCode: 'SW' } })).toEqual(denied('Your role is limited to NPU BE'));
    });
  });
});
