import pg from 'pg';
import { DataSource } from 'typeorm';
import { databaseBehindProxy, type CuttableProxy } from './cuttable-proxy';
import { makeResidents } from './factories';

/**
 * A fresh migrated database with one message and no app: for tests of messaging's repositories
 * and the outcome writer on real PostgreSQL (no Nest boot, so a mutation run's per-mutant cost is
 * the tests themselves). Reached through a CuttableProxy, so `proxy.cut()` is an outage.
 */
export interface DeliveryDatabase {
  proxy: CuttableProxy;
  /** The database's URL (through the proxy), for a connection of the test's own. */
  url: string;
  /** For setup and assertions. */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** What the code under test gets (TypeORM, as in the app). */
  ds: DataSource;
  messageId: string;
  /** `count` deliveries of fresh residents in `status` (default `sending`, as claimed), ids in order. */
  deliveries(count: number, opts?: { status?: string; channel?: 'email' | 'sms' }): Promise<string[]>;
  close(): Promise<void>;
}

let batch = 0;

export async function deliveryDatabase(extra: Record<string, unknown> = {}): Promise<DeliveryDatabase> {
  const db = await databaseBehindProxy();
  const pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined); // idle connections cut with the proxy
  const sql = async <T = Record<string, unknown>>(text: string, values?: unknown[]) => (await pool.query(text, values)).rows as T[];
  const ds = new DataSource({ type: 'postgres', url: db.url, entities: [], extra: { max: 2, ...extra } });
  await ds.initialize();
  await sql(`INSERT INTO npu (code, name) VALUES ('DR', 'Delivery Rows')`);
  const [n] = await sql<{ id: string }>(`INSERT INTO neighbourhood (npu_code, name) VALUES ('DR', 'Rows') RETURNING id`);
  await sql(`INSERT INTO ward (code, name, npu_code, neighbourhood_id) VALUES ('DR01', 'Rows Ward', 'DR', $1)`, [n.id]);
  const [staff] = await sql<{ id: string }>(`INSERT INTO staff (email, name, role) VALUES ('rows@example.org', 'Rows', 'eco') RETURNING id`);
  const [m] = await sql<{ id: string }>(
    `INSERT INTO message (author_id, title, body, category, channels, audience, status) VALUES ($1, 'Rows', 'Body', 'general', '{email,sms}', '{}', 'sending') RETURNING id`,
    [staff.id],
  );
  return {
    proxy: db.proxy,
    url: db.url,
    sql,
    ds,
    messageId: m.id,
    async deliveries(count, opts = {}) {
      const channel = opts.channel ?? 'email';
      const { emails, phones } = await makeResidents({ sql }, { count, ward: 'DR01', prefix: `rows${++batch}.${Date.now()}.`, channels: [channel] });
      const rows = await sql<{ id: string }>(
        `INSERT INTO delivery (message_id, resident_id, channel, status, attempts, claimed_at, sent_at)
         SELECT $1, r.id, $3, $4::varchar, 1, CASE WHEN $4::varchar = 'sending' THEN now() END,
                CASE WHEN $4::varchar IN ('sent', 'delivered', 'unknown', 'bounced') THEN now() END
           FROM resident r WHERE r.email = ANY($2::varchar[]) OR r.phone_e164 = ANY($2::varchar[])
         RETURNING id::text AS id`,
        [m.id, channel === 'email' ? emails : phones, channel, opts.status ?? 'sending'],
      );
      return rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
    },
    async close() {
      await db.proxy.open();
      await ds.destroy();
      await pool.end();
      await db.proxy.cut();
    },
  };
}
