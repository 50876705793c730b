import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATE = `CASE WHEN status = 'queued' AND not_before IS NOT NULL THEN 'waiting' ELSE status END`;
const change = (rows: string, sign: string) =>
  `SELECT message_id, channel, ${STATE} AS state, ${sign}count(*) AS n, ${sign}count(complained_at) AS c FROM ${rows} GROUP BY 1, 2, 3`;
const body = (write: (parts: string) => string) => `
  BEGIN
    IF TG_OP = 'INSERT' THEN ${write(change('new_rows', '+'))};
    ELSIF TG_OP = 'UPDATE' THEN ${write(`${change('new_rows', '+')} UNION ALL ${change('old_rows', '-')}`)};
    ELSE ${write(change('old_rows', '-'))}; END IF;
    RETURN NULL;
  END`;

// Each statement's change as new rows: an INSERT takes no lock another writer waits for.
const append = (parts: string) => `INSERT INTO message_delivery_count (message_id, channel, state, deliveries, complained)
      SELECT x.message_id, x.channel, x.state, sum(x.n), sum(x.c)
        FROM (${parts}) AS x
       WHERE EXISTS (SELECT 1 FROM message m WHERE m.id = x.message_id)
       GROUP BY x.message_id, x.channel, x.state HAVING sum(x.n) <> 0 OR sum(x.c) <> 0`;

// MessageDeliveryCounts1796504000002's upsert, for `down`.
const upsert = (parts: string) => `INSERT INTO message_delivery_count AS k (message_id, channel, state, slot, deliveries, complained)
      SELECT x.message_id, x.channel, x.state, (pg_backend_pid() % 8)::smallint, sum(x.n), sum(x.c)
        FROM (${parts}) AS x
       WHERE EXISTS (SELECT 1 FROM message m WHERE m.id = x.message_id)
       GROUP BY x.message_id, x.channel, x.state HAVING sum(x.n) <> 0 OR sum(x.c) <> 0
       ORDER BY x.message_id, x.channel, x.state
    ON CONFLICT (message_id, channel, state, slot) DO UPDATE SET deliveries = k.deliveries + excluded.deliveries, complained = k.complained + excluded.complained`;

/**
 * The delivery counters become append-only: each statement on `delivery` adds its change as new
 * rows instead of upserting shared (message, channel, state, slot) rows. An upsert holds its
 * counter row until the transaction ends, so writers of one message that met on a slot queued
 * behind each other, and a claim (cursor row, then counters) and a fan-out slice (counters, then
 * cursor row) could deadlock there. Readers already sum; `SendProgressRepository.compactCounts`
 * folds a message's rows back into one per (channel, state) (the sweep, and when a send ends).
 */
export class AppendOnlyDeliveryCounts1796512000001 implements MigrationInterface {
  name = 'AppendOnlyDeliveryCounts1796512000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE delivery IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "delivery_count_sync"() RETURNS trigger LANGUAGE plpgsql AS $$${body(append)}$$`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" DROP CONSTRAINT "PK_49bc10e1e03293190822c92b662"`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" DROP COLUMN "slot"`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" ADD "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" ADD CONSTRAINT "PK_message_delivery_count" PRIMARY KEY ("id")`);
    await queryRunner.query(`CREATE INDEX "idx_message_delivery_count_message" ON "message_delivery_count" ("message_id", "channel", "state")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE delivery IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`DROP INDEX "idx_message_delivery_count_message"`);
    await queryRunner.query(
      `CREATE TEMP TABLE mdc_sum ON COMMIT DROP AS SELECT message_id, channel, state, sum(deliveries) AS d, sum(complained) AS c FROM message_delivery_count GROUP BY 1, 2, 3`,
    );
    await queryRunner.query(`DELETE FROM message_delivery_count`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" DROP CONSTRAINT "PK_message_delivery_count"`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" DROP COLUMN "id"`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" ADD "slot" smallint NOT NULL`);
    await queryRunner.query(`INSERT INTO message_delivery_count (message_id, channel, state, slot, deliveries, complained) SELECT message_id, channel, state, 0, d, c FROM mdc_sum`);
    await queryRunner.query(`ALTER TABLE "message_delivery_count" ADD CONSTRAINT "PK_49bc10e1e03293190822c92b662" PRIMARY KEY ("message_id", "channel", "state", "slot")`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "delivery_count_sync"() RETURNS trigger LANGUAGE plpgsql AS $$${body(upsert)}$$`);
  }
}
