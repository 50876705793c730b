import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `delivery` and `audit_event` become range-partitioned by month (issue 24): one partition per
 * calendar month (UTC) of `delivery.created_at` / `audit_event.at`, named `<table>_pYYYYMM`, plus
 * a `<table>_default` partition for anything outside them (normally empty). Retention then drops
 * whole partitions instead of deleting rows; libs/core `MonthlyPartitions` creates next months'
 * partitions ahead of time and moves anything that landed in the default one.
 *
 * A unique key of a partitioned table must hold the partition key: the primary keys become
 * (id, created_at) and (id, at), and delivery's unique key (message_id, resident_id, channel,
 * created_at). The fan-out sets a delivery's created_at from its message (send_requested_at), one
 * value per message, so that key still means one row per (message, resident, channel).
 *
 * How (`rebuild`): under an EXCLUSIVE lock on the old table (reads go on; writers wait until
 * commit) the partitioned table is created beside it with the same columns, one partition per
 * month that has rows plus last month to three months ahead, the rows copied in one INSERT …
 * SELECT (no index yet), then the keys and indexes built on the parent (one per partition); then
 * the swap: old table dropped, new one renamed, identity re-attached to delivery.id continuing
 * after the old sequence. `down` rebuilds the plain tables the same way. Ids
 * stay as they were: rating links, VERP addresses and Twilio callbacks that name a delivery id
 * still find it (the primary key index of each partition leads with id). Measured in
 * libs/messaging/README.md ("Partitions").
 */
const TABLES = [
  {
    table: 'delivery',
    key: 'created_at',
    columns: `id bigint NOT NULL,
      message_id uuid NOT NULL,
      resident_id uuid NOT NULL,
      channel character varying(8) NOT NULL,
      status character varying(10) DEFAULT 'queued'::character varying NOT NULL,
      provider_id character varying(120),
      attempts smallint DEFAULT '0'::smallint NOT NULL,
      last_error character varying(500),
      not_before timestamp with time zone,
      claimed_at timestamp with time zone,
      sent_at timestamp with time zone,
      created_at timestamp with time zone DEFAULT now() NOT NULL,
      updated_at timestamp with time zone DEFAULT now() NOT NULL,
      bounce_status character varying(10),
      complained_at timestamp with time zone`,
    names: 'id, message_id, resident_id, channel, status, provider_id, attempts, last_error, not_before, claimed_at, sent_at, created_at, updated_at, bounce_status, complained_at',
    oldPk: 'PK_ffad7bf84e68716cd9af89003b0',
    newPk: 'PK_8a553cdfb5f98f2028e35ce5802',
    unique: ['uq_delivery_message_resident_channel', 'message_id, resident_id, channel'],
    indexes: [
      `CREATE INDEX idx_delivery_provider ON delivery USING btree (provider_id) WHERE (provider_id IS NOT NULL)`,
      `CREATE INDEX idx_delivery_retry ON delivery USING btree (message_id, channel, not_before) WHERE (((status)::text = 'queued'::text) AND (not_before IS NOT NULL))`,
      `CREATE INDEX idx_delivery_sending ON delivery USING btree (claimed_at) WHERE ((status)::text = 'sending'::text)`,
    ],
    indexNames: ['idx_delivery_provider', 'idx_delivery_retry', 'idx_delivery_sending'],
    identity: true,
  },
  {
    table: 'audit_event',
    key: 'at',
    columns: `id uuid DEFAULT gen_random_uuid() NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      subject text NOT NULL,
      at timestamp with time zone DEFAULT now() NOT NULL,
      data jsonb DEFAULT '{}'::jsonb NOT NULL`,
    names: 'id, actor, action, subject, at, data',
    oldPk: 'PK_481efbe8b0a403efe3f47a6528f',
    newPk: 'PK_5e17158fec0039930c5870f0e4e',
    unique: null,
    indexes: [
      `CREATE INDEX idx_audit_event_actor ON audit_event USING btree (actor, at)`,
      `CREATE INDEX idx_audit_event_subject ON audit_event USING btree (subject, at)`,
    ],
    indexNames: ['idx_audit_event_actor', 'idx_audit_event_subject'],
    identity: false,
  },
] as const;

type Spec = (typeof TABLES)[number];

