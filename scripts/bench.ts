// npm run bench [-- --residents 1000000 --recipients 50000 --messages 10000 --ratings 2000000 --deliveries 20000000]
//                [--skip-delivery] [--skip-http | --only-http]
//                [--http-connections 50 --http-duration 10 --rating-links 20000] [--cpu-prof DIR]
// Prints figures; asserts nothing. Runs on its own throwaway embedded PostgreSQL (fsync on).
// Sections: seeding; fan-out; reports; delivery throughput (separate worker process); HTTP load
// (production API build as its own process, autocannon as another). --only-http: seeding + HTTP.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { GeographyService } from '@beacon/geography';
import { MessageLifecycleService, MessageService } from '@beacon/messaging';
import { FanOutJob } from '../libs/messaging/src/fan-out/fan-out.job';
import { BENCH_LOGIN, benchAdmin, bootBenchApp, cores, fmt, freePort, peakRssMb, reporter, startBenchPostgres, timed as time } from './bench/harness';
import { runHttpBench } from './bench/http';
import { benchInlineImage } from './bench/inline-image';
import { benchReports } from './bench/reports';
import { smtpCounter, twilioCounter } from './bench/sinks';

const { values: args } = parseArgs({
  options: {
    residents: { type: 'string', default: '1000000' },
    recipients: { type: 'string', default: '50000' },
    messages: { type: 'string', default: '10000' },
    ratings: { type: 'string', default: '2000000' },
    deliveries: { type: 'string', default: '20000000' },
    'skip-delivery': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    'only-http': { type: 'boolean', default: false },
    'http-connections': { type: 'string', default: '50' },
    'http-duration': { type: 'string', default: '10' },
    'rating-links': { type: 'string', default: '20000' },
    'cpu-prof': { type: 'string' },
  },
});
if (args['skip-http'] && args['only-http']) throw new Error('--skip-http and --only-http exclude each other');
const RESIDENTS = Number(args.residents);
const RECIPIENTS = Math.min(Number(args.recipients), RESIDENTS);
// Fresh per run: the API under load runs with NODE_ENV=production, which refuses published secrets.
const SECRETS = { JWT_SECRET: randomBytes(32).toString('hex'), LINK_SECRET: randomBytes(32).toString('hex') };

const figures: [string, string][] = [];
const report = reporter(48, figures);

async function seedResidents(db: pg.Pool, n: number, recipients: number): Promise<void> {
  // Everyone has e-mail; every third resident also SMS. The first `recipients` are students
  // (e-mail bench audience); the first `recipients` SMS users are farmers (SMS bench audience).
  await db.query(
    `INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at, activated_at, consent_at, source, age_band, ethnicity)
     SELECT 'bench' || g || '@example.org',
            CASE WHEN g % 3 = 0 THEN '+447' || lpad(g::text, 9, '0') END,
            'Bench', 'Resident', w.codes[1 + g % w.n], 'active', now(), CASE WHEN g % 3 = 0 THEN now() END,
            now() - (g % 540) * interval '1 day', now(),
            (ARRAY['door_knock','street','social_media','event','online','other'])[1 + g % 6],
            (ARRAY['16-24','25-34','35-44','45-54','55-64','65-74','75+'])[1 + g % 7],
            (ARRAY['white','asian','black','mixed','other'])[1 + g % 5]
       FROM generate_series(1, $1::int) g, (SELECT array_agg(code ORDER BY code) AS codes, count(*)::int AS n FROM ward) w`,
    [n],
  );
  await db.query(`INSERT INTO resident_channel (resident_id, channel) SELECT id, 'email' FROM resident`);
  await db.query(`INSERT INTO resident_channel (resident_id, channel) SELECT id, 'sms' FROM resident WHERE phone_e164 IS NOT NULL`);
  await db.query(
    `INSERT INTO resident_topic (resident_id, topic)
     SELECT id, (ARRAY['crime_alerts','anti_social_behaviour','appeals','events','meetings','crime_prevention','road_safety','fraud_scams'])[1 + (hashtext(id::text) & 7)] FROM resident`,
  );
  await db.query(
    `INSERT INTO resident_interest (resident_id, interest_group)
     SELECT id, 'student' FROM resident WHERE email LIKE 'bench%' ORDER BY email LIMIT $1`,
    [recipients],
  );
  await db.query(
    `INSERT INTO resident_interest (resident_id, interest_group)
     SELECT id, 'farmer' FROM resident WHERE phone_e164 IS NOT NULL ORDER BY phone_e164 LIMIT $1`,
    [recipients],
  );
  await db.query('VACUUM ANALYZE');
}

