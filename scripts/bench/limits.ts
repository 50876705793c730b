// The stack's own limits, measured in the same run on the same data as Beacon's figures (issue 24
// "ratios"), and the profiles behind them (issue 27: every figure from a command):
// - bareInsert: one INSERT … SELECT of the fan-out's rows into a scratch copy of `delivery`;
// - fanOutProfile: the same INSERT … SELECT with other index sets (the psql profile of sessions 1–2);
// - rawSmtp: the pooled nodemailer client sending prebuilt MIME into the same SMTP sink;
// - rawTwilio: the twilio client (Beacon's transport alone: no claims, no outcomes) into the same stub;
// - mimeCpu: CPU per e-mail of nodemailer's MIME compiler against Beacon's direct build.
import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import type pg from 'pg';
import { buildMime } from '../../libs/channels/src/email/mime';
import { TwilioSmsTransport } from '../../libs/channels/src/sms/twilio-sms.transport';
import { resolveAudience } from '../../libs/messaging/src/audience/audience-spec';
import { AUDIENCE_JOIN, audienceWhere, quietHoursNotBefore, sqlParams } from '../../libs/messaging/src/audience/audience.sql';
import type { MessageEntity } from '../../libs/messaging/src/message.entity';
import { timed } from './harness';

/** `x` over `base` as "1.23×". */
export const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;
export const percent = (x: number, base: number) => `${((100 * x) / base).toFixed(0)} %`;

/** The fan-out's SELECT for a message (same audience SQL, one statement over every resident). */
function audienceSelect(message: MessageEntity, messageId: string): { sql: string; params: unknown[] } {
  const a = resolveAudience(message);
  const { params, p } = sqlParams();
  const [clock, id] = [p(new Date()), p(messageId)];
  const sql = `WITH clock AS (SELECT (${clock}::timestamptz AT TIME ZONE 'Europe/London')::time AS t, (${clock}::timestamptz AT TIME ZONE 'Europe/London')::date AS d)
    SELECT ${id}::uuid AS message_id, r.id AS resident_id, rc.channel, 'queued'::varchar AS status, ${quietHoursNotBefore(a)} AS not_before
      FROM clock, ${AUDIENCE_JOIN}
     WHERE ${audienceWhere(a, p)}
     ORDER BY r.id, rc.channel`;
  return { sql, params };
}

type Variant = { name: string; indexes: string[]; onConflict?: boolean; select?: boolean };

/** Index sets of the scratch table. `LIKE delivery INCLUDING ALL` copies the shipped set. */
const SHIPPED = 'shipped: every index of delivery (LIKE … INCLUDING ALL)';
const PROFILE: Variant[] = [
  { name: 'the SELECT alone (no insert)', indexes: [], select: true },
  { name: 'heap only (no index)', indexes: [] },
  { name: 'unique (message, resident, channel) only', indexes: ['UNIQUE (message_id, resident_id, channel)'] },
  { name: 'PK + unique', indexes: ['PRIMARY KEY (id)', 'UNIQUE (message_id, resident_id, channel)'] },
  { name: 'PK + unique, ON CONFLICT DO NOTHING', indexes: ['PRIMARY KEY (id)', 'UNIQUE (message_id, resident_id, channel)'], onConflict: true },
  { name: 'PK + unique + pending partial index (session 1)', indexes: ['PRIMARY KEY (id)', 'UNIQUE (message_id, resident_id, channel)', 'PENDING'] },
];

async function insertInto(db: pg.Pool, message: MessageEntity, v: Variant | typeof SHIPPED): Promise<number> {
  const client = await db.connect();
  try {
    const { sql, params } = audienceSelect(message, message.id);
    await client.query('DROP TABLE IF EXISTS bench_bare_delivery');
    if (v === SHIPPED) {
      await client.query('CREATE TABLE bench_bare_delivery (LIKE delivery INCLUDING ALL)');
    } else {
      await client.query('CREATE TABLE bench_bare_delivery (LIKE delivery INCLUDING DEFAULTS INCLUDING IDENTITY)');
      for (const ix of v.indexes) {
        if (ix === 'PENDING') await client.query(`CREATE INDEX ON bench_bare_delivery (message_id, channel, id) WHERE status = 'queued'`);
        else await client.query(`ALTER TABLE bench_bare_delivery ADD ${ix}`);
      }
    }
    await client.query(`SET work_mem = '256MB'`);
    const cols = 'message_id, resident_id, channel, status, not_before';
    const statement = v !== SHIPPED && v.select ? `SELECT count(*) FROM (${sql}) s` : `INSERT INTO bench_bare_delivery (${cols}) SELECT ${cols} FROM (${sql}) s${v !== SHIPPED && v.onConflict ? ' ON CONFLICT DO NOTHING' : ''}`;
    const [, ms] = await timed(() => client.query(statement, params));
    await client.query('DROP TABLE bench_bare_delivery');
    await client.query('RESET work_mem');
    return ms;
  } finally {
    client.release();
  }
}