/** 'YYYYMM' → [first instant of the month, of the next] as UTC timestamps. */
function bounds(month: string): [string, string] {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${y}-${String(m).padStart(2, '0')}-01 00:00:00+00`, `${next}-01 00:00:00+00`];
}

export class MonthlyPartitions1796505000001 implements MigrationInterface {
  name = 'MonthlyPartitions1796505000001';

  public async up(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await this.partition(q, t);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await this.unpartition(q, t);
  }

  private async partition(q: QueryRunner, t: Spec): Promise<void> {
    await this.rebuild(q, t, true);
  }

  private async unpartition(q: QueryRunner, t: Spec): Promise<void> {
    await this.rebuild(q, t, false);
  }

  /**
   * Builds the new table beside the old one under `<table>_next` (temporary constraint and index
   * names), copies the rows and builds the indexes while the old table is only EXCLUSIVE-locked
   * (readers go on; writers wait), then swaps: drops the old table (its sequence with it), renames
   * the new one and its constraints and indexes, and gives `id` its identity back, continuing
   * after the old sequence's last value. The moment of ACCESS EXCLUSIVE is the swap only.
   */
  private async rebuild(q: QueryRunner, t: Spec, partitioned: boolean): Promise<void> {
    const next = `${t.table}_next`;
    const pk = partitioned ? t.newPk : t.oldPk;
    const withKey = (cols: string) => (partitioned ? `${cols}, ${t.key}` : cols);
    await q.query(`LOCK TABLE ${t.table} IN EXCLUSIVE MODE`);
    if (partitioned) {
      await q.query(`CREATE TABLE ${next} (${t.columns}) PARTITION BY RANGE (${t.key})`);
      const months = (await q.query(
        `SELECT to_char(m, 'YYYYMM') AS m FROM (
           SELECT DISTINCT date_trunc('month', ${t.key} AT TIME ZONE 'UTC') AS m FROM ${t.table}
           UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => k) FROM generate_series(-1, 3) AS k) x
         ORDER BY 1`,
      )) as { m: string }[];
      for (const { m } of months) {
        const [from, to] = bounds(m);
        await q.query(`CREATE TABLE ${t.table}_p${m} PARTITION OF ${next} FOR VALUES FROM ('${from}') TO ('${to}')`);
      }
      await q.query(`CREATE TABLE ${t.table}_default PARTITION OF ${next} DEFAULT`);
    } else {
      await q.query(`CREATE TABLE ${next} (${t.columns})`);
    }
    await q.query(`INSERT INTO ${next} (${t.names}) SELECT ${t.names} FROM ${t.table}`);
    await q.query(`ALTER TABLE ${next} ADD CONSTRAINT "${pk}_next" PRIMARY KEY (${withKey('id')})`);
    if (t.unique) await q.query(`ALTER TABLE ${next} ADD CONSTRAINT ${t.unique[0]}_next UNIQUE (${withKey(t.unique[1])})`);
    for (const [k, sql] of t.indexes.entries()) await q.query(sql.replace(`INDEX ${t.indexNames[k]} ON ${t.table} `, `INDEX ${t.indexNames[k]}_next ON ${next} `));
    let start: string | null = null;
    if (t.identity) {
      const [{ n }] = (await q.query(`SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END::text AS n FROM ${t.table}_id_seq`)) as { n: string }[];
      start = n;
    }
    // The swap.
    await q.query(`DROP TABLE ${t.table}`); // with its partitions, if any, and its sequence
    await q.query(`ALTER TABLE ${next} RENAME TO ${t.table}`);
    await q.query(`ALTER TABLE ${t.table} RENAME CONSTRAINT "${pk}_next" TO "${pk}"`);
    if (t.unique) await q.query(`ALTER TABLE ${t.table} RENAME CONSTRAINT ${t.unique[0]}_next TO ${t.unique[0]}`);
    for (const name of t.indexNames) await q.query(`ALTER INDEX ${name}_next RENAME TO ${name}`);
    if (start !== null) {
      await q.query(
        `ALTER TABLE ${t.table} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.${t.table}_id_seq START WITH ${start} INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1000)`,
      );
    }
    await q.query(`ANALYZE ${t.table}`);
  }
}
