import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { badRequest, conflict, CsvParseError, parseCsv, type StaffPrincipal } from '@beacon/core';
import { AreaRepository, type AreaWards } from './area.repository';
import { GeographyRepository, GeographyRow, ImportCounts, WardFilter, WardView } from './geography.repository';
import { wardCodeProblem } from './geography-csv';

const COLUMNS = ['npu_code', 'npu_name', 'neighbourhood', 'ward_code', 'ward_name', 'population'];

@Injectable()
export class GeographyService {
  constructor(
    private readonly repo: GeographyRepository,
    private readonly areas: AreaRepository,
  ) {}

  /** Each known area among `ids` with its NPU and wards (named, and those of its neighbourhoods); unknown ids are left out. */
  wardsOfAreas(ids: string[]): Promise<AreaWards[]> {
    return ids.length ? this.areas.wardsOfAreas(ids) : Promise.resolve([]);
  }

  listNpus() {
    return this.repo.listNpus();
  }
  listWards(npuCode?: string): Promise<WardView[]> {
    return this.repo.listWards(npuCode);
  }
  listNeighbourhoods(npuCode?: string) {
    return this.repo.listNeighbourhoods(npuCode);
  }
  findWard(code: string): Promise<WardView | null> {
    return this.repo.findWard(code);
  }
  npuExists(code: string): Promise<boolean> {
    return this.repo.npuExists(code);
  }
  /** Wards matching every filter given (for messaging's audiences: by code, NPU or neighbourhood). */
  findWards(filter: WardFilter): Promise<WardView[]> {
    return this.repo.findWards(filter);
  }
  /** The NPUs among `codes` that exist, with their names. */
  findNpus(codes: string[]): Promise<{ code: string; name: string }[]> {
    return codes.length ? this.repo.findNpus(codes) : Promise.resolve([]);
  }

  /**
   * Validates every line first; one bad line rejects the whole file with its line number.
   * A ward already in another NPU is moved only with `moveWards` (409 otherwise, nothing
   * written): its residents go with it, so each move is audited with the old and new NPU.
   */
  async importCsv(text: unknown, opts: { actor?: StaffPrincipal; moveWards?: boolean } = {}): Promise<ImportCounts> {
    if (typeof text !== 'string' || !text.trim()) throw badRequest('Send the CSV as a text/csv body');
    let parsed;
    try {
      parsed = parseCsv(text);
    } catch (e) {
      if (e instanceof CsvParseError) throw badRequest(`CSV ${e.message}`);
      throw e;
    }
    const missing = COLUMNS.filter((c) => !parsed.header.includes(c));
    if (missing.length) throw badRequest(`CSV header is missing: ${missing.join(', ')}`);
    if (!parsed.records.length) throw badRequest('CSV has no data rows');
    const rows: GeographyRow[] = [];
    const errors: string[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of parsed.records) {
      const problems: string[] = [];
      if (!/^[A-Z]{2,8}$/.test(v.npu_code)) problems.push('npu_code must be 2-8 capital letters');
      if (!v.npu_name || v.npu_name.length > 120) problems.push('npu_name must be 1-120 characters');
      if (!v.neighbourhood || v.neighbourhood.length > 120) problems.push('neighbourhood must be 1-120 characters');
      const badCode = wardCodeProblem(v.ward_code);
      if (badCode) problems.push(badCode);
      if (!v.ward_name || v.ward_name.length > 120) problems.push('ward_name must be 1-120 characters');
      if (!/^\d{1,9}$/.test(v.population)) problems.push('population must be a whole number');
      if (seen.has(v.ward_code)) problems.push(`ward_code ${v.ward_code} repeats line ${seen.get(v.ward_code)}`);
      seen.set(v.ward_code, line);
      if (problems.length) errors.push(`line ${line}: ${problems.join('; ')}`);
      else
        rows.push({
          npuCode: v.npu_code,
          npuName: v.npu_name,
          neighbourhood: v.neighbourhood,
          wardCode: v.ward_code,
          wardName: v.ward_name,
          population: Number(v.population),
        });
    }
    if (errors.length) throw badRequest(`CSV rejected, nothing imported: ${errors.slice(0, 20).join(' | ')}`, errors);
    return this.repo.importRows(rows, {
      actor: opts.actor ? `staff:${opts.actor.id}` : 'system',
      onMoves: (moves) => {
        if (!opts.moveWards && moves.length) {
          const list = moves.map((m) => `${m.wardCode} (${m.fromNpu} → ${m.toNpu})`);
          throw conflict(`CSV would move wards to another NPU, nothing imported: ${list.slice(0, 20).join(', ')}. Send ?moveWards=true to move them.`);
        }
      },
    });
  }

  /** The demo data set: the 8 West Midlands NPUs with their wards. */
  seedWestMidlands(): Promise<ImportCounts> {
    return this.importCsv(readFileSync(new URL('./seed/west-midlands-wards.csv', import.meta.url), 'utf8'));
  }
}