/** The stack's limit for the fan-out: one INSERT … SELECT of the same rows into a table with delivery's indexes. */
export const bareInsert = (db: pg.Pool, message: MessageEntity) => insertInto(db, message, SHIPPED);

/** The fan-out profile: the same INSERT … SELECT with other index sets, each into a fresh scratch table. */
export async function fanOutProfile(db: pg.Pool, message: MessageEntity, report: (name: string, value: string) => void): Promise<void> {
  for (const v of PROFILE) report(`profile: ${v.name}`, `${(await insertInto(db, message, v) / 1000).toFixed(2)} s`);
}

const SAMPLE = {
  from: 'Beacon <alerts@beacon.example>',
  to: 'resident@example.org',
  subject: 'Bench: a community message with a rating link',
  text: 'Throughput test message body.\n\nRate this message: https://beacon.example/r/abc\n',
  html: '<p>Throughput test message body.</p><p><a href="https://beacon.example/r/abc">Rate this message</a></p>',
  headers: { 'List-Unsubscribe': '<https://beacon.example/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
};

/** Runs `n` tasks with at most `concurrency` in flight. */
async function pooled(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

/** A transport's rate alone: messages (or requests) per second, and its own CPU per message in ms. */
export interface RawRate {
  rate: number;
  cpuMsPerMessage: number;
}

/** Runs `work` (n messages' worth) and returns its rate and this process's CPU per message (user + system). */
async function measured(n: number, work: () => Promise<unknown>): Promise<RawRate> {
  const c0 = process.cpuUsage();
  const [, ms] = await timed(work);
  const c = process.cpuUsage(c0);
  return { rate: n / (ms / 1000), cpuMsPerMessage: (c.user + c.system) / 1000 / n };
}

/**
 * The pooled nodemailer client, as Beacon configures it, sending one prebuilt MIME `n` times:
 * `raw` when given (the bench passes the bytes of an e-mail the pipeline sent, so both carry the
 * same message), else a small sample.
 */
export async function rawSmtp(url: string, n: number, maxConnections: number, raw?: Buffer): Promise<RawRate> {
  const mime = raw
    ? { envelope: { from: 'alerts@beacon.example', to: ['resident@example.org'] }, raw, messageId: /^Message-ID: (.+)$/im.exec(raw.toString('latin1'))?.[1].trim() }
    : buildMime(SAMPLE);
  const transporter = createTransport({ url, pool: true, maxConnections, maxMessages: 500 } as Parameters<typeof createTransport>[0]);
  try {
    // The message's own Message-ID, as SmtpEmailTransport passes it (nodemailer would make one up).
    const mail = { envelope: mime.envelope, raw: mime.raw, messageId: mime.messageId };
    return await measured(n, () => pooled(n, maxConnections, () => transporter.sendMail(mail as Parameters<typeof transporter.sendMail>[0])));
  } finally {
    transporter.close();
  }
}

/** Beacon's Twilio transport alone (the official client) into the stub, `concurrency` requests in flight, with `body` (the pipeline's own, when given). */
export async function rawTwilio(env: Record<string, string>, n: number, concurrency: number, body = 'Throughput test message body.'): Promise<RawRate> {
  const t = new TwilioSmsTransport({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM, apiBaseUrl: env.TWILIO_API_BASE_URL });
  return measured(n, () => pooled(n, concurrency, (i) => t.send({ to: `+4477009${String(i % 100000).padStart(5, '0')}`, body })));
}

/** CPU (user + system) per e-mail, in ms, of building the same message `n` times: nodemailer's compiler vs buildMime. */
export async function mimeCpu(n: number): Promise<{ nodemailer: number; beacon: number }> {
  // nodemailer's own MIME compiler, as sendMail runs it, into a buffer (its stream transport: no network).
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const cpuMs = async (work: () => Promise<unknown>) => (await measured(n, work)).cpuMsPerMessage;
  const compose = () => composer.sendMail(SAMPLE);
  for (let i = 0; i < 200; i++) {
    await compose();
    buildMime(SAMPLE); // warm-up
  }
  const nodemailer = await cpuMs(async () => {
    for (let i = 0; i < n; i++) await compose();
  });
  const beacon = await cpuMs(async () => {
    for (let i = 0; i < n; i++) buildMime(SAMPLE);
  });
  return { nodemailer, beacon };
}

// As a child process of the bench (so the client does not share an event loop with the sinks):
// node dist/scripts/bench/limits.js smtp <url> <n> <connections> [<file of raw MIME>]
//                                  | twilio <env JSON> <n> <in flight> [<body>]
// prints {rate, cpuMsPerMessage} as JSON.
if (process.argv[1]?.endsWith('limits.js')) {
  const [kind, target, n, c, sample] = process.argv.slice(2);
  const result =
    kind === 'smtp'
      ? await rawSmtp(target, Number(n), Number(c), sample ? readFileSync(sample) : undefined)
      : await rawTwilio(JSON.parse(target) as Record<string, string>, Number(n), Number(c), sample);
  process.stdout.write(JSON.stringify(result));
}
