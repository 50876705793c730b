import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Radius targeting: earthdistance (on cube) for the distance, and a GiST index over each
 * resident's postcode centroid as a point (long, lat), so `audience.near` is an index scan (a
 * bounding box) inside the fan-out's INSERT … SELECT. A point index rather than one on
 * ll_to_earth(): built sorted, it took 0.4 s over the 97,000 demo residents where the cube index
 * took 14 s, and it costs less on every insert.
 */
export class RadiusTargeting1796305000001 implements MigrationInterface {
    name = 'RadiusTargeting1796305000001';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS cube`);
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS earthdistance`);
        await queryRunner.query(`CREATE INDEX "idx_resident_location" ON "resident" USING gist (point("postcode_long", "postcode_lat")) WHERE "postcode_lat" IS NOT NULL AND "postcode_long" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_resident_location"`);
        await queryRunner.query(`DROP EXTENSION IF EXISTS earthdistance`);
        await queryRunner.query(`DROP EXTENSION IF EXISTS cube`);
    }
}
