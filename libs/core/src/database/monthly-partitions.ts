import type { DataSource, EntityManager } from 'typeorm';

/**
 * A table range-partitioned by calendar month (UTC) of one timestamptz column, as migration
 * MonthlyPartitions made `delivery` and `audit_event`: partitions `<table>_pYYYYMM` plus
 * `<table>_default` for rows outside them. The owning lib runs `ensureAhead` from a daily job and
 * `dropBefore` from its retention purge; nothing here knows a table's rules.
 */
export interface MonthlyTable {
  table: 'delivery' | 'audit_event';
  /** The partition key column. */
  key: string;
  /**
   * Rows that must not go yet whatever their age (e.g. deliveries still queued or sending): a
   * partition holding one is kept, and such rows in the default partition are not deleted.
   */
  keep?: string;
}

export interface MonthlyPartition {
  name: string;
  /** 'YYYYMM' */
  month: string;
  from: Date;
  to: Date;
}

const monthStart = (d: Date, add = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
const monthName = (d: Date) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/** A transaction-scoped advisory lock per table: two workers never create or drop the same partition at once. */
const lockFor = (m: EntityManager, t: MonthlyTable) => m.query<unknown>(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`monthly-partitions:${t.table}`]);

export async function listMonthlyPartitions(db: DataSource | EntityManager, t: MonthlyTable): Promise<MonthlyPartition[]> {
  const rows = await db.query<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass AND c.relname ~ ('^' || $2 || '_p[0-9]{6}$') ORDER BY 1`,
    [t.table, t.table],
  );
  return rows.map(({ name }) => {
    const month = name.slice(-6);
    const from = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4)) - 1, 1));
    return { name, month, from, to: monthStart(from, 1) };
  });
}

/**
 * Makes sure the partitions from last month to `ahead` months after `now` exist, and one for every
 * month that has rows in the default partition (moved into it in the same transaction, so the
 * default partition stays empty and cheap to check). Returns the partitions it created.
 */
export async function ensureMonthlyPartitions(db: DataSource, t: MonthlyTable, now: Date, ahead = 3): Promise<string[]> {
  return db.transaction(async (tx) => {
    await lockFor(tx, t);
    const have = new Set((await listMonthlyPartitions(tx, t)).map((p) => p.month));
    const stray = await tx.query<{ m: Date }[]>(`SELECT DISTINCT date_trunc('month', ${t.key} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM ${t.table}_default`);
    const wanted = new Map<string, Date>();
    for (let k = -1; k <= ahead; k++) wanted.set(monthName(monthStart(now, k)), monthStart(now, k));
    for (const { m } of stray) wanted.set(monthName(m), monthStart(m));
    const created: string[] = [];
    for (const [month, from] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
      if (have.has(month)) continue;
      const name = `${t.table}_p${month}`;
      const bounds = `FROM ('${from.toISOString()}') TO ('${monthStart(from, 1).toISOString()}')`;
      const [{ n }] = await tx.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${t.table}_default WHERE ${t.key} >= $1 AND ${t.key} < $2`, [from, monthStart(from, 1)]);
      if (n === 0) {
        await tx.query<unknown>(`CREATE TABLE ${name} PARTITION OF ${t.table} FOR VALUES ${bounds}`);
      } else {
        // Rows already in the default partition for this month: move them, then attach.
        await tx.query<unknown>(`CREATE TABLE ${name} (LIKE ${t.table} INCLUDING DEFAULTS)`);
        await tx.query<unknown>(
          `WITH moved AS (DELETE FROM ${t.table}_default WHERE ${t.key} >= $1 AND ${t.key} < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`,
          [from, monthStart(from, 1)],
        );
        await tx.query<unknown>(`ALTER TABLE ${t.table} ATTACH PARTITION ${name} FOR VALUES ${bounds}`);
      }
      created.push(name);
    }
    return created;
  });
}

/**
 * Retention by partition: drops every monthly partition that ends on or before `cutoff` (unless
 * it holds a row `keep` names), and deletes rows older than `cutoff` from the default partition
 * in batches. Returns how many rows went. A DROP needs a moment's exclusive lock on the parent:
 * it waits at most 5 s for one (then the next run tries again), so it never queues the senders
 * behind a long report.
 */
export async function dropMonthlyPartitionsBefore(db: DataSource, t: MonthlyTable, cutoff: Date): Promise<number> {
  let total = 0;
  for (const p of await listMonthlyPartitions(db, t)) {
    if (p.to.getTime() > cutoff.getTime()) continue;
    total += await db.transaction(async (tx) => {
      await lockFor(tx, t);
      await tx.query<unknown>(`SET LOCAL lock_timeout = '5s'`);
      const [{ n, kept }] = await tx.query<{ n: number; kept: number }[]>(
        `SELECT count(*)::int AS n, ${t.keep ? `count(*) FILTER (WHERE ${t.keep})::int` : '0'} AS kept FROM ${p.name}`,
      );
      if (kept > 0) return 0;
      await tx.query<unknown>(`DROP TABLE ${p.name}`);
      return n;
    });
  }
  for (;;) {
    const [{ n }] = await db.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM ${t.table}_default WHERE ctid IN (
         SELECT ctid FROM ${t.table}_default WHERE ${t.key} < $1 ${t.keep ? `AND NOT (${t.keep})` : ''} LIMIT 5000) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [cutoff],
    );
    total += n;
    if (n < 5000) return total;
  }
}

/** The first instant of the month `months` whole months before `now`'s month (UTC): rows before it are past retention. */
export const monthsBefore = (now: Date, months: number) => monthStart(now, -months);
