import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Only a verified address is held (issue 14, finding 2): an unverified one is a claim that
 * blocks nobody, so several residents may claim one address and verifying it moves it. The
 * unique indexes cover verified addresses only; lookups keep a plain index; a sign-up that
 * repeats a pending sign-up's addresses exactly is recognised by uq_resident_pending_claim.
 */
export class ResidentAddressClaims1796011406021 implements MigrationInterface {
    name = 'ResidentAddressClaims1796011406021';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Reviewed: today every address is held once, so the new unique indexes build on any data.
        await queryRunner.query(`DROP INDEX "public"."uq_resident_email"`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_phone"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_email" ON "resident" ("email") WHERE email IS NOT NULL AND email_verified_at IS NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_phone" ON "resident" ("phone_e164") WHERE phone_e164 IS NOT NULL AND phone_verified_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_resident_email" ON "resident" ("email") WHERE email IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_resident_phone" ON "resident" ("phone_e164") WHERE phone_e164 IS NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_pending_claim" ON "resident" (coalesce("email", ''), coalesce("phone_e164", '')) WHERE status = 'pending' AND ("email" IS NOT NULL OR "phone_e164" IS NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Added by hand: the old schema holds each address once. Claims give way to a verified
        // holder, then to the oldest claim; a pending sign-up left with no address goes.
        for (const [col, verified] of [['email', 'email_verified_at'], ['phone_e164', 'phone_verified_at']]) {
            await queryRunner.query(
                `UPDATE "resident" r SET "${col}" = NULL, "${verified}" = NULL
                  WHERE r."${col}" IS NOT NULL AND r."${verified}" IS NULL
                    AND EXISTS (SELECT 1 FROM "resident" o WHERE o."${col}" = r."${col}" AND o.id <> r.id
                                  AND (o."${verified}" IS NOT NULL OR (o.created_at, o.id) < (r.created_at, r.id)))`,
            );
        }
        await queryRunner.query(`DELETE FROM "resident" WHERE status = 'pending' AND email IS NULL AND phone_e164 IS NULL`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_pending_claim"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_phone"`);
        await queryRunner.query(`DROP INDEX "public"."idx_resident_email"`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_phone"`);
        await queryRunner.query(`DROP INDEX "public"."uq_resident_email"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_phone" ON "resident" ("phone_e164") WHERE phone_e164 IS NOT NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_resident_email" ON "resident" ("email") WHERE email IS NOT NULL`);
    }
}
