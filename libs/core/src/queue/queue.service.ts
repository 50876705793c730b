import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createRequire } from 'node:module';
import type PgBossType from 'pg-boss';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { JobName, JobPayloads, QUEUE_POLICIES } from './jobs';

// pg-boss is CommonJS. Loading it with Node's own require (not a bundler's or a test runner's
// module registry) keeps its lazy internal requires working while it winds down after stop().
const PgBoss = createRequire(import.meta.url)('pg-boss') as typeof PgBossType;

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  manager?: EntityManager;
  singletonKey?: string;
  startAfter?: Date | number;
  /**
   * Wake the queue's consumers in every process now (PostgreSQL NOTIFY, delivered when the
   * enqueueing transaction commits) instead of leaving the job to their next poll. Ignored with
   * `startAfter`. For jobs someone is waiting on: a message just sent or approved.
   */
  wake?: boolean;
}

/** The LISTEN/NOTIFY channel of job wake-ups; the payload is the queue's name. */
const WAKE_CHANNEL = 'beacon_queue_wake';
/** A lost wake-up listener reconnects after this long (polling carries on meanwhile). */
const RELISTEN_MS = 1_000;

/** One job for `sendMany`. */
export type QueuedJob = { [N in JobName]: { name: N; payload: JobPayloads[N] } }[JobName];

const inTransaction = (manager: EntityManager) => ({
  executeSql: async (text: string, values: unknown[]) => ({ rows: await manager.query<unknown[]>(text, values) }),
});

export type JobHandlerFn<N extends JobName> = (payload: JobPayloads[N], job: { id: string; retryCount: number }) => Promise<void>;

