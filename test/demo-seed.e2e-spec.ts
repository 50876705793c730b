import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapService } from '../apps/api/src/seed/bootstrap.service';
import { createTestApp, type TestApp } from './utils/test-app';

describe('demo seed (schemes and cadets)', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'beacon-demo-'));
    t = await createTestApp({ SEED_DEMO: 'true', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const snapshot = async () =>
    (
      await t.sql<{ npus: number; schemes: number; members: number; coordinators: number; targets: number; units: number; cadets: number }>(
        `SELECT (SELECT count(*)::int FROM npu) AS npus,
                (SELECT count(*)::int FROM scheme) AS schemes,
                (SELECT count(*)::int FROM scheme_member) AS members,
                (SELECT count(coordinator_resident_id)::int FROM scheme) AS coordinators,
                (SELECT count(*)::int FROM scheme_target) AS targets,
                (SELECT count(*)::int FROM cadet_unit) AS units,
                (SELECT count(*)::int FROM cadet_member) AS cadets`,
      )
    )[0];

  it('boots with a Neighbourhood Watch and a Street Watch (no members) and one cadet unit per NPU, once', async () => {
    await t.app.get(BootstrapService).run();
    const first = await snapshot();
    expect(first).toEqual({ npus: 8, schemes: 16, members: 0, coordinators: 0, targets: 16, units: 8, cadets: 0 });
    const perNpu = await t.sql(
      `SELECT w.npu_code, array_agg(s.type ORDER BY s.type) AS types FROM scheme s JOIN ward w ON w.code = s.ward_code GROUP BY w.npu_code ORDER BY w.npu_code`,
    );
    expect(perNpu.every((r) => JSON.stringify(r.types) === JSON.stringify(['neighbourhood_watch', 'street_watch']))).toBe(true);
    await t.app.get(BootstrapService).run();
    expect(await snapshot()).toEqual(first);
  });
});
