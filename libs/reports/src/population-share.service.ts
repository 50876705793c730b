import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest, CsvParseError, parseCsv } from '@beacon/core';
import { AGE_BANDS, ETHNICITIES } from '@beacon/residents';

const COLUMNS = ['area_code', 'dimension', 'category', 'share_percent'];
const CATEGORIES: Record<string, readonly string[]> = {
  age_band: AGE_BANDS.filter((a) => a !== 'prefer_not_to_say'),
  ethnicity: ETHNICITIES.filter((e) => e !== 'prefer_not_to_say'),
};

export interface ShareImportCounts {
  /** (area, dimension) sets replaced */
  sets: number;
  rows: number;
}

/**
 * The census shares import (`POST /api/v1/population-shares`, text/csv): the one writer of
 * population_share besides the demo seed. Read by the representation report and by survey
 * weighting (libs/surveys).
 */
@Injectable()
export class PopulationShareService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async importCsv(text: unknown): Promise<ShareImportCounts> {
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
    const areas = new Set(parsed.records.map((r) => r.values.area_code));
    const known = new Set<string>(
      (await this.db.query<{ code: string }[]>(`SELECT code FROM npu WHERE code = ANY($1) UNION SELECT code FROM ward WHERE code = ANY($1)`, [[...areas]])).map((r: { code: string }) => r.code),
    );
    known.add('FORCE');
    const errors: string[] = [];
    const rows: { areaCode: string; dimension: string; category: string; sharePercent: number }[] = [];
    const seen = new Map<string, number>();
    const totals = new Map<string, number>();
    for (const { line, values: v } of parsed.records) {
      const problems: string[] = [];
      if (!known.has(v.area_code)) problems.push('area_code must be FORCE, a known NPU or a known ward');
      const categories = CATEGORIES[v.dimension];
      if (!categories) problems.push('dimension must be age_band or ethnicity');
      else if (!categories.includes(v.category)) problems.push(`category must be one of ${categories.join(', ')}`);
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(v.share_percent) || Number(v.share_percent) > 100) problems.push('share_percent must be a number from 0 to 100 (at most 2 decimals)');
      const key = `${v.area_code}|${v.dimension}|${v.category}`;
      if (seen.has(key)) problems.push(`repeats line ${seen.get(key)}`);
      seen.set(key, line);
      if (problems.length) {
        errors.push(`line ${line}: ${problems.join('; ')}`);
        continue;
      }
      const set = `${v.area_code}|${v.dimension}`;
      totals.set(set, (totals.get(set) ?? 0) + Number(v.share_percent));
      rows.push({ areaCode: v.area_code, dimension: v.dimension, category: v.category, sharePercent: Number(v.share_percent) });
    }
    for (const [set, total] of totals) if (total > 100.5) errors.push(`${set.replace('|', ' ')}: shares add up to ${Math.round(total * 100) / 100}, more than 100`);
    if (errors.length) throw badRequest(`CSV rejected, nothing imported: ${errors.slice(0, 20).join(' | ')}`, errors);
    // Each (area, dimension) in the file replaces what was loaded for it, in one transaction.
    await this.db.transaction(async (tx) => {
      const sets = [...totals.keys()].map((s) => s.split('|'));
      await tx.query<unknown>(`DELETE FROM population_share p USING unnest($1::varchar[], $2::varchar[]) AS s(a, d) WHERE p.area_code = s.a AND p.dimension = s.d`, [sets.map((s) => s[0]), sets.map((s) => s[1])]);
      await tx.query<unknown>(
        `INSERT INTO population_share (area_code, dimension, category, share_percent) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::numeric[])`,
        [rows.map((r) => r.areaCode), rows.map((r) => r.dimension), rows.map((r) => r.category), rows.map((r) => r.sharePercent)],
      );
    });
    return { sets: totals.size, rows: rows.length };
  }
}
