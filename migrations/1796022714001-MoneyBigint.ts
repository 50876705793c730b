import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money columns become bigint (issue 14): `fund.allocated_pence` and `bid.paid_pence` are sums,
 * and `allocated_pence + award` was computed in 32 bits, so an award taking it past 2^31 failed
 * with "integer out of range" (400) instead of 409 BUDGET_EXCEEDED. Every money column moves,
 * so no comparison mixes widths. The CHECK constraints hold across the type change.
 */
export class MoneyBigint1796022714001 implements MigrationInterface {
    name = 'MoneyBigint1796022714001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "fund" ALTER COLUMN "budget_pence" TYPE bigint, ALTER COLUMN "allocated_pence" TYPE bigint`);
        await queryRunner.query(`ALTER TABLE "bid" ALTER COLUMN "amount_requested_pence" TYPE bigint, ALTER COLUMN "amount_awarded_pence" TYPE bigint, ALTER COLUMN "paid_pence" TYPE bigint`);
        await queryRunner.query(`ALTER TABLE "bid_payment" ALTER COLUMN "amount_pence" TYPE bigint`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // Fails (and changes nothing) if a value no longer fits 32 bits.
        await queryRunner.query(`ALTER TABLE "bid_payment" ALTER COLUMN "amount_pence" TYPE integer`);
        await queryRunner.query(`ALTER TABLE "bid" ALTER COLUMN "amount_requested_pence" TYPE integer, ALTER COLUMN "amount_awarded_pence" TYPE integer, ALTER COLUMN "paid_pence" TYPE integer`);
        await queryRunner.query(`ALTER TABLE "fund" ALTER COLUMN "budget_pence" TYPE integer, ALTER COLUMN "allocated_pence" TYPE integer`);
    }
}
