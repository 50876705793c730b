import { Injectable } from '@nestjs/common';
import { assertNpuAccess, badRequest, conflict, notFound, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { CampaignOfficerLinkService } from '@beacon/residents';
import type { CampaignCreatedDto, CampaignGroupFiguresDto, CampaignOfficerLinkDto, CampaignReportDto, CreateCampaignDto } from './campaign.dto';
import { CampaignRepository, type CampaignRow, type CampaignWardRow } from './campaign.repository';

const per1000 = (n: number, base: number | null) => (base ? Math.round((n * 10_000) / base) / 10 : null);

function group(rows: CampaignWardRow[]): CampaignGroupFiguresDto {
  const signups = rows.reduce((s, r) => s + r.signups, 0);
  const population = rows.reduce((s, r) => s + r.population, 0);
  const households = rows.every((r) => r.households !== null) ? rows.reduce((s, r) => s + r.households!, 0) : null;
  return {
    wards: rows.map(({ wardCode, wardName, households: h, population: p, signups: n }) => ({ wardCode, wardName, households: h, population: p, signups: n })),
    signups,
    households,
    population,
    per1000Households: per1000(signups, households),
    per1000Residents: per1000(signups, population),
  };
}

/** Operations with target and control wards, and the attribution report comparing them. */
@Injectable()
export class CampaignService {
  constructor(
    private readonly repo: CampaignRepository,
    private readonly geography: GeographyService,
    private readonly officerLinks: CampaignOfficerLinkService,
  ) {}

  /** The campaigns the staff member may read: their NPU's, or every one for force-wide staff. */
  list(staff: StaffPrincipal): Promise<CampaignRow[]> {
    return this.repo.listFor(staff.npuCode);
  }

  /**
   * The signed-in staff member's own sign-up link for a campaign of their NPU (a force-wide one:
   * force-wide staff): residents who sign up through it record them as having assisted.
   */
  async officerLink(staff: StaffPrincipal, code: string): Promise<CampaignOfficerLinkDto> {
    const c = await this.repo.findByCode(code);
    if (!c) throw notFound('Campaign');
    assertNpuAccess(staff, c.npuCode);
    return { code: c.code, ...this.officerLinks.linkFor(c.code, staff.id) };
  }

  /** An NPU's campaign by its staff (its wards in the NPU); a force-wide one by force-wide staff. */
  async create(staff: StaffPrincipal, dto: CreateCampaignDto): Promise<CampaignCreatedDto> {
    const npuCode = dto.npuCode ?? null;
    assertNpuAccess(staff, npuCode);
    const problems: string[] = [];
    if (dto.endsOn < dto.startsOn) problems.push('endsOn must not be before startsOn');
    const areas = [
      ...dto.targetWards.map((a) => ({ wardCode: a.wardCode, role: 'target' as const, households: a.households ?? null })),
      ...(dto.controlWards ?? []).map((a) => ({ wardCode: a.wardCode, role: 'control' as const, households: a.households ?? null })),
    ];
    const codes = areas.map((a) => a.wardCode);
    const twice = [...new Set(codes.filter((c, i) => codes.indexOf(c) !== i))];
    if (twice.length) problems.push(`a ward is listed once, as a target or a control: ${twice.join(', ')}`);
    const wards = new Map((await this.geography.findWards({ codes })).map((w) => [w.code, w]));
    const unknown = codes.filter((c) => !wards.has(c));
    if (unknown.length) problems.push(`unknown ward: ${[...new Set(unknown)].join(', ')}`);
    if (npuCode) {
      if (!(await this.geography.npuExists(npuCode))) problems.push(`unknown NPU: ${npuCode}`);
      const outside = codes.filter((c) => wards.has(c) && wards.get(c)!.npuCode !== npuCode);
      if (outside.length) problems.push(`wards must lie in NPU ${npuCode}: ${outside.join(', ')}`);
    }
    if (problems.length) throw badRequest(`Validation failed: ${problems.join('; ')}`, problems);
    const id = await this.repo.insert({ code: dto.code, name: dto.name.trim(), npuCode, tactic: dto.tactic, startsOn: dto.startsOn, endsOn: dto.endsOn, createdBy: staff.id, areas });
    if (!id) throw conflict(`A campaign with code ${dto.code} already exists`);
    return { id, code: dto.code };
  }

  /**
   * Sign-ups per 1,000 households (or residents, when a ward has no household count) in the
   * target wards against the control wards over the campaign's days, their ratio, and by tactic.
   */
  async report(staff: StaffPrincipal, code: string): Promise<CampaignReportDto> {
    const c = await this.repo.findByCode(code);
    if (!c) throw notFound('Campaign');
    assertNpuAccess(staff, c.npuCode);
    const [wards, tactics, withCode, assisted] = await Promise.all([this.repo.wardFigures(c.id), this.repo.tactics(c.id), this.repo.codeSignups(c.id), this.repo.assisted(c.id)]);
    const target = group(wards.filter((w) => w.role === 'target'));
    const controlRows = wards.filter((w) => w.role === 'control');
    const control = controlRows.length ? group(controlRows) : null;
    const ratioBasis = !control ? null : target.households !== null && control.households !== null ? 'households' : 'residents';
    const rate = (g: CampaignGroupFiguresDto) => (ratioBasis === 'households' ? (g.households ? g.signups / g.households : null) : g.population ? g.signups / g.population : null);
    const [t, k] = control ? [rate(target), rate(control)] : [null, null];
    const byTactic = new Map<string, { tactic: string; target: number; control: number }>();
    for (const r of tactics) {
      const row = byTactic.get(r.tactic) ?? byTactic.set(r.tactic, { tactic: r.tactic, target: 0, control: 0 }).get(r.tactic)!;
      row[r.role] += r.signups;
    }
    return {
      code: c.code,
      name: c.name,
      npuCode: c.npuCode,
      tactic: c.tactic,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      target,
      control,
      ratioBasis,
      ratio: t !== null && k ? Math.round((t / k) * 10) / 10 : null,
      byTactic: [...byTactic.values()],
      byOfficer: assisted.byOfficer,
      byTeam: assisted.byTeam,
      codeSignupsDuring: withCode.during,
      codeSignupsAfter: withCode.after,
    };
  }
}
