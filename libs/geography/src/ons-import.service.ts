import { Injectable } from '@nestjs/common';
import { badRequest, conflict, JobName, QueueService, type StaffPrincipal } from '@beacon/core';
import { column, GSS_CODE, ONS_WARD_CODE, readCsv, rejectIfErrors } from './geography-csv';
import { GeographyRepository, type GeographyRow, type ImportCounts } from './geography.repository';
import { OnsRepository, type OnsWardRow } from './ons.repository';

const MAPPING_COLUMNS = ['ward_code', 'neighbourhood', 'npu_code'];

/**
 * ONS geography: the ward → local authority lookup as ONS publishes it, Beacon's mapping of
 * (ONS) wards to neighbourhoods and NPUs, and mid-year population estimates by ward code. Each
 * file is validated whole first: one bad line is a 400 naming it, and nothing is written.
 */
@Injectable()
export class OnsImportService {
  constructor(
    private readonly ons: OnsRepository,
    private readonly geography: GeographyRepository,
    private readonly queue: QueueService,
  ) {}

  /** `WDyyCD,WDyyNM,LADyyCD,LADyyNM` (any year; other columns such as ObjectId are ignored). */
  async importLookup(text: unknown): Promise<{ rows: number; year: number; created: number; updated: number; wardsRenamed: number }> {
    const { header, records } = readCsv(text);
    const wardCd = column(header, /^wd\d{2}cd$/, 'WDyyCD');
    const year = Number(wardCd.slice(2, 4));
    const cols = { code: wardCd, name: `wd${wardCd.slice(2, 4)}nm`, ladCode: column(header, /^lad\d{2}cd$/, 'LADyyCD'), ladName: column(header, /^lad\d{2}nm$/, 'LADyyNM') };
    if (!header.includes(cols.name)) throw badRequest(`CSV header is missing the ${cols.name.toUpperCase()} column`);
    const rows: OnsWardRow[] = [];
    const errors: string[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of records) {
      const problems: string[] = [];
      const code = v[cols.code];
      if (!ONS_WARD_CODE.test(code)) problems.push(`${cols.code.toUpperCase()} must be an ONS ward code like E05011121`);
      if (!v[cols.name] || v[cols.name].length > 120) problems.push(`${cols.name.toUpperCase()} must be 1-120 characters`);
      if (!GSS_CODE.test(v[cols.ladCode])) problems.push(`${cols.ladCode.toUpperCase()} must be an ONS code like E08000025`);
      if (!v[cols.ladName] || v[cols.ladName].length > 120) problems.push(`${cols.ladName.toUpperCase()} must be 1-120 characters`);
      if (seen.has(code)) problems.push(`${code} repeats line ${seen.get(code)}`);
      seen.set(code, line);
      if (problems.length) errors.push(`line ${line}: ${problems.join('; ')}`);
      else rows.push({ code, name: v[cols.name], ladCode: v[cols.ladCode], ladName: v[cols.ladName], year });
    }
    rejectIfErrors(errors);
    return { rows: rows.length, year, ...(await this.ons.upsertLookup(rows)) };
  }

