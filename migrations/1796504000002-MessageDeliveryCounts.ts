import type { MigrationInterface, QueryRunner } from 'typeorm';

// A delivery row's counter state: its status, or `waiting` for a queued row with a time to wait for.
const STATE = `CASE WHEN status = 'queued' AND not_before IS NOT NULL THEN 'waiting' ELSE status END`;

/**
 * Message progress from counters (issue 24): deliveries per message, channel and state, moved by
 * a statement-level trigger on `delivery` in the same transaction as every insert (fan-out),
 * status change (claims, outcomes, callbacks, bounces, cancel, sweeper, revival) and delete
 * (retention): one grouped upsert per statement, never a statement per row. Counter rows are
 * taken in key order (no deadlock between writers) and spread over 8 slots by backend pid (fewer
 * waits on one message's rows); readers sum the slots. Existing deliveries are counted here.
 */
export class MessageDeliveryCounts1796504000002 implements MigrationInterface {
  name = 'MessageDeliveryCounts1796504000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "message_delivery_count" ("message_id" uuid NOT NULL, "channel" character varying(8) NOT NULL, "state" character varying(16) NOT NULL, "slot" smallint NOT NULL, "deliveries" bigint NOT NULL DEFAULT '0', "complained" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_49bc10e1e03293190822c92b662" PRIMARY KEY ("message_id", "channel", "state", "slot"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "message_delivery_count" ADD CONSTRAINT "FK_7a996f6201acb63d193b1bd41fe" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    const change = (rows: string, sign: string) =>
      `SELECT message_id, channel, ${STATE} AS state, ${sign}count(*) AS n, ${sign}count(complained_at) AS c FROM ${rows} GROUP BY 1, 2, 3`;
    // Rows of a message deleted in the same statement (a cascade) are not counted: its counters went with it.
    const upsert = (parts: string) => `INSERT INTO message_delivery_count AS k (message_id, channel, state, slot, deliveries, complained)
          SELECT x.message_id, x.channel, x.state, (pg_backend_pid() % 8)::smallint, sum(x.n), sum(x.c)
            FROM (${parts}) AS x
           WHERE EXISTS (SELECT 1 FROM message m WHERE m.id = x.message_id)
           GROUP BY x.message_id, x.channel, x.state HAVING sum(x.n) <> 0 OR sum(x.c) <> 0
           ORDER BY x.message_id, x.channel, x.state
        ON CONFLICT (message_id, channel, state, slot) DO UPDATE SET deliveries = k.deliveries + excluded.deliveries, complained = k.complained + excluded.complained`;
    await queryRunner.query(`CREATE FUNCTION "delivery_count_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${upsert(change('new_rows', '+'))};
        ELSIF TG_OP = 'UPDATE' THEN ${upsert(`${change('new_rows', '+')} UNION ALL ${change('old_rows', '-')}`)};
        ELSE ${upsert(change('old_rows', '-'))}; END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "trg_delivery_count_ins" AFTER INSERT ON "delivery" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_count_sync()`);
    await queryRunner.query(
      `CREATE TRIGGER "trg_delivery_count_upd" AFTER UPDATE ON "delivery" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_count_sync()`,
    );
    await queryRunner.query(`CREATE TRIGGER "trg_delivery_count_del" AFTER DELETE ON "delivery" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_count_sync()`);
    await queryRunner.query(`LOCK TABLE delivery IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(
      `INSERT INTO message_delivery_count (message_id, channel, state, slot, deliveries, complained)
       SELECT message_id, channel, ${STATE}, 0, count(*), count(complained_at) FROM delivery GROUP BY 1, 2, 3`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const op of ['ins', 'upd', 'del']) await queryRunner.query(`DROP TRIGGER "trg_delivery_count_${op}" ON "delivery"`);
    await queryRunner.query(`DROP FUNCTION "delivery_count_sync"()`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" DROP CONSTRAINT "FK_7a996f6201acb63d193b1bd41fe"`);
    await queryRunner.query(`DROP TABLE "message_delivery_count"`);
  }
}
