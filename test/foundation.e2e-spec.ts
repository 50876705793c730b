import { beforeAll, describe, expect, it } from '@jest/globals';
import { pendingSchemaChanges } from '../migrations/data-source';
import { BootstrapService } from '../apps/api/src/seed/bootstrap.service';
import { awayFromWindowEdge } from './utils/rate-limit-window';
import { useSuite } from './utils/suite';
import { loginAs, SMALL_GEOGRAPHY } from './utils/test-app';

describe('foundation', () => {
  const { t } = useSuite({ geography: true, env: { ADMIN_EMAIL: 'root@force.example', ADMIN_PASSWORD: 'bootstrap-password-1' } });
  beforeAll(async () => {
    await t.app.get(BootstrapService).run();
  });

  it('reports health of database and queue', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up', queue: 'up' });
  });

  it('has no schema drift: the migrations give exactly the schema the entities describe', async () => {
    const changes = await pendingSchemaChanges(t.config.db.url!);
    expect(changes.up).toEqual([]);
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.paths['/api/v1/auth/staff/login']).toBeDefined();
  });

  it('lists NPUs and wards by NPU', async () => {
    const npus = await t.http().get('/api/v1/npus').expect(200);
    expect(npus.body).toEqual([
      { code: 'BE', name: 'Birmingham East' },
      { code: 'SW', name: 'Sandwell' },
    ]);
    const wards = await t.http().get('/api/v1/wards?npu=SW').expect(200);
    expect(wards.body).toEqual([
      { code: 'SW01', name: 'Oldbury', npuCode: 'SW', neighbourhood: 'Oldbury', population: 14100 },
      { code: 'SW02', name: 'Smethwick', npuCode: 'SW', neighbourhood: 'Smethwick', population: 14000 },
    ]);
    await t.http().get('/api/v1/wards?npu=sw;drop').expect(400);
  });

  describe('staff login', () => {
    it('bootstraps the admin from ADMIN_EMAIL / ADMIN_PASSWORD and lets them sign in', async () => {
      const res = await t.http().post('/api/v1/auth/staff/login').send({ email: 'ROOT@force.example', password: 'bootstrap-password-1' }).expect(200);
      expect(res.body.staff).toMatchObject({ email: 'root@force.example', role: 'admin', npuCode: null });
      expect(typeof res.body.accessToken).toBe('string');
    });

    it('answers an unknown e-mail exactly as a wrong password', async () => {
      const wrong = await t.http().post('/api/v1/auth/staff/login').send({ email: 'root@force.example', password: 'not-the-password' }).expect(401);
      const unknown = await t.http().post('/api/v1/auth/staff/login').send({ email: 'ghost@force.example', password: 'not-the-password' }).expect(401);
      const strip = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Email or password is incorrect' });
    });

    it('rate limits repeated attempts on one address', async () => {
      const statuses: number[] = [];
      await awayFromWindowEdge(300, 20_000);
      for (let i = 0; i < 12; i++) {
        const res = await t.http().post('/api/v1/auth/staff/login').send({ email: 'target@force.example', password: `guess-${i}` });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
    }, 120_000);

    it('stores only a scrypt hash', async () => {
      const [row] = await t.sql<{ password_hash: string }>(`SELECT password_hash FROM staff WHERE email = 'root@force.example'`);
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(row.password_hash).not.toContain('bootstrap-password-1');
    });
  });

  describe('roles and NPU scope', () => {
    it('401 without a token, 401 with a forged token', async () => {
      await t.http().get('/api/v1/staff').expect(401);
      await t.http().get('/api/v1/staff').set('Authorization', 'Bearer abc.def.ghi').expect(401);
    });

    it('an ECO of BE sees BE staff but gets 403 for SW', async () => {
      const eco = await loginAs(t, 'eco', 'BE');
      await loginAs(t, 'officer', 'SW');
      const own = await t.http().get('/api/v1/staff').set(...eco.auth).expect(200);
      expect(own.body.length).toBeGreaterThan(0);
      expect(own.body.every((s: { npuCode: string }) => s.npuCode === 'BE')).toBe(true);
      const other = await t.http().get('/api/v1/staff?npu=SW').set(...eco.auth).expect(403);
      expect(other.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });

    it('only admins create staff; the write is audited', async () => {
      const eco = await loginAs(t, 'eco', 'BE');
      const admin = await loginAs(t, 'admin');
      const body = { email: 'new.officer@force.example', name: 'New Officer', password: 'a-long-password', role: 'officer', npuCode: 'SW' };
      await t.http().post('/api/v1/staff').set(...eco.auth).send(body).expect(403);
      const res = await t.http().post('/api/v1/staff').set(...admin.auth).send(body).expect(201);
      expect(res.body).toMatchObject({ email: 'new.officer@force.example', role: 'officer', npuCode: 'SW' });
      expect(res.body.passwordHash).toBeUndefined();
      const audit = await t.sql(`SELECT actor, action, data FROM audit_event WHERE action = 'POST /api/v1/staff'`);
      expect(audit).toHaveLength(1);
      expect(audit[0].actor).toBe(`staff:${admin.id}`);
      expect((audit[0].data as { body: { password: string } }).body.password).toBe('***');
      await t.http().post('/api/v1/staff').set(...admin.auth).send(body).expect(409);
    });
  });

  describe('validation', () => {
    it('names each bad field, writes nothing', async () => {
      const admin = await loginAs(t, 'admin');
      const [{ n: before }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM staff');
      const res = await t
        .http()
        .post('/api/v1/staff')
        .set(...admin.auth)
        .send({ email: 'not-an-email', name: '', password: 'short', role: 'sheriff', npuCode: 'be', extra: true })
        .expect(400);
      expect(res.body.statusCode).toBe(400);
      expect(res.body.error).toBe('Bad Request');
      for (const field of ['email', 'name', 'password', 'role', 'npuCode', 'extra']) expect(res.body.message).toContain(field);
      const [{ n: after }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM staff');
      expect(after).toBe(before);
    });

    it('a role scoped to an NPU must name an existing NPU', async () => {
      const admin = await loginAs(t, 'admin');
      const base = { email: 'x@force.example', name: 'X', password: 'a-long-password', role: 'officer' };
      await t.http().post('/api/v1/staff').set(...admin.auth).send(base).expect(400);
      await t.http().post('/api/v1/staff').set(...admin.auth).send({ ...base, npuCode: 'ZZ' }).expect(400);
    });

    it('malformed JSON is a 400 in the standard body', async () => {
      const res = await t.http().post('/api/v1/auth/staff/login').set('Content-Type', 'application/json').send('{"email":').expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.stack).toBeUndefined();
    });
  });

  describe('geography CSV import', () => {
    it('is idempotent', async () => {
      const admin = await loginAs(t, 'admin');
      const res = await t.http().post('/api/v1/geography/import').set(...admin.auth).set('Content-Type', 'text/csv').send(SMALL_GEOGRAPHY).expect(200);
      expect(res.body).toEqual({ rows: 5, npusCreated: 0, neighbourhoodsCreated: 0, wardsCreated: 0, wardsUpdated: 5, wardsMoved: 0 });
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM ward');
      expect(n).toBe(5);
    });

    it('imports new wards and neighbourhoods', async () => {
      const admin = await loginAs(t, 'admin');
      const csv = 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\nCV,Coventry,Coventry South,CV01,Earlsdon,16400\n';
      const res = await t.http().post('/api/v1/geography/import').set(...admin.auth).set('Content-Type', 'text/csv').send(csv).expect(200);
      expect(res.body).toEqual({ rows: 1, npusCreated: 1, neighbourhoodsCreated: 1, wardsCreated: 1, wardsUpdated: 0, wardsMoved: 0 });
    });

    it('rejects a file with a bad row, naming the line, and imports nothing', async () => {
      const admin = await loginAs(t, 'admin');
      const csv = [
        'npu_code,npu_name,neighbourhood,ward_code,ward_name,population',
        'WV,Wolverhampton,Wolverhampton North East,WV01,Heath Town,13500',
        'WV,Wolverhampton,Wolverhampton North East,WV02,Oxley,many',
      ].join('\n');
      const res = await t.http().post('/api/v1/geography/import').set(...admin.auth).set('Content-Type', 'text/csv').send(csv).expect(400);
      expect(res.body.message).toContain('line 3');
      expect(res.body.message).toContain('population');
      expect(await t.sql(`SELECT code FROM npu WHERE code = 'WV'`)).toEqual([]);
      expect(await t.sql(`SELECT code FROM ward WHERE code LIKE 'WV%'`)).toEqual([]);
    });

    it('is for admins only', async () => {
      const eco = await loginAs(t, 'eco', 'BE');
      await t.http().post('/api/v1/geography/import').set(...eco.auth).set('Content-Type', 'text/csv').send(SMALL_GEOGRAPHY).expect(403);
    });

    // Issue 14 (HIGH 1): a BE admin imported `BE,…,SW01,Abbey` and took SW01 and its residents.
    const TAKE_SW01 = 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\nBE,Birmingham East,Hodge Hill,SW01,Abbey,14100\n';
    const sw01 = async () => (await t.sql<{ npu_code: string; name: string }>(`SELECT npu_code, name FROM ward WHERE code = 'SW01'`))[0];

    it('is for force-wide admins only: an NPU-bound admin gets 403 and changes nothing', async () => {
      const adminBE = await loginAs(t, 'admin', 'BE');
      for (const csv of [TAKE_SW01, SMALL_GEOGRAPHY]) {
        const res = await t.http().post('/api/v1/geography/import?moveWards=true').set(...adminBE.auth).set('Content-Type', 'text/csv').send(csv).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
      expect(await sw01()).toEqual({ npu_code: 'SW', name: 'Oldbury' });
    });

    it('never moves a ward to another NPU unless asked (409, nothing written)', async () => {
      const admin = await loginAs(t, 'admin');
      const audits = async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'geography.ward.move'`))[0].n;
      const before = await audits();
      const res = await t.http().post('/api/v1/geography/import').set(...admin.auth).set('Content-Type', 'text/csv').send(TAKE_SW01).expect(409);
      expect(res.body.message).toContain('SW01 (SW → BE)');
      expect(await sw01()).toEqual({ npu_code: 'SW', name: 'Oldbury' });
      expect(await audits()).toBe(before);
    });

    it('moves a ward only with ?moveWards=true from a force-wide admin, auditing the old and new NPU', async () => {
      const admin = await loginAs(t, 'admin');
      const res = await t.http().post('/api/v1/geography/import?moveWards=true').set(...admin.auth).set('Content-Type', 'text/csv').send(TAKE_SW01).expect(200);
      expect(res.body).toEqual({ rows: 1, npusCreated: 0, neighbourhoodsCreated: 0, wardsCreated: 0, wardsUpdated: 1, wardsMoved: 1 });
      expect(await sw01()).toEqual({ npu_code: 'BE', name: 'Abbey' });
      expect(await t.sql(`SELECT actor, subject, data FROM audit_event WHERE action = 'geography.ward.move'`)).toEqual([
        { actor: `staff:${admin.id}`, subject: 'ward:SW01', data: { wardCode: 'SW01', fromNpu: 'SW', toNpu: 'BE' } },
      ]);
      // Put it back the same way, so the rest of the file sees SMALL_GEOGRAPHY.
      await t.http().post('/api/v1/geography/import?moveWards=true').set(...admin.auth).set('Content-Type', 'text/csv').send(SMALL_GEOGRAPHY).expect(200);
      expect(await sw01()).toEqual({ npu_code: 'SW', name: 'Oldbury' });
    });
  });

  describe('force-wide admin routes (issue 14: NPU-bound admin doing force-wide things)', () => {
    it('an NPU-bound admin may not add scheme types or set any NPU’s fund budget, its own included', async () => {
      const adminBE = await loginAs(t, 'admin', 'BE');
      const root = await loginAs(t, 'admin');
      await t.http().post('/api/v1/scheme-types').set(...adminBE.auth).send({ code: 'fw_watch', name: 'FW Watch' }).expect(403);
      await t.http().put('/api/v1/funds/BE/2019-20').set(...adminBE.auth).send({ budgetPence: 99_000_000 }).expect(403);
      await t.http().put('/api/v1/funds/SW/2019-20').set(...adminBE.auth).send({ budgetPence: 99_000_000 }).expect(403);
      expect(await t.sql(`SELECT code FROM scheme_type WHERE code = 'fw_watch'`)).toEqual([]);
      expect(await t.sql(`SELECT budget_pence FROM fund WHERE npu_code = 'BE' AND financial_year = '2019-20' AND budget_pence = 99000000`)).toEqual([]);
      await t.http().post('/api/v1/scheme-types').set(...root.auth).send({ code: 'fw_watch', name: 'FW Watch' }).expect(201);
      await t.http().put('/api/v1/funds/BE/2019-20').set(...root.auth).send({ budgetPence: 99_000_000 }).expect(200);
    });
  });
});
