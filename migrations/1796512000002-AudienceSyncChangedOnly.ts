import type { MigrationInterface, QueryRunner } from 'typeorm';

// The resident columns the audience cells are made of (ward) or filtered by (the sendable rule).
const AUDIENCE_COLUMNS = ['status', 'ward_code', 'email', 'email_verified_at', 'phone_e164', 'phone_verified_at'];
const changed = (cols: string[]) => `(${cols.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `o.${c}`).join(', ')})`;

const sync = (residentUpdate: string) => `
  BEGIN
    IF TG_TABLE_NAME = 'resident' THEN
      IF TG_OP = 'INSERT' THEN PERFORM resident_audience_refresh(ARRAY(SELECT id FROM new_rows));
      ELSIF TG_OP = 'UPDATE' THEN PERFORM resident_audience_refresh(${residentUpdate});
      ELSE PERFORM resident_audience_refresh(ARRAY(SELECT id FROM old_rows)); END IF;
    ELSIF TG_OP = 'INSERT' THEN PERFORM resident_audience_refresh(ARRAY(SELECT DISTINCT resident_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN PERFORM resident_audience_refresh(ARRAY(SELECT resident_id FROM new_rows UNION SELECT resident_id FROM old_rows));
    ELSE PERFORM resident_audience_refresh(ARRAY(SELECT DISTINCT resident_id FROM old_rows)); END IF;
    RETURN NULL;
  END`;

/**
 * An UPDATE of `resident` refreshes the audience cells only of the residents whose ward or
 * sendable columns changed (AudienceCells1796504000001 refreshed every updated resident, so a
 * write of any other column — language, names, last activity, an import touching every row —
 * paid for a recount it did not need). The other tables' triggers are unchanged: every column of
 * resident_channel, resident_topic and resident_interest counts.
 */
export class AudienceSyncChangedOnly1796512000002 implements MigrationInterface {
  name = 'AudienceSyncChangedOnly1796512000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION "resident_audience_sync"() RETURNS trigger LANGUAGE plpgsql AS $$${sync(
        `ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE ${changed(AUDIENCE_COLUMNS)})`,
      )}$$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "resident_audience_sync"() RETURNS trigger LANGUAGE plpgsql AS $$${sync('ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows)')}$$`);
  }
}
