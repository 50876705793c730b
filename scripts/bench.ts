// npm run bench [-- --residents 1000000 --recipients 50000 --messages 10000 --ratings 2000000 --deliveries 20000000]
//                [--skip fanout,reports,delivery,images,limits,http | --only <sections>] [--fanout-profile]
//                [--skip-delivery] [--skip-http | --only-http]
//                [--http-connections 50 --http-duration 10 --rating-links 20000] [--cpu-prof DIR] [--worker-cpu-prof DIR]
//                [--worker-node-options=--max-old-space-size=…] [--workers 1] [--pg-statements] [--wait-quiet]
//                [--keep-data | --data-dir DIR] [--skip first]
// Prints figures; asserts nothing. Runs on its own throwaway embedded PostgreSQL (fsync on), or on
// the one in DIR (--data-dir: kept; a run on a seeded DIR of the same --residents skips the seed).
// Sections (seeding always runs): fanout (with the bare INSERT … SELECT beside it; --fanout-profile
// adds the index-set profile); reports; delivery (separate worker process: send → first e-mail of
// the force-wide message, then throughput and CPU per message beside the raw transports); images
// (plain text against one inline image, in the delivery section's worker); limits (MIME CPU per e-mail);
// http (production API build as its own process, autocannon as another, a bare Nest route beside
// the rating link). --only-http = --only http. `ratio:` lines compare Beacon with the stack's own limit.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { uuidRanges } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { MessageLifecycleService, MessageService } from '@beacon/messaging';
import { FanOutJob } from '../libs/messaging/src/fan-out/fan-out.job';
import { MessageRepository } from '../libs/messaging/src/message.repository';
import { BENCH_LOGIN, benchAdmin, bootBenchApp, cores, cpuSeconds, cpuSteal, cpuUsed, fmt, freePort, imageNodeOptions, peakRssMb, postgresPids, reporter, startBenchPostgres, timed as time } from './bench/harness';
import { runHttpBench } from './bench/http';
import { benchInlineImage } from './bench/inline-image';
import { bareInsert, fanOutProfile, mimeCpu, percent, ratio } from './bench/limits';
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
    'data-dir': { type: 'string' },
    'skip-http': { type: 'boolean', default: false },
    'only-http': { type: 'boolean', default: false },
    'http-connections': { type: 'string', default: '50' },
    'http-duration': { type: 'string', default: '10' },
    'rating-links': { type: 'string', default: '20000' },
    'cpu-prof': { type: 'string' },
    'worker-cpu-prof': { type: 'string' },
    'worker-node-options': { type: 'string' },
    workers: { type: 'string', default: '1' },
    'pg-statements': { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    only: { type: 'string' },
    'fanout-profile': { type: 'boolean', default: false },
    'seed-chunk': { type: 'string', default: '250000' },
    'wait-quiet': { type: 'boolean', default: false },
  },
});
if (args['skip-http'] && args['only-http']) throw new Error('--skip-http and --only-http exclude each other');
const SECTIONS = ['fanout', 'reports', 'delivery', 'images', 'limits', 'http'] as const;
type Section = (typeof SECTIONS)[number];
const skipped = new Set(args.skip.split(',').filter(Boolean));
if (args['skip-delivery']) skipped.add('delivery');
if (args['skip-http']) skipped.add('http');
const only = args['only-http'] ? ['http'] : args.only?.split(',').filter(Boolean);
for (const name of [...skipped, ...(only ?? [])]) if (!(SECTIONS as readonly string[]).includes(name) && !(name === 'first' && skipped.has(name))) throw new Error(`Unknown section ${name} (sections: ${SECTIONS.join(', ')})`);
const runs = (section: Section) => (!only || only.includes(section)) && !skipped.has(section);
// `--skip first`: the delivery section without its force-wide message (send → first e-mail, its
// fan-out and cancel: ~10 minutes at 10M), e.g. to measure the pipelines again on a kept database.
const runsFirst = () => runs('delivery') && !skipped.has('first');
const RESIDENTS = Number(args.residents);
const RECIPIENTS = Math.min(Number(args.recipients), RESIDENTS);
// Fresh per run: the API under load runs with NODE_ENV=production, which refuses published secrets.
const SECRETS = { JWT_SECRET: randomBytes(32).toString('hex'), LINK_SECRET: randomBytes(32).toString('hex') };

