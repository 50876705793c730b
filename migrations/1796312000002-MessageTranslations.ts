import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageTranslations1796312000002 implements MigrationInterface {
    name = 'MessageTranslations1796312000002';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "message" ADD "translations" jsonb NOT NULL DEFAULT '{}'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "message" DROP COLUMN "translations"`);
    }
}
