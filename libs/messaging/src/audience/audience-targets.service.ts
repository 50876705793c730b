import { Injectable } from '@nestjs/common';
import { canAccessNpu } from '@beacon/auth';
import { badRequest, forbidden, type StaffPrincipal } from '@beacon/core';
import { GeographyService, normalisePostcode, PostcodeDirectoryService, type WardView } from '@beacon/geography';
import { SchemesService } from '@beacon/schemes';
import type { AudienceSpec, NearSpec } from './audience-spec';

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
    private readonly postcodes: PostcodeDirectoryService,
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
    // A circle narrows the audience; it names no NPU, so an NPU-bound author's is clipped to their NPU below.
    if (audience.near) audience.near = await this.circle(audience.near);
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

  /**
   * `audience.near` with its centre as lat/long: a postcode is resolved to its centroid now and
   * kept with the message, so a later directory import does not move a message's circle.
   */
  private async circle(near: NearSpec): Promise<NearSpec> {
    if (near.postcode === undefined) return { lat: near.lat, long: near.long, metres: near.metres };
    if (near.lat !== undefined || near.long !== undefined) throw badRequest('audience.near: give a postcode or lat and long, not both');
    const postcode = normalisePostcode(near.postcode);
    if (!postcode) throw badRequest('audience.near.postcode must be a UK postcode, like B33 8TH');
    const centroid = await this.postcodes.centroid(postcode);
    if (!centroid) throw badRequest(`audience.near.postcode: ${postcode} is not a postcode of the force`);
    if (centroid.lat === null || centroid.long === null) throw badRequest(`audience.near.postcode: ${postcode} has no grid reference; give lat and long`);
    return { postcode, lat: centroid.lat, long: centroid.long, metres: near.metres };
  }
}