async function waitDone(db: pg.Pool, messageId: string, total: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const { rows } = await db.query(`SELECT count(*) FILTER (WHERE status IN ('sent','delivered','failed','bounced'))::int AS n FROM delivery WHERE message_id = $1`, [messageId]);
    if (rows[0].n >= total) return performance.now() - t0;
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`Timed out: ${rows[0].n}/${total} done`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  console.log(`Beacon bench: ${fmt(RESIDENTS)} residents, ${fmt(RECIPIENTS)} recipients per channel; node ${process.version}, ${cores()} cores`);
  const server = await startBenchPostgres('bench');
  const db = new pg.Pool({ connectionString: server.url, max: 4 });
  let worker: ChildProcess | undefined;
  const smtp = await smtpCounter();
  const sms = await twilioCounter();
  try {
    const app = await bootBenchApp(server.url, SECRETS);
    await app.get(GeographyService).seedWestMidlands();
    const staff = await benchAdmin(app);
    const messages = app.get(MessageService);
    const lifecycle = app.get(MessageLifecycleService);

    console.log('\nSeeding');
    const [, seedMs] = await time(() => seedResidents(db, RESIDENTS, RECIPIENTS));
    report('residents seeded (incl. channels, topics)', `${fmt(RESIDENTS)} in ${(seedMs / 1000).toFixed(1)} s`);

    if (!args['only-http']) {
      console.log('\nFan-out (force-wide, e-mail + SMS, set-based INSERT … SELECT)');
      const all = await messages.compose(staff, { title: 'Force-wide', body: 'Bench', category: 'other', channels: ['email', 'sms'], audience: {} });
      const [preview, previewMs] = await time(() => messages.previewAudience(staff, all.id));
      report('audience preview (count) latency', `${fmt(previewMs)} ms for ${fmt(preview.total)} residents`);
      await lifecycle.send(staff, all.id);
      const [, fanMs] = await time(() => app.get(FanOutJob).fanOut({ messageId: all.id }));
      const rows = preview.byChannel.email + preview.byChannel.sms;
      report('fan-out time (rows inserted)', `${(fanMs / 1000).toFixed(2)} s for ${fmt(rows)} deliveries (${fmt(preview.total)} recipients)`);
      report('fan-out rate', `${fmt(rows / (fanMs / 1000))} rows/s, ${fmt(preview.total / (fanMs / 1000))} recipients/s`);
      await lifecycle.cancel(staff, all.id);
      await db.query('DELETE FROM delivery WHERE message_id = $1', [all.id]);
      await db.query('VACUUM ANALYZE delivery');

      console.log(`\nReports (${fmt(RESIDENTS)} residents, ${args.messages} messages, ${args.ratings} ratings, ${args.deliveries} deliveries)`);
      await benchReports(app, db, staff, { messages: Number(args.messages), ratings: Number(args.ratings), deliveries: Number(args.deliveries) }, report);

      if (!args['skip-delivery']) {
        worker = await benchDelivery();
        worker.kill('SIGTERM'); // leave the cores to the HTTP section
        await new Promise((r) => worker!.once('exit', r));
      }
    }

    if (!args['skip-http']) {
      console.log('\nHTTP load (production API build as its own process; autocannon as another)');
      await runHttpBench({
        databaseUrl: server.url,
        pgDataDir: server.dataDir,
        secrets: SECRETS,
        app,
        staff,
        login: BENCH_LOGIN,
        db,
        port: await freePort(),
        connections: Number(args['http-connections']),
        durationSeconds: Number(args['http-duration']),
        ratingLinks: Math.min(Number(args['rating-links']), RESIDENTS),
        cpuProfDir: args['cpu-prof'],
        report,
      });
    }
    await app.close();

    async function benchDelivery(): Promise<ChildProcess> {
      console.log('\nDelivery throughput (separate worker process → local SMTP server / Twilio stub)');
      const worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
        env: { ...process.env, DATABASE_URL: server.url, ...SECRETS, LOG_LEVEL: 'warn', SMTP_URL: smtp.url, ...sms.env, EMAIL_CONCURRENCY: '20', SMS_CONCURRENCY: '40', SEND_BATCH_SIZE: '1000' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      await new Promise((r) => setTimeout(r, 4000)); // worker boot
      for (const [channel, group, sink] of [
        ['email', 'student', smtp],
        ['sms', 'farmer', sms],
      ] as const) {
        const m = await messages.compose(staff, { title: `Bench ${channel}`, body: 'Throughput test message body.', category: 'other', channels: [channel], audience: { interestGroups: [group] } });
        const before = sink.count();
        const t0 = performance.now();
        await lifecycle.send(staff, m.id);
        const { rows: r } = await db.query('SELECT 1'); // keep the pool warm
        void r;
        const total = (await messages.previewAudience(staff, m.id)).total;
        await waitDone(db, m.id, total);
        const ms = performance.now() - t0;
        report(`${channel}: messages`, `${fmt(sink.count() - before)} accepted by the sink (${fmt(total)} deliveries)`);
        report(`${channel}: end-to-end throughput (send → all sent)`, `${fmt(total / (ms / 1000))} messages/s (${(ms / 1000).toFixed(1)} s)`);
      }
      await benchInlineImage({ app, db, staff, sink: smtp, report });
      report('worker peak RSS (VmHWM)', `${peakRssMb(worker.pid!).toFixed(0)} MB`);
      return worker;
    }
  } finally {
    if (worker?.exitCode === null) worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await db.end();
    await smtp.close();
    await sms.close();
    await server.stop({ keepData: args['keep-data'] });
  }
  console.log('\nSummary (JSON):', JSON.stringify(Object.fromEntries(figures)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
