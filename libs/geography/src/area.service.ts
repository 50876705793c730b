import { Injectable } from '@nestjs/common';
import { assertNpuAccess, badRequest, conflict, notFound, scopedNpu, type StaffPrincipal } from '@beacon/core';
import type { CreateAreaDto, UpdateAreaDto } from './area.dto';
import { AreaRepository, type AreaView } from './area.repository';

/** Named areas of an NPU (Impact Areas, hotspot lists): wards and neighbourhoods of that NPU only. */
@Injectable()
export class AreaService {
  constructor(private readonly repo: AreaRepository) {}

  list(staff: StaffPrincipal, npu?: string): Promise<AreaView[]> {
    return this.repo.list(scopedNpu(staff, npu));
  }

  async get(staff: StaffPrincipal, id: string): Promise<AreaView> {
    const area = await this.repo.find(id);
    if (!area) throw notFound('Area');
    assertNpuAccess(staff, area.npuCode);
    return area;
  }

  async create(staff: StaffPrincipal, dto: CreateAreaDto): Promise<AreaView> {
    assertNpuAccess(staff, dto.npuCode);
    await this.assertParts(dto.npuCode, dto.wardCodes ?? [], dto.neighbourhoodIds ?? []);
    return this.repo.transaction(async (m) => {
      const id = await this.repo.insert(m, { name: dto.name, kind: dto.kind, npuCode: dto.npuCode });
      if (!id) throw conflict(`NPU ${dto.npuCode} already has an area named "${dto.name}"`);
      await this.repo.setWards(m, id, dto.wardCodes ?? []);
      await this.repo.setNeighbourhoods(m, id, dto.neighbourhoodIds ?? []);
      return (await this.repo.find(id, m))!;
    });
  }

  async update(staff: StaffPrincipal, id: string, dto: UpdateAreaDto): Promise<AreaView> {
    const area = await this.get(staff, id);
    await this.assertParts(area.npuCode, dto.wardCodes ?? [], dto.neighbourhoodIds ?? []);
    return this.repo.transaction(async (m) => {
      if (!(await this.repo.update(m, id, { name: dto.name, kind: dto.kind }))) throw conflict(`NPU ${area.npuCode} already has an area named "${dto.name}"`);
      if (dto.wardCodes) await this.repo.setWards(m, id, dto.wardCodes);
      if (dto.neighbourhoodIds) await this.repo.setNeighbourhoods(m, id, dto.neighbourhoodIds);
      return (await this.repo.find(id, m))!;
    });
  }

  async remove(staff: StaffPrincipal, id: string): Promise<void> {
    await this.get(staff, id);
    await this.repo.remove(id);
  }

  /** Every ward and neighbourhood must be of the area's NPU: 400 naming those that are not. */
  private async assertParts(npuCode: string, wardCodes: string[], neighbourhoodIds: string[]): Promise<void> {
    const wards = await this.repo.wardsOf(npuCode, wardCodes);
    const hoods = await this.repo.neighbourhoodsOf(npuCode, neighbourhoodIds.map((x) => x.toLowerCase()));
    const problems = [
      ...wardCodes.filter((c) => !wards.has(c)).map((c) => `ward ${c} is not a ward of NPU ${npuCode}`),
      ...neighbourhoodIds.filter((x) => !hoods.has(x.toLowerCase())).map((x) => `neighbourhood ${x} is not a neighbourhood of NPU ${npuCode}`),
    ];
    if (problems.length) throw badRequest(problems.join('; '), problems);
  }
}