/** pg-boss on the system-of-record database: a row and its job commit together. */
@Injectable()
export class QueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private readonly boss: PgBossType;
  private started = false;
  private consumer = false;
  private stopRequested = false;
  /** Handlers running now: stop() returns only once they have all returned. */
  private running = 0;
  /** When a handler last started or returned (ms); stop() waits until this is 1.1 s old. */
  private lastHandlerActivity = 0;
  /** This process's pg-boss workers by queue (for `wake`). */
  private readonly workerIds = new Map<JobName, string[]>();
  /** The connection that LISTENs for wake-ups (consumers only), and its pending reconnect. */
  private listener?: pg.Client;
  private relisten?: NodeJS.Timeout;
  /** Whether the listener was connected when it was last lost (only that loss is logged). */
  private listening = false;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.boss = new PgBoss({ connectionString: config.db.url, schema: 'pgboss', max: 5, application_name: 'beacon-queue' });
    this.boss.on('error', (err: Error) => this.logger.error({ err }, 'pg-boss error'));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const name of Object.values(JobName)) {
      const p = QUEUE_POLICIES[name];
      const options = { name, policy: p.policy ?? 'standard', retryLimit: p.retryLimit, retryDelay: p.retryDelay, retryBackoff: p.retryBackoff, expireInSeconds: p.expireInSeconds };
      const existing = await this.boss.getQueue(name);
      if (existing) await this.boss.updateQueue(name, options);
      else await this.boss.createQueue(name, options);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop(10_000);
  }

  /**
   * Graceful stop: no job is fetched any more, running handlers get up to `timeoutMs` to finish
   * (send loops see `stopping` and end after their current batch), then pg-boss fails what is
   * still running (it is retried) and closes its pool. Called by the entrypoints' shutdown before
   * the database goes; Nest's shutdown hook then finds it stopped.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopRequested = true;
    clearTimeout(this.relisten);
    await this.unlisten();
    if (!this.started) return;
    this.started = false;
    const deadline = Date.now() + timeoutMs;
    this.lastHandlerActivity = Date.now();
    await this.boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
    // pg-boss's stop() can return while a handler still runs (past its timeout, or one a worker
    // fetched just before the pool closed); its workers then keep polling after the caller has
    // moved on (in tests, after the test file's module registry is gone). Each worker's offWork
    // monitor re-checks it once a second, with a lazy require of node:timers each time, and ends
    // only once the worker has stopped. So wait until no handler has run for 1.1 s: by then every
    // monitor has seen its worker stopped and ended. (A fixed 1.1 s after stop() was not enough:
    // a handler that started late outlived it and failed a test file.)
    await this.settled(deadline + 5_000);
  }

  /**
   * Resolves once no handler runs and none has started or returned for 1.1 s (so every pg-boss
   * offWork monitor has ended), or at `until` (ms since the epoch). Tests wait on it with no
   * bound after closing an app, so a slow handler on a loaded machine cannot outlive the file.
   */
  async settled(until = Number.POSITIVE_INFINITY): Promise<void> {
    const quiet = 1_100;
    while (Date.now() < until && (this.running > 0 || Date.now() - this.lastHandlerActivity < quiet)) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** True once a shutdown began: long-running handlers finish what they hold and take no more. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Set by the JobRunner before any bootstrap hook runs: this process consumes the queues. */
  markConsumer(): void {
    this.consumer = true;
  }

  /** Whether this process runs job handlers (the worker, or the API with RUN_WORKER on). */
  get isConsumer(): boolean {
    return this.consumer;
  }

  async send<N extends JobName>(name: N, payload: JobPayloads[N], opts: SendOptions = {}): Promise<string | null> {
    const { manager, wake, ...rest } = opts;
    const db = manager ? inTransaction(manager) : undefined;
    const id = await this.boss.send(name, payload as object, { ...rest, ...(db ? { db } : {}) });
    if (wake && rest.startAfter === undefined) await this.notify(name, manager);
    return id;
  }

  /**
   * Many jobs in one statement (pg-boss `insert`: same queue policies as `send`, no singleton
   * keys or start times). For hot paths that enqueue for many requests at once.
   */
  async sendMany(jobs: QueuedJob[], opts: { manager?: EntityManager } = {}): Promise<void> {
    if (!jobs.length) return;
    await this.boss.insert(
      jobs.map((j) => ({ name: j.name, data: j.payload as object })),
      opts.manager ? { db: inTransaction(opts.manager) } : {},
    );
  }

  /**
   * GDPR erasure, in the erasure transaction: one-off notification jobs whose ref names the
   * resident go, from the live table and from pg-boss's archive. Their payloads hold ids only
   * (and the composers send nothing to an erased resident), but a failed attempt's output may
   * quote a provider's reply. A job a worker is running right now is left to finish, with its
   * payload emptied and marked `erased`: pg-boss keeps the row, retries included, after the
   * handler returns or throws, and the retry sends nothing. With the resident's addresses,
   * resident-reminder requests naming them go too.
   */
  async deleteNotificationsFor(residentId: string, manager: EntityManager, addresses: string[] = []): Promise<void> {
    const names = [JobName.NotifyEmail, JobName.NotifySms];
    await manager.query<unknown>(`DELETE FROM pgboss.job WHERE name = ANY($1::text[]) AND data->'ref'->>'residentId' = $2 AND state <> 'active'`, [names, residentId]);
    await manager.query<unknown>(
      `UPDATE pgboss.job SET data = jsonb_build_object('template', data->'template', 'ref', '{}'::jsonb, 'erased', true)
        WHERE name = ANY($1::text[]) AND data->'ref'->>'residentId' = $2 AND state = 'active'`,
      [names, residentId],
    );
    await manager.query<unknown>(`DELETE FROM pgboss.archive WHERE name = ANY($1::text[]) AND data->'ref'->>'residentId' = $2`, [names, residentId]);
    // Reminder requests (sign-in link, resend) hold the address someone typed, not an id.
    if (!addresses.length) return;
    const byAddress = `name = $1 AND (data->>'email' = ANY($2::text[]) OR data->>'phone' = ANY($2::text[]))`;
    await manager.query<unknown>(`DELETE FROM pgboss.job WHERE ${byAddress} AND state <> 'active'`, [JobName.ResidentReminder, addresses]);
    await manager.query<unknown>(`DELETE FROM pgboss.archive WHERE ${byAddress}`, [JobName.ResidentReminder, addresses]);
  }

  async work<N extends JobName>(name: N, handler: JobHandlerFn<N>): Promise<void> {
    const policy = QUEUE_POLICIES[name];
    for (let i = 0; i < policy.concurrency; i++) {
      const workerId = await this.boss.work<JobPayloads[N]>(name, { batchSize: 1, pollingIntervalSeconds: this.config.queuePollSeconds }, async ([job]) => {
        // Fetched as the shutdown began: hand it back at once (failed, so retried after its
        // backoff, or expired and retried if the pool is already closed) rather than start work
        // the process is about to abandon.
        if (this.stopRequested) throw new Error('worker shutting down: job handed back for retry');
        this.running++;
        this.lastHandlerActivity = Date.now();
        try {
          await handler(job.data, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
        } finally {
          this.running--;
          this.lastHandlerActivity = Date.now();
        }
      });
      this.workerIds.set(name, [...(this.workerIds.get(name) ?? []), workerId]);
    }
    if (policy.cron) await this.boss.schedule(name, policy.cron, {}, { tz: 'Europe/London' });
    await this.listen();
  }

  /**
   * Asks the workers of a queue to fetch now instead of at their next poll (jobs just enqueued
   * that should start at once): this process's at once, every other process's through NOTIFY.
   */
  async wake(name: JobName): Promise<void> {
    this.wakeHere(name);
    await this.notify(name);
  }

  private wakeHere(name: string): void {
    for (const id of this.workerIds.get(name as JobName) ?? []) this.boss.notifyWorker(id);
  }

  /** NOTIFY the consumers of every process; inside `manager`'s transaction it is sent at its commit. */
  private async notify(name: JobName, manager?: EntityManager): Promise<void> {
    const sql = 'SELECT pg_notify($1, $2)';
    if (manager) await manager.query<unknown>(sql, [WAKE_CHANNEL, name]);
    else await this.boss.getDb().executeSql(sql, [WAKE_CHANNEL, name]);
  }

  /**
   * A consumer's wake-up listener: one connection that LISTENs and wakes this process's workers
   * of the queue each notification names. Wake-ups only shorten the wait: if the connection is
   * lost, the workers go on polling, the listener reconnects after RELISTEN_MS, and on reconnect
   * every queue is woken once (for what was enqueued meanwhile).
   */
  private async listen(): Promise<void> {
    if (this.listener || this.stopRequested) return;
    const client = new pg.Client({ connectionString: this.config.db.url, application_name: 'beacon-queue-wake' });
    this.listener = client;
    client.on('notification', (n) => n.payload && this.wakeHere(n.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query<never>(`LISTEN ${WAKE_CHANNEL}`);
      this.listening = true;
      for (const name of this.workerIds.keys()) this.wakeHere(name);
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.stopRequested) return;
    if (this.listening) this.logger.warn({ err }, 'Queue wake-up listener lost: polling until it reconnects');
    this.listening = false;
    clearTimeout(this.relisten);
    this.relisten = setTimeout(() => void this.listen(), RELISTEN_MS);
  }

  private async unlisten(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  async isHealthy(): Promise<boolean> {
    if (!this.started) return false;
    try {
      await this.boss.getQueue(JobName.Housekeeping);
      return true;
    } catch {
      return false;
    }
  }
}
