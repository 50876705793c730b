import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The heartbeat row a read replica's staleness is read from (issue 24, docs/replica.md). */
export class ReplicaHeartbeat1796506000001 implements MigrationInterface {
    name = 'ReplicaHeartbeat1796506000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "replica_heartbeat" ("id" smallint NOT NULL, "beat_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_b89f5889408a1ee1154a8e4dc27" PRIMARY KEY ("id"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "replica_heartbeat"`);
    }
}
