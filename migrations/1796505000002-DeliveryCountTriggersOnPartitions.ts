import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATE = `CASE WHEN status = 'queued' AND not_before IS NOT NULL THEN 'waiting' ELSE status END`;
const TRIGGERS = [
  ['ins', 'INSERT', 'REFERENCING NEW TABLE AS new_rows'],
  ['upd', 'UPDATE', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'],
  ['del', 'DELETE', 'REFERENCING OLD TABLE AS old_rows'],
] as const;

/**
 * MonthlyPartitions1796505000001 swapped `delivery` for a partitioned table, and the message
 * counters' triggers (MessageDeliveryCounts1796504000002) went with the old table. They are put
 * back on the partitioned table (statement-level triggers with transition tables see the rows of
 * every partition), and the counters are recounted under the same lock, so no write between the
 * two migrations is missed.
 *
 * Reverting past here: MonthlyPartitions' down rebuilds a plain `delivery` without these
 * triggers, so MessageDeliveryCounts' down then finds none to drop and stops; a revert that far
 * back runs `DROP TRIGGER IF EXISTS trg_delivery_count_{ins,upd,del} ON delivery` by hand first.
 */
export class DeliveryCountTriggersOnPartitions1796505000002 implements MigrationInterface {
  name = 'DeliveryCountTriggersOnPartitions1796505000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE delivery IN SHARE ROW EXCLUSIVE MODE`);
    for (const [op, event, refs] of TRIGGERS) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS "trg_delivery_count_${op}" ON "delivery"`);
      await queryRunner.query(`CREATE TRIGGER "trg_delivery_count_${op}" AFTER ${event} ON "delivery" ${refs} FOR EACH STATEMENT EXECUTE FUNCTION delivery_count_sync()`);
    }
    await queryRunner.query(`DELETE FROM message_delivery_count`);
    await queryRunner.query(
      `INSERT INTO message_delivery_count (message_id, channel, state, slot, deliveries, complained)
       SELECT message_id, channel, ${STATE}, 0, count(*), count(complained_at) FROM delivery GROUP BY 1, 2, 3`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to undo: the triggers stay until MonthlyPartitions' down drops the partitioned table.
  }
}
