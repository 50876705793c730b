import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheme and member import (issue 18): `import_scheme_row` staging (UNLOGGED by hand, as
 * `import_resident_row`: TypeORM cannot say so and does not compare it), the provenance of an
 * imported member's consent on `scheme_member` (the system they consented on and when), and the
 * welcome-message choice of a commit on `data_import`.
 */
export class SchemeImport1796306000001 implements MigrationInterface {
    name = 'SchemeImport1796306000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE UNLOGGED TABLE "import_scheme_row" ("import_id" uuid NOT NULL, "line" integer NOT NULL, "invalid_reason" character varying(300), "raw" jsonb, "outcome" character varying(12), "reason" character varying(300), "resident_id" uuid, "scheme_id" uuid, "new_scheme" boolean, "scheme_type" character varying(30), "scheme_name" character varying(120), "ward_code" character varying(16), "email" character varying(254), "phone" character varying(16), "role" character varying(12), "joined_at" TIMESTAMP WITH TIME ZONE, "consent_at" TIMESTAMP WITH TIME ZONE, "source_system" character varying(40), CONSTRAINT "PK_a932de876734676c2fead1354c3" PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD "consent_source" character varying(40)`);
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD "consent_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "data_import" ADD "welcome" boolean NOT NULL DEFAULT false`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "data_import" DROP COLUMN "welcome"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP COLUMN "consent_at"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP COLUMN "consent_source"`);
        await queryRunner.query(`DROP TABLE "import_scheme_row"`);
    }
}