const figures: [string, string][] = [];
const report = reporter(48, figures);

/**
 * Residents with channels, topics and interests, set-based: chunks of `--seed-chunk` residents,
 * each one statement (data-modifying CTEs), as many at once as there are cores; nothing per row
 * in Node, so a 10M-resident seed holds no more memory than a 20k one. Everyone has e-mail; every
 * third resident also SMS. Residents 1…recipients are students (the e-mail bench audience);
 * the first `recipients` with SMS (every third, up to 3 × recipients) are farmers (the SMS one).
 */
async function seedResidents(db: pg.Pool, n: number, recipients: number): Promise<void> {
  const chunk = Math.max(1, Number(args['seed-chunk']));
  const starts = Array.from({ length: Math.ceil(n / chunk) }, (_, k) => 1 + k * chunk);
  let next = 0;
  const seedChunk = (from: number) =>
    db.query(
      `WITH w AS (SELECT array_agg(code ORDER BY code) AS codes, count(*)::int AS n FROM ward),
       r AS (
         INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at, activated_at, consent_at, source, age_band, ethnicity)
         SELECT 'bench' || g || '@example.org',
                CASE WHEN g % 3 = 0 THEN '+447' || lpad(g::text, 9, '0') END,
                'Bench', 'Resident', w.codes[1 + g % w.n], 'active', now(), CASE WHEN g % 3 = 0 THEN now() END,
                now() - (g % 540) * interval '1 day', now(),
                (ARRAY['door_knock','street','social_media','event','online','other'])[1 + g % 6],
                (ARRAY['16-24','25-34','35-44','45-54','55-64','65-74','75+'])[1 + g % 7],
                (ARRAY['white','asian','black','mixed','other'])[1 + g % 5]
           FROM generate_series($1::int, $2::int) g, w
         RETURNING id, phone_e164, split_part(substr(email, 6), '@', 1)::int AS g),
       c AS (INSERT INTO resident_channel (resident_id, channel) SELECT id, 'email' FROM r UNION ALL SELECT id, 'sms' FROM r WHERE phone_e164 IS NOT NULL),
       t AS (
         INSERT INTO resident_topic (resident_id, topic)
         SELECT id, (ARRAY['crime_alerts','anti_social_behaviour','appeals','events','meetings','crime_prevention','road_safety','fraud_scams'])[1 + (hashtext(id::text) & 7)] FROM r)
       INSERT INTO resident_interest (resident_id, interest_group)
       SELECT id, 'student' FROM r WHERE g <= $3 UNION ALL SELECT id, 'farmer' FROM r WHERE phone_e164 IS NOT NULL AND g <= 3 * $3::int`,
      [from, Math.min(n, from + chunk - 1), recipients],
    );
  // The audience counts' insert triggers are off while the chunks go in, and one refresh counts
  // everyone at the end. Each chunk's trigger refresh (a bulk one: hash joins over whole tables)
  // cost time in proportion to the residents already there, so a seed in chunks grew with the
  // square of its size: 2.5M residents in 23 minutes of a 10M seed, each chunk slower than the last.
  const audienceInsertTriggers = async (state: 'ENABLE' | 'DISABLE') => {
    for (const table of ['resident', 'resident_channel', 'resident_topic', 'resident_interest']) await db.query(`ALTER TABLE ${table} ${state} TRIGGER trg_${table}_audience_ins`);
  };
  await audienceInsertTriggers('DISABLE');
  try {
    await Promise.all(
      Array.from({ length: Math.min(cores(), starts.length) }, async () => {
        while (next < starts.length) await seedChunk(starts[next++]);
      }),
    );
  } finally {
    await audienceInsertTriggers('ENABLE');
  }
  const refreshCalls = Math.ceil(n / 1_000_000);
  const [, refreshMs] = await time(async () => {
    const client = await db.connect();
    try {
      await client.query(`SET work_mem = '256MB'`);
      // One call per million residents, one range of the (random) ids each: one call over 10M
      // residents held 14.5 GB in its backend until the OOM killer stopped it (session 15). Each
      // call stays over the function's bulk threshold (5,000), which analyses the tables the seed
      // just wrote: sixteen calls of 1,250 residents each took a 20,000-resident seed 66.6 s.
      for (const [after, last] of uuidRanges(refreshCalls)) {
        await client.query(`SELECT resident_audience_refresh(ARRAY(SELECT id FROM resident WHERE status = 'active' AND id > $1::uuid AND id <= $2::uuid))`, [after, last]);
      }
    } finally {
      client.release();
    }
  });
  report(`… audience counts, one refresh of everyone (${refreshCalls} call${refreshCalls > 1 ? 's' : ''})`, `${(refreshMs / 1000).toFixed(1)} s`);
  await db.query('VACUUM ANALYZE');
}