  /**
   * `ward_code,neighbourhood,npu_code[,npu_name]`: which ONS ward lies in which neighbourhood and
   * NPU. Every ward must be in the imported ONS lookup (400 naming the unknown ones); names and
   * local authorities come from the lookup, populations are kept. Moving a ward to another NPU
   * needs `moveWards` (409 otherwise), as for the Beacon CSV; each move is audited.
   */
  async importMapping(text: unknown, opts: { actor: StaffPrincipal; moveWards?: boolean }): Promise<ImportCounts> {
    const { header, records } = readCsv(text);
    const missing = MAPPING_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length) throw badRequest(`CSV header is missing: ${missing.join(', ')}`);
    const errors: string[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of records) {
      const problems: string[] = [];
      if (!ONS_WARD_CODE.test(v.ward_code)) problems.push('ward_code must be an ONS ward code like E05011121');
      if (!v.neighbourhood || v.neighbourhood.length > 120) problems.push('neighbourhood must be 1-120 characters');
      if (!/^[A-Z]{2,8}$/.test(v.npu_code)) problems.push('npu_code must be 2-8 capital letters');
      if (v.npu_name !== undefined && v.npu_name.length > 120) problems.push('npu_name must be at most 120 characters');
      if (seen.has(v.ward_code)) problems.push(`ward_code ${v.ward_code} repeats line ${seen.get(v.ward_code)}`);
      seen.set(v.ward_code, line);
      if (problems.length) errors.push(`line ${line}: ${problems.join('; ')}`);
    }
    rejectIfErrors(errors);
    const ons = new Map((await this.ons.findOnsWards(records.map((r) => r.values.ward_code))).map((w) => [w.code, w]));
    const unknown = records.filter((r) => !ons.has(r.values.ward_code));
    if (unknown.length) {
      const list = unknown.map((r) => `${r.values.ward_code} (line ${r.line})`);
      throw badRequest(`Unknown ward code${list.length > 1 ? 's' : ''}, not in the ONS lookup: ${list.slice(0, 20).join(', ')}; nothing imported`, list);
    }
    const npus = new Map((await this.geography.listNpus()).map((n) => [n.code, n.name]));
    const noName = records.filter((r) => !r.values.npu_name && !npus.has(r.values.npu_code));
    if (noName.length) rejectIfErrors(noName.map((r) => `line ${r.line}: npu_code ${r.values.npu_code} is a new NPU: give its npu_name`));
    const rows: GeographyRow[] = records.map(({ values: v }) => {
      const w = ons.get(v.ward_code)!;
      return {
        npuCode: v.npu_code,
        npuName: v.npu_name || npus.get(v.npu_code)!,
        neighbourhood: v.neighbourhood,
        wardCode: w.code,
        wardName: w.name,
        population: null,
        ladCode: w.ladCode,
        ladName: w.ladName,
      };
    });
    return this.geography.importRows(rows, {
      actor: `staff:${opts.actor.id}`,
      onMoves: (moves) => {
        if (!opts.moveWards && moves.length) {
          const list = moves.map((m) => `${m.wardCode} (${m.fromNpu} → ${m.toNpu})`);
          throw conflict(`CSV would move wards to another NPU, nothing imported: ${list.slice(0, 20).join(', ')}. Send ?moveWards=true to move them.`);
        }
      },
      // A new ward set: residents whose postcode now lies in another ward move (libs/residents).
      inTransaction: async (tx) => {
        await this.queue.send(JobName.ResidentWardRecheck, { reason: 'wards' }, { manager: tx, singletonKey: 'ward-recheck' });
      },
    });
  }

  /**
   * Mid-year population estimates by ward: a ward code column (`WDyyCD`, `Ward 2022 Code`,
   * `ward_code`) and a total (`Total`, `All Ages`, `population`). A national file is fine: wards
   * of the ONS lookup outside the force are skipped; a code that is neither Beacon's nor in the
   * lookup is a 400 naming it.
   */
  async importPopulations(text: unknown): Promise<{ rows: number; wardsUpdated: number; skipped: number }> {
    const { header, records } = readCsv(text);
    const codeCol = column(header, /^(wd\d{2}cd|ward( \d{4})? code|ward_code)$/, 'ward code');
    const totalCol = column(header, /^(total|all ages|population|obs_value)$/, 'population total');
    const errors: string[] = [];
    const rows: { wardCode: string; population: number; line: number }[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of records) {
      const code = v[codeCol];
      const total = v[totalCol].replace(/,/g, '');
      const problems: string[] = [];
      if (!/^[A-Za-z0-9_-]{2,16}$/.test(code)) problems.push(`${codeCol} must be a ward code`);
      if (!/^\d{1,9}$/.test(total)) problems.push(`${totalCol} must be a whole number`);
      if (seen.has(code)) problems.push(`${code} repeats line ${seen.get(code)}`);
      seen.set(code, line);
      if (problems.length) errors.push(`line ${line}: ${problems.join('; ')}`);
      else rows.push({ wardCode: code, population: Number(total), line });
    }
    rejectIfErrors(errors);
    const codes = rows.map((r) => r.wardCode);
    const ours = new Set(await this.ons.knownWards(codes));
    const ons = new Set((await this.ons.findOnsWards(codes)).map((w) => w.code));
    const unknown = rows.filter((r) => !ours.has(r.wardCode) && !ons.has(r.wardCode)).map((r) => `${r.wardCode} (line ${r.line})`);
    if (unknown.length) throw badRequest(`Unknown ward code${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 20).join(', ')}; nothing imported`, unknown);
    const updated = await this.ons.setPopulations(rows.filter((r) => ours.has(r.wardCode)));
    return { rows: rows.length, wardsUpdated: updated, skipped: rows.length - updated };
  }
}
