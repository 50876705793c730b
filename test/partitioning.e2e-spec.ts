// delivery and audit_event are partitioned by month (issue 24, migration MonthlyPartitions): rows land
// in their month's partition, the jobs create partitions ahead and move strays out of the default
// partition, retention drops whole old partitions (never one still holding unsent rows), and erasure
// still reaches rows in an old partition.
import { describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { HousekeepingService } from '@beacon/core';
import { ResidentAccountService } from '../libs/residents/src/resident-account.service';
import { DeliveryRetention } from '../libs/messaging/src/delivery-retention';
import { FanOutJob } from '../libs/messaging/src/fan-out/fan-out.job';
import { FanOutRepository } from '../libs/messaging/src/fan-out/fan-out.repository';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { compose, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

describe('monthly partitions of delivery and audit_event', () => {
  const { t } = useSuite({ smtp: true, geography: true, env: { DELIVERY_RETENTION_MONTHS: '13', AUDIT_RETENTION_MONTHS: '24' } });
  /** The partition name of the month `months` before now (UTC). */
  const partition = async (table: string, months: number) =>
    (await t.sql<{ p: string }>(`SELECT $1 || '_p' || to_char((now() AT TIME ZONE 'UTC') - make_interval(months => $2), 'YYYYMM') AS p`, [table, months]))[0].p;
  const exists = async (name: string) => (await t.sql(`SELECT 1 FROM pg_class WHERE relname = $1`, [name])).length === 1;
  const whereIs = async (sql: string, params: unknown[]) => (await t.sql<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM ${sql}`, params)).map((r) => r.p);
  const eco = async () => (await loginAs(t, 'eco', 'BE')).auth as Auth;

  it('both tables are partitioned, with this month, last month and three months ahead, and an empty default partition', async () => {
    for (const table of ['delivery', 'audit_event']) {
      expect(await t.sql(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = $1::regclass`, [table])).toHaveLength(1);
      for (const k of [1, 0, -1, -2, -3]) expect(await exists(await partition(table, k))).toBe(true);
      expect(await exists(`${table}_default`)).toBe(true);
    }
  });

  it("a message's deliveries all go in the partition of the month it was released, whenever the fan-out runs", async () => {
    const author = await eco();
    const r = await makeResident(t, { ward: 'BE01', channels: ['email'], topics: ['crime_alerts'] });
    const res = await compose(t, author, { audience: { wardCodes: ['BE01'], topics: ['crime_alerts'] } }).expect(201);
    const id = res.body.id as string;
    // Released last month (e.g. its fan-out was retried); the fan-out runs now.
    await t.sql(`UPDATE message SET status = 'sending', send_requested_at = now() - interval '1 month' WHERE id = $1`, [id]);
    await t.app.get(FanOutJob).fanOut({ messageId: id });
    await waitStatus(t, id, 'sent');
    expect(await whereIs(`delivery WHERE message_id = $1 AND resident_id = $2`, [id, r.id])).toEqual([await partition('delivery', 1)]);
    const [same] = await t.sql<{ same: boolean }>(`SELECT bool_and(d.created_at = m.send_requested_at) AS same FROM delivery d JOIN message m ON m.id = d.message_id WHERE m.id = $1`, [id]);
    expect(same.same).toBe(true);
    // The unique key (with the partition key in it) still refuses a second row for the same (message, resident, channel).
    await expect(
      t.sql(`INSERT INTO delivery (message_id, resident_id, channel, created_at) SELECT message_id, resident_id, channel, created_at FROM delivery WHERE message_id = $1`, [id]),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
  });

  it("the fan-out's ANALYZE skips a partition another session holds, with no failed statement for the log, and runs when it is free", async () => {
    const author = await eco();
    await makeResident(t, { ward: 'BE03', channels: ['email'], topics: ['crime_alerts'] });
    const res = await compose(t, author, { audience: { wardCodes: ['BE03'], topics: ['crime_alerts'] } }).expect(201);
    const id = res.body.id as string;
    await t.sql(`UPDATE message SET status = 'sending', send_requested_at = now() WHERE id = $1`, [id]);
    await t.app.get(FanOutJob).fanOut({ messageId: id });
    await waitStatus(t, id, 'sent');
    const p = await partition('delivery', 0);
    const analysed = async () => Number((await t.sql<{ n: string }>(`SELECT analyze_count::text AS n FROM pg_stat_user_tables WHERE relid = $1::regclass`, [p]))[0].n);
    const fanOuts = t.app.get(FanOutRepository);
    const failed = jest.spyOn(t.app.get(DataSource).logger, 'logQueryError');
    // Another session holds what ANALYZE and (auto)VACUUM take: SHARE UPDATE EXCLUSIVE.
    const holder = new pg.Client({ connectionString: t.config.db.url! });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${p} IN SHARE UPDATE EXCLUSIVE MODE`);
      await fanOuts.analyzeDeliveries(id);
      // An error line an operator would read as a fault (TypeORM logs every failed statement).
      expect(failed).not.toHaveBeenCalled();
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      failed.mockRestore();
    }
    const before = await analysed();
    await fanOuts.analyzeDeliveries(id);
    await waitUntil(async () => (await analysed()) > before, 10_000, 'the partition analysed');
  });

  it('retention drops a partition past DELIVERY_RETENTION_MONTHS, keeps the current one and any holding an unsent row; strays leave the default partition', async () => {
    const author = await eco();
    const r = await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['crime_alerts'] });
    const res = await compose(t, author, { audience: { wardCodes: ['BE02'], topics: ['crime_alerts'] } }).expect(201);
    const msg = res.body.id as string;
    const insert = (months: number, status: string, channel: string) =>
      t.sql<{ id: string }>(
        `INSERT INTO delivery (message_id, resident_id, channel, status, created_at) VALUES ($1, $2, $3, $4, now() - make_interval(months => $5)) RETURNING id::text AS id`,
        [msg, r.id, channel, status, months],
      );
    const [old] = await insert(15, 'sent', 'email');
    const [unsent] = await insert(16, 'sending', 'email');
    const [current] = await insert(0, 'sent', 'sms');
    // Older than any partition: in the default one until the job makes their month's partitions.
    expect(await whereIs(`delivery WHERE id = ANY($1::bigint[])`, [[old.id, unsent.id]])).toEqual(['delivery_default', 'delivery_default']);
    const created = await t.app.get(DeliveryRetention).ensurePartitions();
    expect(created).toEqual(expect.arrayContaining([await partition('delivery', 16), await partition('delivery', 15)]));
    expect(await whereIs(`delivery WHERE id = $1`, [old.id])).toEqual([await partition('delivery', 15)]);
    expect(await whereIs(`delivery WHERE id = $1`, [unsent.id])).toEqual([await partition('delivery', 16)]);
    expect(await t.sql(`SELECT 1 FROM delivery_default`)).toHaveLength(0);

    const purged = await t.app.get(HousekeepingService).run();
    expect(purged.deliveries).toBe(1);
    expect(await exists(await partition('delivery', 15))).toBe(false);
    expect(await exists(await partition('delivery', 16))).toBe(true); // a sending row keeps it
    expect(await exists(await partition('delivery', 0))).toBe(true);
    expect((await t.sql<{ id: string }>(`SELECT id::text AS id FROM delivery WHERE message_id = $1 ORDER BY id`, [msg])).map((d) => d.id)).toEqual([unsent.id, current.id]);
    // A second run finds nothing more to drop, and the job is idempotent.
    expect((await t.app.get(HousekeepingService).run()).deliveries).toBe(0);
    expect(await t.app.get(DeliveryRetention).ensurePartitions()).toEqual([]);
  });

  it('rows older than retention in the default partition go row by row; unsent ones stay', async () => {
    const author = await eco();
    const r = await makeResident(t, { ward: 'BE03', channels: ['email', 'sms'], topics: ['crime_alerts'] });
    const msg = (await compose(t, author, { audience: { wardCodes: ['BE03'], topics: ['crime_alerts'] } }).expect(201)).body.id as string;
    await t.sql(`INSERT INTO delivery (message_id, resident_id, channel, status, created_at) VALUES ($1, $2, 'email', 'sent', now() - interval '30 months'), ($1, $2, 'sms', 'queued', now() - interval '30 months')`, [msg, r.id]);
    expect((await t.app.get(HousekeepingService).run()).deliveries).toBe(1);
    expect(await t.sql<{ channel: string; p: string }>(`SELECT channel, tableoid::regclass::text AS p FROM delivery WHERE message_id = $1`, [msg])).toEqual([{ channel: 'sms', p: 'delivery_default' }]);
  });

  it('erasure reaches a delivery in an old partition', async () => {
    const author = await eco();
    const r = await makeResident(t, { ward: 'BE01', channels: ['email'], topics: ['events'] });
    const msg = (await compose(t, author, { audience: { wardCodes: ['BE01'], topics: ['events'] } }).expect(201)).body.id as string;
    await t.sql(`UPDATE message SET status = 'sent', send_requested_at = now() - interval '5 months', sent_at = now() - interval '5 months' WHERE id = $1`, [msg]);
    await t.sql(
      `INSERT INTO delivery (message_id, resident_id, channel, status, last_error, created_at) VALUES ($1, $2, 'email', 'failed', $3, now() - interval '5 months')`,
      [msg, r.id, `550 5.1.1 <${r.email}>: mailbox unavailable`],
    );
    await t.app.get(DeliveryRetention).ensurePartitions();
    expect(await whereIs(`delivery WHERE message_id = $1`, [msg])).toEqual([await partition('delivery', 5)]);
    await t.app.get(ResidentAccountService).erase(r.id);
    expect(await t.sql(`SELECT last_error FROM delivery WHERE message_id = $1`, [msg])).toEqual([{ last_error: null }]);
  });

  it('audit events land in their month; AUDIT_RETENTION_MONTHS drops whole old partitions and keeps younger ones', async () => {
    await t.sql(`INSERT INTO audit_event (actor, action, subject, at) VALUES ('partition-test', 'old', 'x', now() - interval '26 months'), ('partition-test', 'young', 'x', now() - interval '22 months'), ('partition-test', 'now', 'x', now())`);
    expect(await t.sql(`SELECT action, tableoid::regclass::text AS p FROM audit_event WHERE actor = 'partition-test' ORDER BY at`)).toEqual([
      { action: 'old', p: 'audit_event_default' },
      { action: 'young', p: 'audit_event_default' },
      { action: 'now', p: await partition('audit_event', 0) },
    ]);
    await t.app.get(HousekeepingService).ensureAuditPartitions();
    expect(await whereIs(`audit_event WHERE actor = 'partition-test' AND action = 'old'`, [])).toEqual([await partition('audit_event', 26)]);
    const purged = await t.app.get(HousekeepingService).run();
    expect(purged['audit events']).toBe(1);
    expect(await exists(await partition('audit_event', 26))).toBe(false);
    expect((await t.sql<{ action: string }>(`SELECT action FROM audit_event WHERE actor = 'partition-test' ORDER BY at`)).map((a) => a.action)).toEqual(['young', 'now']);
  });

  it('housekeeping run as its cron job (payload {}) purges as of now', async () => {
    // pg-boss calls a handler with the job's data: the scheduled housekeeping job carries {}.
    const run = t.app.get(HousekeepingService).run.bind(t.app.get(HousekeepingService)) as (payload: unknown) => Promise<Record<string, number>>;
    await expect(run({})).resolves.toMatchObject({ deliveries: expect.any(Number) });
  });
});