async function waitDone(db: pg.Pool, messageId: string, total: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    // From the maintained counters (what message progress reads), not a count over `delivery`: the
    // poll would otherwise cost PostgreSQL more than the sends it waits for (0.28 ms per e-mail).
    const { rows } = await db.query(`SELECT coalesce(sum(deliveries), 0)::int AS n FROM message_delivery_count WHERE message_id = $1 AND state IN ('sent','delivered','failed','bounced')`, [messageId]);
    if (rows[0].n >= total) return performance.now() - t0;
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`Timed out: ${rows[0].n}/${total} done`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** pg_stat_statements since its last reset: the statements that took the most time, per message sent. */
async function topStatements(db: pg.Pool, messages: number, per = 'message'): Promise<void> {
  const { rows } = await db.query<{ query: string; calls: string; ms: number }>(
    `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::text, total_exec_time AS ms FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8`,
  );
  for (const r of rows) console.log(`    ${(r.ms / messages).toFixed(3)} ms/${per}, ${fmt(Number(r.calls))} calls: ${r.query.slice(0, 160)}`);
}

async function main() {
  console.log(`Beacon bench: ${fmt(RESIDENTS)} residents, ${fmt(RECIPIENTS)} recipients per channel; node ${process.version}, ${cores()} cores`);
  // --pg-statements: pg_stat_statements loaded; the delivery section prints each pipeline run's top statements, the http section each endpoint's.
  // --data-dir DIR: the database lives there and is kept; a second run on it skips the seed.
  const server = await startBenchPostgres('bench', args['pg-statements'] ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}, args['data-dir']);
  const db = new pg.Pool({ connectionString: server.url, max: 4 });
  if (args['pg-statements']) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const workers: ChildProcess[] = [];
  /** SIGTERM to every worker process still running, resolved when each has exited (one killed by a signal has no exit code, only a signal code; the worker exits on a signal during start-up too, and after the drain of its shutdown timeout otherwise). */
  const stopWorkers = () => Promise.all(workers.filter((w) => w.exitCode === null && w.signalCode === null).map((w) => new Promise((r) => (w.once('exit', r), w.kill('SIGTERM')))));
  const smtp = await smtpCounter();
  const sms = await twilioCounter();
  try {
    const app = await bootBenchApp(server.url, SECRETS);
    await app.get(GeographyService).seedWestMidlands();
    const staff = await benchAdmin(app);
    // A force-wide message waits for a second admin (issue 16): the bench's sends are approved by one.
    const approver = await benchAdmin(app, { email: 'bench-approver@beacon.local', password: BENCH_LOGIN.password }, 'Bench approver');
    const messages = app.get(MessageService);
    const lifecycle = app.get(MessageLifecycleService);

    console.log('\nSeeding');
    const { rows: present } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resident WHERE email LIKE 'bench%'`);
    if (present[0].n === 0) {
      const [, seedMs] = await time(() => seedResidents(db, RESIDENTS, RECIPIENTS));
      report('residents seeded (incl. channels, topics)', `${fmt(RESIDENTS)} in ${(seedMs / 1000).toFixed(1)} s`);
    } else if (present[0].n !== RESIDENTS) {
      throw new Error(`${args['data-dir']} holds ${fmt(present[0].n)} bench residents, not ${fmt(RESIDENTS)}`);
    } else {
      report('residents seeded (incl. channels, topics)', `${fmt(RESIDENTS)} from an earlier run (--data-dir)`);
      // Jobs an earlier run left queued (the HTTP section's sign-ups queue their e-mails, and no
      // worker runs there) would be sent by this run's worker inside its measurements.
      const { rowCount } = await db.query(`DELETE FROM pgboss.job WHERE state IN ('created', 'retry')`);
      report('… jobs an earlier run left queued, removed', fmt(rowCount ?? 0));
    }
    // --wait-quiet: measure only once the machine is quiet (1-minute load average < 1.5), e.g.
    // when something else shared it during a long seed.
    if (args['wait-quiet']) {
      const [, waitedMs] = await time(async () => {
        while (loadavg()[0] >= 1.5) await new Promise((r) => setTimeout(r, 5_000));
      });
      report('waited for a quiet machine (load average < 1.5)', `${(waitedMs / 1000).toFixed(0)} s (load now ${loadavg()[0].toFixed(2)})`);
    }

    // ── Fan-out ────────────────────────────────────────────────────────────────────────────
    if (runs('fanout')) {
      console.log('\nFan-out (force-wide, e-mail + SMS, set-based INSERT … SELECT in committed slices)');
      const all = await messages.compose(staff, { title: 'Force-wide', body: 'Bench', category: 'other', channels: ['email', 'sms'], audience: {} });
      const [preview, previewMs] = await time(() => messages.previewAudience(staff, all.id));
      report('audience preview (count) latency', `${fmt(previewMs)} ms for ${fmt(preview.total)} residents`);
      await release(all.id);
      const [, fanMs] = await time(() => app.get(FanOutJob).fanOut({ messageId: all.id }));
      const rows = preview.byChannel.email + preview.byChannel.sms;
      report('fan-out time (rows inserted)', `${(fanMs / 1000).toFixed(2)} s for ${fmt(rows)} deliveries (${fmt(preview.total)} recipients)`);
      report('fan-out rate', `${fmt(rows / (fanMs / 1000))} rows/s, ${fmt(preview.total / (fanMs / 1000))} recipients/s`);
      await lifecycle.cancel(staff, all.id);
      await db.query('DELETE FROM delivery WHERE message_id = $1', [all.id]);
      await db.query('VACUUM ANALYZE delivery');
      // The stack's limit: the same rows by one INSERT … SELECT into a table with delivery's indexes (after the fan-out: the cache is as warm).
      const message = (await app.get(MessageRepository).findById(all.id))!;
      const bareMs = await bareInsert(db, message);
      report('limit: one bare INSERT … SELECT, same rows and indexes', `${(bareMs / 1000).toFixed(2)} s (${fmt(rows / (bareMs / 1000))} rows/s)`);
      report('ratio: fan-out / bare INSERT … SELECT', `${ratio(fanMs, bareMs)} (target ≤ 1.3×: ${fanMs <= 1.3 * bareMs ? 'met' : 'not met'})`);
      if (args['fanout-profile']) await fanOutProfile(db, message, report);
      await db.query('VACUUM ANALYZE');
    }

    // ── Reports ────────────────────────────────────────────────────────────────────────────
    if (runs('reports')) {
      console.log(`\nReports (${fmt(RESIDENTS)} residents, ${args.messages} messages, ${args.ratings} ratings, ${args.deliveries} deliveries)`);
      await benchReports(app, db, staff, { messages: Number(args.messages), ratings: Number(args.ratings), deliveries: Number(args.deliveries) }, report);
    }

    // ── Delivery (worker process) ──────────────────────────────────────────────────────────
    if (runs('delivery')) {
      await benchDelivery();
      // Leave the cores to the HTTP section.
      await stopWorkers();
    }

    // ── Limits measured in process ─────────────────────────────────────────────────────────
    if (runs('limits')) {
      console.log('\nLimits: MIME CPU per e-mail (same message, 5,000 builds each, this process)');
      const cpu = await mimeCpu(5000);
      report("nodemailer's MIME compiler (sendMail into a buffer)", `${cpu.nodemailer.toFixed(3)} ms CPU per e-mail`);
      report("Beacon's direct build (buildMime)", `${cpu.beacon.toFixed(3)} ms CPU per e-mail`);
      report('ratio: nodemailer compile / buildMime', ratio(cpu.nodemailer, cpu.beacon));
    }

    // ── HTTP ───────────────────────────────────────────────────────────────────────────────
    if (runs('http')) {
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
        statements: args['pg-statements'] ? { reset: () => db.query('SELECT pg_stat_statements_reset()'), top: (requests) => topStatements(db, requests, 'request') } : undefined,
        report,
      });
    }
    await app.close();

    /** A raw transport's rate and its client's CPU per message, measured by scripts/bench/limits.ts in its own process (as the worker is). */
    async function rawRate(argv: string[]): Promise<{ rate: number; cpuMsPerMessage: number; sinkCpuMs: number; steal: string }> {
      const [c0, steal0] = [process.cpuUsage(), cpuSteal()];
      const child = spawn(process.execPath, [join(import.meta.dirname, 'bench', 'limits.js'), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise((r) => child.once('exit', r));
      if (code !== 0) throw new Error(`raw transport run exited ${String(code)}`);
      const c = process.cpuUsage(c0);
      return { ...(JSON.parse(out) as { rate: number; cpuMsPerMessage: number }), sinkCpuMs: (c.user + c.system) / 1000, steal: cpuSteal(steal0).percent };
    }

    /** Send, and the second admin's approval when the message waits for it. */
    async function release(id: string): Promise<void> {
      const { status } = await lifecycle.send(staff, id);
      if (status === 'pending_approval') await lifecycle.approve(approver, id);
    }

    async function benchDelivery(): Promise<void> {
      // --workers N: N worker processes on the one database, as replicas run (default 1).
      const count = Number(args.workers);
      console.log(`\nDelivery (${count === 1 ? 'separate worker process' : `${count} worker processes`} → local SMTP server / Twilio stub)`);
      const concurrency = { email: 20, sms: 40 };
      // --worker-cpu-prof DIR: a V8 CPU profile of the worker (written when it exits, after the sends).
      const profile = args['worker-cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['worker-cpu-prof']}`] : [];
      // The worker runs with the production image's NODE_OPTIONS (its heap limit) unless told otherwise.
      const nodeOptions = args['worker-node-options'] ?? imageNodeOptions();
      console.log(`  (worker NODE_OPTIONS: ${nodeOptions || 'none'})`);
      // Each process joins `workers` as it is spawned, so the bench's finally stops it even when another fails to boot.
      await Promise.all(Array.from({ length: count }, () => startWorker(profile, nodeOptions, concurrency)));
      const workerPids = () => workers.map((w) => w.pid!);

      if (runsFirst()) {
        // Send → first e-mail accepted, for the force-wide message (the worker fans out and sends;
        // the first DATA at the sink ends the wait). Then it is cancelled and its rows removed.
        const wide = await messages.compose(staff, { title: 'Force-wide first', body: 'Bench', category: 'other', channels: ['email', 'sms'], audience: {} });
        await lifecycle.send(staff, wide.id); // waits for the second admin: their approval is the Send
        const firstData = smtp.nextData(120_000);
        const t0 = performance.now();
        await lifecycle.approve(approver, wide.id);
        const firstMs = (await firstData) - t0;
        report('send → first e-mail accepted by SMTP (force-wide)', `${fmt(firstMs)} ms (target < 1 s: ${firstMs < 1000 ? 'met' : 'not met'})`);
        for (;;) {
          const { rows } = await db.query<{ n: number | null }>('SELECT recipient_count AS n FROM message WHERE id = $1', [wide.id]);
          if (rows[0].n !== null) {
            report('… its fan-out in the worker, senders running', `${((performance.now() - t0) / 1000).toFixed(1)} s after send for ${fmt(rows[0].n)} recipients`);
            break;
          }
          if (performance.now() - t0 > 30 * 60_000) throw new Error('force-wide fan-out did not finish');
          await new Promise((r) => setTimeout(r, 100));
        }
        // The cancel answers at once; the worker's cancel-deliveries job walks the queued rows in
        // committed slices (its progress from the maintained counters, not a scan of delivery).
        const [, cancelMs] = await time(() => lifecycle.cancel(staff, wide.id));
        const cancelled0 = performance.now();
        for (;;) {
          const { rows } = await db.query<{ n: number }>(
            `SELECT COALESCE(sum(deliveries), 0)::int AS n FROM message_delivery_count WHERE message_id = $1 AND state IN ('queued', 'waiting', 'sending')`,
            [wide.id],
          );
          if (rows[0].n === 0) break;
          if (performance.now() - cancelled0 > 30 * 60_000) throw new Error('the cancel did not finish');
          await new Promise((r) => setTimeout(r, 100));
        }
        report('cancel of the force-wide message', `answered in ${fmt(cancelMs)} ms; every queued row cancelled ${((performance.now() - cancelled0) / 1000).toFixed(1)} s later`);
        await db.query('DELETE FROM delivery WHERE message_id = $1', [wide.id]);
        await db.query('VACUUM ANALYZE delivery');
      }

      // Each pipeline run also keeps one message as the sink received it: the raw limit resends
      // those bytes (the same e-mail, the same SMS body), so both sides carry the same message.
      // CPU per message from /proc (worker, PostgreSQL) and this process (the sinks).
      const rates: Record<string, number> = {};
      const samples: { email?: Buffer; sms?: Record<string, string> } = {};
      for (const [channel, group, sink] of [
        ['email', 'student', smtp],
        ['sms', 'farmer', sms],
      ] as const) {
        const m = await messages.compose(staff, { title: `Bench ${channel}`, body: 'Throughput test message body.', category: 'other', channels: [channel], audience: { interestGroups: [group] } });
        const before = sink.count();
        const captured = channel === 'email' ? smtp.captureNext().then((b) => (samples.email = b)) : sms.captureNext().then((f) => (samples.sms = f));
        if (args['pg-statements']) await db.query('SELECT pg_stat_statements_reset()');
        const cpu0 = { worker: cpuSeconds(workerPids()), pg: cpuSeconds(postgresPids(server.dataDir)), self: process.cpuUsage(), steal: cpuSteal() };
        const t1 = performance.now();
        await release(m.id);
        const total = (await messages.previewAudience(staff, m.id)).total;
        await waitDone(db, m.id, total);
        const ms = performance.now() - t1;
        const self = process.cpuUsage(cpu0.self);
        const steal = cpuSteal(cpu0.steal).percent;
        const per = (seconds: number) => ((seconds * 1000) / total).toFixed(3);
        await captured;
        rates[channel] = total / (ms / 1000);
        report(`${channel}: messages`, `${fmt(sink.count() - before)} accepted by the sink (${fmt(total)} deliveries)`);
        report(`${channel}: end-to-end throughput (send → all sent)`, `${fmt(rates[channel])} messages/s (${(ms / 1000).toFixed(1)} s)`);
        report(
          `${channel}: CPU per message`,
          `worker ${per(cpuUsed(cpu0.worker, cpuSeconds(workerPids())))} ms, PostgreSQL ${per(cpuUsed(cpu0.pg, cpuSeconds(postgresPids(server.dataDir))))} ms, ` +
            `sink (bench process) ${per((self.user + self.system) / 1e6)} ms; CPU steal ${steal}`,
        );
        if (args['pg-statements']) await topStatements(db, total);
      }
      const rss = Math.max(...workerPids().map((pid) => peakRssMb(pid)));
      report(`worker peak RSS (VmHWM: force-wide fan-out + sends${count > 1 ? ', the largest process' : ''})`, `${rss.toFixed(0)} MB (target < 300 MB: ${rss < 300 ? 'met' : 'not met'})`);

      // The transports' own limits into the same sinks, the same number of messages and bytes, same concurrency (own process; the worker idle).
      const dir = mkdtempSync(join(tmpdir(), 'beacon-bench-raw-'));
      try {
        const mimeFile = join(dir, 'email.eml');
        writeFileSync(mimeFile, samples.email!);
        const rawEmail = await rawRate(['smtp', smtp.url, String(RECIPIENTS), String(concurrency.email), mimeFile]);
        report('limit: pooled nodemailer, prebuilt MIME, same sink', `${fmt(rawEmail.rate)} messages/s (${concurrency.email} connections; the pipeline's own e-mail, ${fmt(samples.email!.length)} bytes)`);
        report('limit: CPU per message', `client ${rawEmail.cpuMsPerMessage.toFixed(3)} ms, sink (bench process) ${(rawEmail.sinkCpuMs / RECIPIENTS).toFixed(3)} ms; CPU steal ${rawEmail.steal}`);
        report('ratio: e-mail pipeline / raw nodemailer', `${percent(rates.email, rawEmail.rate)} (target ≥ 80 %: ${rates.email >= 0.8 * rawEmail.rate ? 'met' : 'not met'})`);
        const rawSms = await rawRate(['twilio', JSON.stringify(sms.env), String(RECIPIENTS), String(concurrency.sms), samples.sms!.Body]);
        report('limit: twilio client alone, same stub', `${fmt(rawSms.rate)} requests/s (${concurrency.sms} in flight; the pipeline's own body, ${samples.sms!.Body.length} characters)`);
        report('limit: CPU per request', `client ${rawSms.cpuMsPerMessage.toFixed(3)} ms, stub (bench process) ${(rawSms.sinkCpuMs / RECIPIENTS).toFixed(3)} ms; CPU steal ${rawSms.steal}`);
        report('ratio: SMS pipeline / raw twilio client', `${percent(rates.sms, rawSms.rate)} (target ≥ 90 %: ${rates.sms >= 0.9 * rawSms.rate ? 'met' : 'not met'})`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      // The inline-image comparison needs the worker: it runs with the delivery section, unless skipped.
      if (runs('images')) await benchInlineImage({ app, db, staff, sink: smtp, report });
    }

    /** One worker process, resolved once it says it has started (its info lines are one per message, not per delivery; dropped). */
    function startWorker(profile: string[], nodeOptions: string, concurrency: { email: number; sms: number }): Promise<void> {
      const worker = spawn(process.execPath, [...profile, 'dist/apps/worker/src/main.js'], {
        env: { ...process.env, NODE_OPTIONS: nodeOptions, DATABASE_URL: server.url, ...SECRETS, LOG_LEVEL: 'info', LOG_FORMAT: 'json', SMTP_URL: smtp.url, ...sms.env, EMAIL_CONCURRENCY: String(concurrency.email), SMS_CONCURRENCY: String(concurrency.sms), SEND_BATCH_SIZE: '1000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        let out = '';
        worker.stdout!.on('data', (c: Buffer) => {
          if ((out += c.toString()).includes('Worker started')) resolve();
          if (out.length > 1e6) out = out.slice(-1000);
        });
        worker.once('exit', (code) => reject(new Error(`worker exited (${code}) while booting`)));
      });
    }
  } finally {
    await stopWorkers();
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
