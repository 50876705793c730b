import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';

type Auth = [string, string];

// The ONS ward → LAD lookup as ONS publishes it (extra ObjectId column, BOM); codes are fixtures.
const ONS_LOOKUP = [
  '\uFEFFWD23CD,WD23NM,LAD23CD,LAD23NM,ObjectId',
  'E05011121,Acocks Green,E08000025,Birmingham,1',
  'E05011131,Hodge Hill,E08000025,Birmingham,2',
  'E05011150,Shard End,E08000025,Birmingham,3',
  'E05011279,Oldbury,E08000028,Sandwell,4',
  'E05000001,Aldersgate,E09000001,City of London,5',
].join('\r\n');

const MAPPING = [
  'ward_code,neighbourhood,npu_code,npu_name',
  'E05011121,Yardley,BE,Birmingham East',
  'E05011131,Hodge Hill,BE,',
  'E05011150,Hodge Hill,BE,',
  'E05011279,Oldbury,SW,',
].join('\n');

// ONSPD's real column layout (52 columns); only pcds, doterm, osward, lat and long are kept.
const ONSPD_HEADER =
  'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21';
function onspdLine(pcds: string, osward: string, lat: string, long: string, doterm = '', lad = 'E08000025'): string {
  const cells: Record<string, string> = {
    pcd: pcds.replace(' ', pcds.length === 7 ? ' ' : '  ').padEnd(7),
    pcd2: pcds,
    pcds,
    dointr: '198001',
    doterm,
    oscty: 'E99999999',
    oslaua: lad,
    osward,
    lat,
    long,
    ctry: 'E92000001',
  };
  return ONSPD_HEADER.split(',').map((c) => cells[c] ?? 'E00000000').join(',');
}
const directory = (lines: string[]) => [ONSPD_HEADER, ...lines].join('\n') + '\n';
const BASE = [
  onspdLine('B27 6QX', 'E05011121', '52.441000', '-1.818000'),
  onspdLine('B34 7AA', 'E05011131', '52.496000', '-1.780000'),
  onspdLine('B34 7ZZ', 'E05011131', '52.497000', '-1.781000', '200912'), // terminated
  onspdLine('B69 4AA', 'E05011279', '99.999999', '0.000000'), // no grid reference
  onspdLine('EC1A 1BB', 'E05000001', '51.520000', '-0.097000', '', 'E09000001'), // outside the force
];

