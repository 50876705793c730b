import { Injectable } from '@nestjs/common';
import { canAccessNpu } from '@beacon/auth';
import { badRequest, forbidden, type StaffPrincipal } from '@beacon/core';
import { GeographyService, type WardView } from '@beacon/geography';
import { SchemesService } from '@beacon/schemes';
import type { AudienceSpec } from './audience-spec';

/** Where a composed audience lies: its wards, and the one NPU they share (null: several, or force-wide). */
export interface AudienceTargets {
  wardCodes: string[];
  npuCode: string | null;
}

const unknownOf = (wanted: string[], found: Set<string>) => wanted.filter((x) => !found.has(x));

/**
 * The target checks of compose, draft edits and the unsaved audience preview: every NPU,
 * neighbourhood, ward, area and scheme named exists (400) and lies in the author's NPU (403).
 * Wards and NPUs are read through geography, schemes through schemes' own check.
 */
@Injectable()
export class AudienceTargetsService {
  constructor(
    private readonly geography: GeographyService,
    private readonly schemes: SchemesService,
  ) {}

  async resolve(staff: StaffPrincipal, audience: AudienceSpec): Promise<AudienceTargets> {
    const wards = new Map<string, string>();
    const npus = new Set<string>();
    const addWards = (rows: WardView[]) => rows.forEach((w) => wards.set(w.code, w.npuCode));
    if (audience.npuCodes?.length) {
      const known = new Set((await this.geography.findNpus(audience.npuCodes)).map((n) => n.code));
      const unknown = unknownOf(audience.npuCodes, known);
      if (unknown.length) throw badRequest(`audience.npuCodes: unknown NPU ${unknown.join(', ')}`);
      audience.npuCodes.forEach((c) => npus.add(c));
      addWards(await this.geography.findWards({ npuCodes: audience.npuCodes }));
    }
    if (audience.neighbourhoodIds?.length) {
      const rows = await this.geography.findWards({ neighbourhoodIds: audience.neighbourhoodIds });
      const unknown = unknownOf(audience.neighbourhoodIds, new Set(rows.map((r) => r.neighbourhoodId)));
      if (unknown.length) throw badRequest(`audience.neighbourhoodIds: unknown neighbourhood ${unknown.join(', ')}`);
      addWards(rows);
    }
    if (audience.wardCodes?.length) {
      const rows = await this.geography.findWards({ codes: audience.wardCodes });
      const unknown = unknownOf(audience.wardCodes, new Set(rows.map((r) => r.code)));
      if (unknown.length) throw badRequest(`audience.wardCodes: unknown ward ${unknown.join(', ')}`);
      addWards(rows);
    }
    if (audience.areaIds?.length) {
      const areas = await this.geography.wardsOfAreas(audience.areaIds);
      const unknown = unknownOf(audience.areaIds, new Set(areas.map((a) => a.id)));
      if (unknown.length) throw badRequest(`audience.areaIds: unknown area ${unknown.join(', ')}`);
      // The area's NPU and each of its wards' own NPU (a ward moved since) both meet the scope check.
      areas.forEach((a) => npus.add(a.npuCode));
      const codes = [...new Set(areas.flatMap((a) => a.wardCodes))];
      // An empty area reaches nobody: never fall through to "no area named" (the whole NPU or force).
      if (!codes.length) throw badRequest('audience.areaIds: the areas named have no wards');
      addWards(await this.geography.findWards({ codes }));
    }
    wards.forEach((npu) => npus.add(npu));
    // Unknown schemes are a 400, a scheme outside the author's NPU a 403 (schemes' rule).
    if (audience.schemeIds?.length) (await this.schemes.assertStaffCanTarget(staff, audience.schemeIds)).forEach((s) => npus.add(s.npuCode));
    for (const npu of npus) {
      if (!canAccessNpu(staff, npu)) throw forbidden(`Your role is limited to NPU ${staff.npuCode}: the audience includes ${npu}`);
    }
    // No area named: an NPU-bound author reaches their NPU; a force-wide author the whole force.
    if (!wards.size && !audience.schemeIds?.length && staff.npuCode) {
      addWards(await this.geography.findWards({ npuCodes: [staff.npuCode] }));
      npus.add(staff.npuCode);
    }
    const force = !wards.size && !audience.schemeIds?.length;
    return { wardCodes: [...wards.keys()].sort(), npuCode: !force && npus.size === 1 ? [...npus][0] : null };
  }
}
