import { Injectable } from '@nestjs/common';
import { ResidentSeedRepository } from './resident-seed.repository';

export const DEMO_RESIDENT_COUNT = 600;

/** Demo residents, loaded once (the boot-time demo seed calls this on every start). */
@Injectable()
export class ResidentSeedService {
  constructor(private readonly seeds: ResidentSeedRepository) {}

  async seedDemo(count = DEMO_RESIDENT_COUNT): Promise<number> {
    if ((await this.seeds.countDemoResidents()) > 0) return 0;
    return this.seeds.insertDemoResidents(count);
  }
}
