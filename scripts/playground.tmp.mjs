// temporary: persistent 1M-resident database for fan-out experiments
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { loadConfig, startEmbeddedPostgres } from '../dist/libs/core/src/index.js';
import { GeographyService } from '../dist/libs/geography/src/index.js';
import { AppModule } from '../dist/apps/api/src/app.module.js';
import { migrate } from '../dist/migrations/data-source.js';
const server = await startEmbeddedPostgres({ dataDir: '/tmp/play/pg', port: 55432, database: 'beacon', persistent: true, fsync: true });
await migrate(server.url);
const config = loadConfig({ DATABASE_URL: server.url, JWT_SECRET: 'x'.repeat(40), LINK_SECRET: 'y'.repeat(40), LOG_LEVEL: 'warn', RUN_WORKER: 'false', SEED_DEMO: 'false' });
const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
await app.get(GeographyService).seedWestMidlands();
await app.close();
const db = new pg.Pool({ connectionString: server.url });
const n = Number(process.argv[2] ?? 1000000);
const { rows } = await db.query('SELECT count(*)::int n FROM resident');
if (rows[0].n === 0) {
  await db.query(`INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at, activated_at, consent_at, source, age_band, ethnicity)
     SELECT 'bench' || g || '@example.org', CASE WHEN g % 3 = 0 THEN '+447' || lpad(g::text, 9, '0') END,
            'Bench', 'Resident', w.codes[1 + g % w.n], 'active', now(), CASE WHEN g % 3 = 0 THEN now() END,
            now() - (g % 540) * interval '1 day', now(), 'online', '25-34', 'white'
       FROM generate_series(1, $1::int) g, (SELECT array_agg(code ORDER BY code) AS codes, count(*)::int AS n FROM ward) w`, [n]);
  await db.query(`INSERT INTO resident_channel (resident_id, channel) SELECT id, 'email' FROM resident`);
  await db.query(`INSERT INTO resident_channel (resident_id, channel) SELECT id, 'sms' FROM resident WHERE phone_e164 IS NOT NULL`);
  await db.query(`INSERT INTO resident_topic (resident_id, topic) SELECT id, (ARRAY['crime_alerts','appeals','events','meetings'])[1 + (hashtext(id::text) & 3)] FROM resident`);
  await db.query('VACUUM ANALYZE');
}
console.log('ready', server.url);
await db.end();
