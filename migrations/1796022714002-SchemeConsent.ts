import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheme membership needs the resident's consent (issue 14): staff record how it was given
 * (`scheme_member.consent`, `consent_recorded_by`); a coordinator only invites
 * (`scheme_invitation`), and the resident accepts from their own session. Existing members
 * keep NULL consent (joined before it was recorded).
 */
export class SchemeConsent1796022714002 implements MigrationInterface {
    name = 'SchemeConsent1796022714002';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD "consent" character varying(20)`);
        await queryRunner.query(`ALTER TABLE "scheme_member" ADD "consent_recorded_by" character varying(60)`);
        await queryRunner.query(`CREATE TABLE "scheme_invitation" ("scheme_id" uuid NOT NULL, "resident_id" uuid NOT NULL, "invited_by" character varying(60) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_scheme_invitation" PRIMARY KEY ("scheme_id", "resident_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_scheme_invitation_resident" ON "scheme_invitation" ("resident_id") `);
        await queryRunner.query(`ALTER TABLE "scheme_invitation" ADD CONSTRAINT "FK_39f8d86606c6f0079934b9169e1" FOREIGN KEY ("scheme_id") REFERENCES "scheme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "scheme_invitation" ADD CONSTRAINT "FK_8aab9a9b00efbaafb3cf111f287" FOREIGN KEY ("resident_id") REFERENCES "resident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "scheme_invitation" DROP CONSTRAINT "FK_8aab9a9b00efbaafb3cf111f287"`);
        await queryRunner.query(`ALTER TABLE "scheme_invitation" DROP CONSTRAINT "FK_39f8d86606c6f0079934b9169e1"`);
        await queryRunner.query(`DROP INDEX "public"."idx_scheme_invitation_resident"`);
        await queryRunner.query(`DROP TABLE "scheme_invitation"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP COLUMN "consent_recorded_by"`);
        await queryRunner.query(`ALTER TABLE "scheme_member" DROP COLUMN "consent"`);
    }
}
