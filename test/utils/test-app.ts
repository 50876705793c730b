import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { StaffService } from '@beacon/auth';
import { configureApp, createPinoLogger, loadConfig, PinoNestLogger, QueueService, type AppConfig, type StaffRole } from '@beacon/core';
import type { DestinationStream } from 'pino';
import { AppModule } from '../../apps/api/src/app.module';

import PgBoss from 'pg-boss';
import { migrate } from '../../migrations/data-source';

const TEMPLATE_DB = 'beacon_template';

function serverUrl(db: string): string {
  const base = process.env.BEACON_TEST_PG_URL;
  if (!base) throw new Error('BEACON_TEST_PG_URL is not set: run tests through `npm test`');
  return base.replace(/\/[^/]+$/, `/${db}`);
}

/** Migrates the template once per run; other files wait on the advisory lock. */
async function ensureTemplate(admin: pg.Client): Promise<void> {
  await admin.query('SELECT pg_advisory_lock(7331)');
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}_building`);
    const url = serverUrl(`${TEMPLATE_DB}_building`);
    await migrate(url);
    const boss = new PgBoss({ connectionString: url, schema: 'pgboss', schedule: false, supervise: false });
    // A pooled connection pg-boss is still closing can be killed by the terminate below; with no
    // listener its 57P01 would fail whichever test file built the template. Anything else fails it.
    const bossErrors: unknown[] = [];
    boss.on('error', (err: unknown) => {
      if ((err as { code?: string }).code !== '57P01') bossErrors.push(err);
    });
    await boss.start();
    await boss.stop({ graceful: false, wait: true });
    if (bossErrors.length) throw bossErrors[0];
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [`${TEMPLATE_DB}_building`]);
    await admin.query(`ALTER DATABASE ${TEMPLATE_DB}_building RENAME TO ${TEMPLATE_DB}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7331)');
  }
}

/** Secrets of every test app; child processes (the built worker and API) get the same. */
export const TEST_SECRETS = { JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789', LINK_SECRET: 'test-link-secret-0123456789abcdef012345678' };

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** supertest against the running app */
  http: () => ReturnType<typeof request>;
  /** direct SQL for assertions */
  db: pg.Pool;
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A fresh database (copied from the migrated template) for this test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `beacon_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await ensureTemplate(admin);
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
        break;
      } catch (err) {
        // Another file may be copying the template at this instant.
        if (attempt > 20 || !String(err).includes('being accessed')) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return serverUrl(name);
}

/**
 * Boots the real AppModule on a fresh database, or on `env.DATABASE_URL` when given (already
 * migrated). With `opts.logTo` the app logs as production does (pino JSON, request logs, Nest's
 * own lines) at `opts.logLevel` (default debug) into that stream, for tests that read the logs.
 */
export async function createTestApp(env: Record<string, string> = {}, opts: { logTo?: DestinationStream; logLevel?: string } = {}): Promise<TestApp> {
  const url = env.DATABASE_URL ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: url,
    ...TEST_SECRETS,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RUN_WORKER: 'true',
    SEED_DEMO: 'false',
    PUBLIC_URL: 'http://beacon.test',
    // Other files sign staff in with a password alone; test/staff-identity.e2e-spec.ts runs the default.
    STAFF_MFA_REQUIRED_ROLES: 'none',
    // The dev outbox (no SMTP/Twilio configured) writes here, never into the repository.
    DATA_DIR: join(tmpdir(), `beacon-test-data-${process.pid}`),
    ...env,
  });
  const pinoLogger = opts.logTo ? createPinoLogger(opts.logLevel ?? 'debug', opts.logTo) : undefined;
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: pinoLogger ? new PinoNestLogger(pinoLogger) : false, bodyParser: false });
  configureApp(app, config, pinoLogger);
  await app.init();
  const db = new pg.Pool({ connectionString: url, max: 4 });
  // The shared server is stopped after the last file; an idle client must not crash the worker then.
  db.on('error', () => undefined);
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    db,
    sql: async (text, values) => (await db.query(text, values)).rows,
    close: async () => {
      const queue = app.get(QueueService);
      try {
        await app.close();
        // app.close() bounds the wait for running jobs (as production's shutdown must); a test
        // file must not end while one still runs, or pg-boss's monitors outlive its modules.
        await queue.settled();
      } finally {
        await db.end();
      }
    },
  };
}

let seq = 0;
const PASSWORD = 'test-password-123';

/** Creates a staff member with that role and NPU and returns a bearer token. */
export async function loginAs(t: TestApp, role: StaffRole, npuCode: string | null = null): Promise<{ token: string; id: string; auth: [string, string] }> {
  const email = `${role}.${npuCode ?? 'force'}.${++seq}.${randomBytes(3).toString('hex')}@test.local`;
  const staff = await t.app.get(StaffService).create({ email, name: `${role} ${npuCode ?? ''}`.trim(), password: PASSWORD, role, npuCode });
  const res = await t.http().post('/api/v1/auth/staff/login').send({ email, password: PASSWORD }).expect(200);
  return { token: res.body.accessToken, id: staff.id, auth: ['Authorization', `Bearer ${res.body.accessToken}`] };
}

export type Login = Awaited<ReturnType<typeof loginAs>>;

/** `loginAs` for each key's role and NPU, all at once: `loginAll(t, { admin: ['admin'], ecoBE: ['eco', 'BE'] })`. */
export async function loginAll<K extends string>(t: TestApp, who: Record<K, readonly [StaffRole, string?]>): Promise<Record<K, Login>> {
  const keys = Object.keys(who) as K[];
  const logins = await Promise.all(keys.map((k) => loginAs(t, who[k][0], who[k][1] ?? null)));
  return Object.fromEntries(keys.map((k, i) => [k, logins[i]])) as Record<K, Login>;
}

export const SMALL_GEOGRAPHY = [
  'npu_code,npu_name,neighbourhood,ward_code,ward_name,population',
  'BE,Birmingham East,Hodge Hill,BE01,Hodge Hill,27000',
  'BE,Birmingham East,Hodge Hill,BE02,Shard End,26500',
  'BE,Birmingham East,Yardley,BE03,Acocks Green,28300',
  'SW,Sandwell,Oldbury,SW01,Oldbury,14100',
  'SW,Sandwell,Smethwick,SW02,Smethwick,14000',
].join('\n');

/** Loads a small two-NPU geography straight through the service. */
export async function seedGeography(t: TestApp): Promise<void> {
  const { GeographyService } = await import('@beacon/geography');
  await t.app.get(GeographyService).importCsv(SMALL_GEOGRAPHY);
}