describe('geography: ONS wards, postcode directory, sign-up by postcode, boundary changes', () => {
  let t: TestApp;
  let admin: Auth;
  let adminBE: Auth;
  let eco: Auth;

  const post = (path: string, auth: Auth, body: string) => t.http().post(path).set(...auth).set('Content-Type', 'text/csv').send(body);
  const wards = () => t.sql('SELECT code, name, npu_code, lad_code, population FROM ward ORDER BY code');
  const postcodes = () => t.sql('SELECT postcode, ward_code, lat, long, terminated_on::text FROM postcode ORDER BY postcode');

  beforeAll(async () => {
    t = await createTestApp();
    await seedGeography(t);
    admin = (await loginAs(t, 'admin')).auth;
    adminBE = (await loginAs(t, 'admin', 'BE')).auth;
    eco = (await loginAs(t, 'eco', 'BE')).auth;
  });
  afterAll(() => t?.close());

  it('imports the ONS lookup (any year prefix) and maps ONS wards to neighbourhoods and NPUs', async () => {
    await post('/api/v1/geography/ons-lookup', adminBE, ONS_LOOKUP).expect(403);
    const lookup = await post('/api/v1/geography/ons-lookup', admin, ONS_LOOKUP).expect(200);
    expect(lookup.body).toEqual({ rows: 5, year: 23, created: 5, updated: 0, wardsRenamed: 0 });
    const res = await post('/api/v1/geography/ward-mapping', admin, MAPPING).expect(200);
    expect(res.body).toMatchObject({ rows: 4, wardsCreated: 4, wardsMoved: 0 });
    expect((await wards()).filter((w) => String(w.code).startsWith('E05'))).toEqual([
      { code: 'E05011121', name: 'Acocks Green', npu_code: 'BE', lad_code: 'E08000025', population: 0 },
      { code: 'E05011131', name: 'Hodge Hill', npu_code: 'BE', lad_code: 'E08000025', population: 0 },
      { code: 'E05011150', name: 'Shard End', npu_code: 'BE', lad_code: 'E08000025', population: 0 },
      { code: 'E05011279', name: 'Oldbury', npu_code: 'SW', lad_code: 'E08000028', population: 0 },
    ]);
    // Re-import: idempotent.
    expect((await post('/api/v1/geography/ward-mapping', admin, MAPPING).expect(200)).body).toMatchObject({ wardsCreated: 0, wardsUpdated: 4 });
    // The existing Beacon CSV import still works beside it.
    expect((await wards()).map((w) => w.code)).toEqual(expect.arrayContaining(['BE01', 'SW01']));
  });

  it('rejects a malformed lookup line or an unknown ward in a mapping, naming it, and writes nothing', async () => {
    const before = { wards: await wards(), ons: await t.sql('SELECT * FROM ons_ward ORDER BY code') };
    const bad = await post('/api/v1/geography/ons-lookup', admin, `WD24CD,WD24NM,LAD24CD,LAD24NM\nE05011121,Acocks Green,E08000025,Birmingham\nE0501,Broken,E08000025,Birmingham\n`).expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(bad.body.message).toContain('line 3');
    const unknown = await post('/api/v1/geography/ward-mapping', admin, `${MAPPING}\nE05099999,Nowhere,BE,`).expect(400);
    expect(unknown.body.message).toContain('E05099999 (line 6)');
    const move = await post('/api/v1/geography/ward-mapping', admin, MAPPING.replace('E05011279,Oldbury,SW,', 'E05011279,Oldbury,BE,')).expect(409);
    expect(move.body.message).toContain('E05011279 (SW → BE)');
    expect({ wards: await wards(), ons: await t.sql('SELECT * FROM ons_ward ORDER BY code') }).toEqual(before);
  });

  it('a ward code shaped like an ONS code must be a whole ONS ward code (E05, W05, S13 or N08 and six digits), in every import', async () => {
    const before = { wards: await wards(), ons: await t.sql('SELECT * FROM ons_ward ORDER BY code') };
    // The Beacon-coded CSV import: short codes (BE01) still pass; an ONS-looking one must be whole.
    const header = 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population';
    const cut = await post('/api/v1/geography/import', admin, `${header}\nBE,Birmingham East,Hodge Hill,BE01,Hodge Hill,1\nBE,Birmingham East,Hodge Hill,E0501113,Hodge Hill,1\n`).expect(400);
    expect(cut.body.message).toContain('line 3: ward_code must be an ONS ward code like E05011121');
    const lad = await post('/api/v1/geography/import', admin, `${header}\nBE,Birmingham East,Hodge Hill,E08000025,Birmingham,1\n`).expect(400);
    expect(lad.body.message).toContain('line 2: ward_code must be an ONS ward code like E05011121');
    // A local authority code in the lookup's ward column is not a ward.
    const notWard = await post('/api/v1/geography/ons-lookup', admin, 'WD24CD,WD24NM,LAD24CD,LAD24NM\nE08000025,Birmingham,E08000025,Birmingham\n').expect(400);
    expect(notWard.body.message).toContain('line 2');
    expect({ wards: await wards(), ons: await t.sql('SELECT * FROM ons_ward ORDER BY code') }).toEqual(before);
  });

  it('imports ward populations (mid-year estimates by ward code), skipping wards outside the force', async () => {
    const csv = 'Ward 2023 Code,Ward 2023 Name,LAD 2023 Code,LAD 2023 Name,Total\nE05011121,Acocks Green,E08000025,Birmingham,"28,301"\nE05000001,Aldersgate,E09000001,City of London,1500\n';
    expect((await post('/api/v1/geography/populations', admin, csv).expect(200)).body).toEqual({ rows: 2, wardsUpdated: 1, skipped: 1 });
    expect((await t.sql(`SELECT population FROM ward WHERE code = 'E05011121'`))[0]).toEqual({ population: 28301 });
    const unknown = await post('/api/v1/geography/populations', admin, 'WD23CD,Total\nE05011121,1\nX123,5\n').expect(400);
    expect(unknown.body.message).toContain('X123 (line 3)');
    expect((await t.sql(`SELECT population FROM ward WHERE code = 'E05011121'`))[0]).toEqual({ population: 28301 });
  });

  it('imports the postcode directory: the force’s wards only, terminated ones marked, re-import idempotent', async () => {
    await post('/api/v1/geography/postcodes', adminBE, directory(BASE)).expect(403);
    const res = await post('/api/v1/geography/postcodes', admin, directory(BASE)).expect(200);
    expect(res.body).toEqual({ rows: 5, kept: 4, created: 4, updated: 0, removed: 0, terminated: 1 });
    expect(await postcodes()).toEqual([
      { postcode: 'B27 6QX', ward_code: 'E05011121', lat: 52.441, long: -1.818, terminated_on: null },
      { postcode: 'B34 7AA', ward_code: 'E05011131', lat: 52.496, long: -1.78, terminated_on: null },
      { postcode: 'B34 7ZZ', ward_code: 'E05011131', lat: 52.497, long: -1.781, terminated_on: '2009-12-01' },
      { postcode: 'B69 4AA', ward_code: 'E05011279', lat: null, long: null, terminated_on: null },
    ]);
    const again = await post('/api/v1/geography/postcodes', admin, directory(BASE)).expect(200);
    expect(again.body).toEqual({ rows: 5, kept: 4, created: 0, updated: 0, removed: 0, terminated: 1 });
  });

  it('a malformed directory line is a 400 naming its line, and nothing changes', async () => {
    const before = await postcodes();
    const badLat = await post('/api/v1/geography/postcodes', admin, directory([...BASE, onspdLine('B27 6QY', 'E05011121', 'north', '-1.8')])).expect(400);
    expect(badLat.body.message).toContain('line 7');
    const short = await post('/api/v1/geography/postcodes', admin, directory([BASE[0], 'B27 6QZ,E05011121', BASE[1]])).expect(400);
    expect(short.body.message).toMatch(/line 3/);
    const repeat = await post('/api/v1/geography/postcodes', admin, directory([BASE[0], BASE[1], BASE[0]])).expect(400);
    expect(repeat.body.message).toContain('line 4: postcode B27 6QX repeats line 2');
    const noWard = await post('/api/v1/geography/postcodes', admin, 'pcds,lat,long\nB27 6QX,52,-1\n').expect(400);
    expect(noWard.body.message).toContain('osward');
    expect(await postcodes()).toEqual(before);
  });

  it('parses the directory as ONS publishes it (every cell quoted, CRLF) and refuses a broken line outside the force too', async () => {
    const before = await postcodes();
    const quote = (line: string) => line.split(',').map((c) => `"${c}"`).join(',');
    const quoted = [ONSPD_HEADER, ...BASE].map(quote).join('\r\n') + '\r\n';
    const same = await post('/api/v1/geography/postcodes', admin, quoted).expect(200);
    expect(same.body).toEqual({ rows: 5, kept: 4, created: 0, updated: 0, removed: 0, terminated: 1 });
    // A line far from the force's wards with a cell missing fails the whole file, naming its line and column.
    const outside = onspdLine('EC1A 1AA', 'E05000001', '51.5', '-0.09', '', 'E09000001').split(',').slice(0, 50).join(',');
    const short = await post('/api/v1/geography/postcodes', admin, directory([...BASE, outside])).expect(400);
    expect(short.body.message).toBe('CSV rejected, nothing imported: line 7: missing data for column "lsoa21"');
    // COPY's end-of-data marker on a line of its own must not end the file early (the lines after it would be removed).
    const marker = await post('/api/v1/geography/postcodes', admin, directory([BASE[0], '\\.', ...BASE.slice(1)])).expect(400);
    expect(marker.body.message).toMatch(/^CSV rejected, nothing imported: line 3: /);
    const open = await post('/api/v1/geography/postcodes', admin, directory([...BASE, '"B27 6QY,E05011121'])).expect(400);
    // PostgreSQL names the line where the file ended inside the quote.
    expect(open.body.message).toBe('CSV rejected, nothing imported: line 8: unterminated CSV quoted field');
    expect(await postcodes()).toEqual(before);
  });

  it('looks a postcode up in any spelling (public), 404 outside the force; staff list a ward’s postcodes paged', async () => {
    for (const typed of ['b27 6qx', 'B276QX', 'b27 6 qx']) {
      const res = await t.http().get(`/api/v1/postcodes/${encodeURIComponent(typed)}`).expect(200);
      expect(res.body).toEqual({ postcode: 'B27 6QX', wardCode: 'E05011121', wardName: 'Acocks Green', npuCode: 'BE', terminated: false });
    }
    const missing = await t.http().get('/api/v1/postcodes/EC1A%201BB').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect((await t.http().get('/api/v1/postcodes/not-a-postcode').expect(400)).body.statusCode).toBe(400);
    await t.http().get('/api/v1/postcodes?ward=E05011131').expect(401);
    const page1 = await t.http().get('/api/v1/postcodes?ward=E05011131&limit=1').set(...eco).expect(200);
    expect(page1.body.items.map((p: { postcode: string }) => p.postcode)).toEqual(['B34 7AA']);
    const page2 = await t.http().get(`/api/v1/postcodes?ward=E05011131&limit=1&cursor=${page1.body.nextCursor}`).set(...eco).expect(200);
    expect(page2.body).toEqual({ items: [{ postcode: 'B34 7ZZ', wardCode: 'E05011131', wardName: 'Hodge Hill', npuCode: 'BE', terminated: true }], nextCursor: null });
  });

  const signUp = (email: string, extra: Record<string, unknown>) =>
    t.http().post('/api/v1/residents').send({ email, firstName: 'Pat', channels: ['email'], consent: true, ...extra });

  it('signs up by postcode in each spelling: placed in its ward with the centroid; the ward list is the fallback', async () => {
    const spellings = { 'b27 6qx': 'one@example.org', B276QX: 'two@example.org', 'b27 6 qx': 'three@example.org' };
    for (const [postcode, email] of Object.entries(spellings)) await signUp(email, { postcode }).expect(202);
    const placed = await t.sql(`SELECT email, postcode, ward_code, postcode_lat, postcode_long FROM resident WHERE email = ANY($1) ORDER BY email`, [Object.values(spellings)]);
    expect(placed).toEqual(
      ['one@example.org', 'three@example.org', 'two@example.org'].map((email) => ({ email, postcode: 'B27 6QX', ward_code: 'E05011121', postcode_lat: 52.441, postcode_long: -1.818 })),
    );
    // The postcode wins over a ward picked from the list.
    await signUp('four@example.org', { postcode: 'B34 7AA', wardCode: 'BE01' }).expect(202);
    // Outside the force or unknown: a clear 400 asking for the ward, not a 500; with a ward it is used.
    const outside = await signUp('five@example.org', { postcode: 'EC1A 1BB' }).expect(400);
    expect(outside.body.message).toContain('postcode EC1A 1BB is not in our area or not known to us, so choose your ward from the list');
    await signUp('five@example.org', { postcode: 'EC1A 1BB', wardCode: 'BE02' }).expect(202);
    await signUp('six@example.org', {}).expect(400);
    expect(await t.sql(`SELECT email, ward_code, postcode_lat FROM resident WHERE email IN ('four@example.org', 'five@example.org') ORDER BY email`)).toEqual([
      { email: 'five@example.org', ward_code: 'BE02', postcode_lat: null },
      { email: 'four@example.org', ward_code: 'E05011131', postcode_lat: 52.496 },
    ]);
  });

  it('the sign-up page places by postcode and falls back to the ward list with a message', async () => {
    const form = (fields: Record<string, string>) => t.http().post('/signup').type('form').send({ firstName: 'Sam', channels: 'email', consent: 'yes', ...fields });
    await form({ email: 'page1@example.org', postcode: 'b34 7aa' }).expect(303); // post/redirect/get
    expect(await t.sql(`SELECT ward_code FROM resident WHERE email = 'page1@example.org'`)).toEqual([{ ward_code: 'E05011131' }]);
    const outside = await form({ email: 'page2@example.org', postcode: 'EC1A 1BB' }).expect(400);
    expect(outside.text).toContain('Choose your ward from the list (we could not place your postcode in our area)');
  });

  it('staff never see the centroid; erasure removes it', async () => {
    const list = await t.http().get('/api/v1/residents?npu=BE').set(...admin).expect(200);
    const text = JSON.stringify(list.body);
    expect(text).toContain('one@example.org');
    expect(text).not.toContain('52.441');
    expect(text).not.toMatch(/lat/i);
  });

  it('a boundary change moves every resident whose postcode now lies in another ward and records each move', async () => {
    const [{ id }] = await t.sql<{ id: string }>(`SELECT id FROM resident WHERE email = 'four@example.org'`);
    // B27 6QX moves to Shard End; B34 7AA's centroid is corrected.
    const moved = BASE.map((l) => l.replace('B27 6QX,198001,,E99999999,E00000000,E08000025,E05011121', 'B27 6QX,198001,,E99999999,E00000000,E08000025,E05011150').replace('52.496000', '52.496500'));
    expect(moved[0]).toContain('E05011150');
    expect((await post('/api/v1/geography/postcodes', admin, directory(moved)).expect(200)).body).toMatchObject({ created: 0, updated: 2 });
    const until = Date.now() + 20_000;
    while ((await t.sql(`SELECT 1 FROM resident_ward_move`)).length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await t.sql(`SELECT r.email, m.from_ward, m.to_ward FROM resident_ward_move m JOIN resident r ON r.id = m.resident_id ORDER BY r.email`)).toEqual(
      ['one@example.org', 'three@example.org', 'two@example.org'].map((email) => ({ email, from_ward: 'E05011121', to_ward: 'E05011150' })),
    );
    expect(await t.sql(`SELECT ward_code, postcode_lat FROM resident WHERE id = $1`, [id])).toEqual([{ ward_code: 'E05011131', postcode_lat: 52.4965 }]);
    const counts = await t.http().get('/api/v1/ward-moves').set(...eco).expect(200);
    expect(counts.body).toEqual([
      { wardCode: 'E05011121', movedIn: 0, movedOut: 3 },
      { wardCode: 'E05011150', movedIn: 3, movedOut: 0 },
    ]);
    // Erasure: the centroid goes, the move stays only as an anonymous count.
    const [one] = await t.sql<{ id: string }>(`SELECT id FROM resident WHERE email = 'one@example.org'`);
    const { ResidentRepository } = await import('../libs/residents/src/resident.repository');
    const repo = t.app.get(ResidentRepository);
    await t.app.get((await import('typeorm')).DataSource).transaction((tx) => repo.erase([one.id], tx));
    expect(await t.sql(`SELECT postcode, postcode_lat, postcode_long FROM resident WHERE id = $1`, [one.id])).toEqual([{ postcode: null, postcode_lat: null, postcode_long: null }]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM resident_ward_move WHERE resident_id = $1`, [one.id])).toEqual([{ n: 0 }]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM resident_ward_move WHERE resident_id IS NULL`)).toEqual([{ n: 1 }]);
  });
  it('a recheck in slices of the residents moves the same residents, with an audit record per slice that moved any', async () => {
    // B27 6QX goes back to Yardley (E05011121): its two residents not erased move back.
    await t.sql(`UPDATE postcode SET ward_code = 'E05011121' WHERE postcode = 'B27 6QX'`);
    const { ResidentWardMoveService } = await import('../libs/residents/src/resident-ward-moves');
    const moves = t.app.get(ResidentWardMoveService);
    const audited = () => t.sql<{ data: { byWard: { wardCode: string; movedIn: number }[]; residents?: { after: string; last: string } } }>(
      `SELECT data FROM audit_event WHERE action = 'residents.ward-moves' AND subject = 'boundary:sliced' ORDER BY at`,
    );
    expect(await moves.recheck('sliced', 16)).toEqual([
      { wardCode: 'E05011121', movedIn: 2, movedOut: 0 },
      { wardCode: 'E05011150', movedIn: 0, movedOut: 2 },
    ]);
    expect(await t.sql(`SELECT email, ward_code FROM resident WHERE email IN ('two@example.org', 'three@example.org') ORDER BY email`)).toEqual([
      { email: 'three@example.org', ward_code: 'E05011121' },
      { email: 'two@example.org', ward_code: 'E05011121' },
    ]);
    const records = await audited();
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(records.length).toBeLessThanOrEqual(2);
    expect(records.flatMap((r) => r.data.byWard).filter((w) => w.wardCode === 'E05011121').reduce((n, w) => n + w.movedIn, 0)).toBe(2);
    for (const r of records) expect(r.data.residents!.after < r.data.residents!.last).toBe(true);
    // Nothing left to move: a second run changes nothing and records nothing.
    expect(await moves.recheck('sliced', 16)).toEqual([]);
    expect(await audited()).toHaveLength(records.length);
  });
});
