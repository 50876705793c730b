import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBefore, InjectConfig, type AppConfig } from '@beacon/core';
import { ResidentRepository } from './resident.repository';
import { FULL_DEMO_EMAIL_PATTERN, ResidentFullSeedRepository, type FullDemoResidentsSpec } from './resident-full-seed.repository';
import { DEMO_EMAIL_PATTERN, ResidentSeedRepository } from './resident-seed.repository';

export const DEMO_RESIDENT_COUNT = 600;

/**
 * The full demo (a West Midlands-sized force): ~87,500 subscribers today over three years of
 * sign-ups, ~10 % having left, a third also on SMS, and two door-knocking campaigns (Impact
 * Areas in Hodge Hill and West Bromwich) that show as a bump in their wards' sign-ups.
 */
export const FULL_DEMO_RESIDENTS: FullDemoResidentsSpec = {
  active: 87_500,
  leaverShare: 0.1,
  years: 3,
  smsShare: 1 / 3,
  campaigns: [
    { code: 'IMPACT-HODGE-HILL', wardCodes: ['E05990001', 'E05990002', 'E05990003', 'E05990004'], startMonthsAgo: 15, months: 2, signups: 2_800 },
    { code: 'IMPACT-WEST-BROMWICH', wardCodes: ['E05990100', 'E05990101', 'E05990102', 'E05990103', 'E05990104'], startMonthsAgo: 8, months: 2, signups: 2_200 },
  ],
};

/** Demo residents, loaded once (the boot-time demo seed calls this on every start). */
@Injectable()
export class ResidentSeedService {
  constructor(
    private readonly seeds: ResidentSeedRepository,
    private readonly full: ResidentFullSeedRepository,
    private readonly residents: ResidentRepository,
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async seedDemo(count = DEMO_RESIDENT_COUNT): Promise<number> {
    if ((await this.seeds.countDemoResidents()) > 0) return 0;
    const inserted = await this.seeds.insertDemoResidents(count);
    await this.eraseExpiredLeavers(DEMO_EMAIL_PATTERN);
    return inserted;
  }

  /** Demo residents (small and full) without a postcode get one of their ward's (after the demo postcodes load). Returns rows placed. */
  placeDemoResidents(): Promise<number> {
    return this.seeds.placeAtWardPostcodes([DEMO_EMAIL_PATTERN, FULL_DEMO_EMAIL_PATTERN]);
  }

  /** The full demo's residents, once; `withPhones: false` gives nobody an SMS number. Returns rows inserted. */
  async seedFullDemo(opts: { withPhones: boolean }): Promise<number> {
    if (await this.full.hasFullDemo()) return 0;
    const inserted = await this.full.insert({ ...FULL_DEMO_RESIDENTS, smsShare: opts.withPhones ? FULL_DEMO_RESIDENTS.smsShare : 0 });
    await this.eraseExpiredLeavers(FULL_DEMO_EMAIL_PATTERN);
    return inserted;
  }

  /**
   * Demo leavers who left longer ago than INACTIVE_RESIDENT_RETENTION_DAYS are erased at once, as
   * the retention (InactiveResidentRetention, every 10 minutes) would have erased them by now:
   * the demo starts in the state a running service keeps, and the first housekeeping run after
   * boot finds nothing to do. Set-based (the resident lib's own erasure over every id); the other
   * libs' tables hold nothing of them yet, and their demo seeds give the erased only what an
   * erasure leaves (deliveries without errors, ratings without comments, emptied closed replies).
   * Returns the residents erased.
   */
  private async eraseExpiredLeavers(emailLike: string): Promise<number> {
    const before = daysBefore(new Date(), this.config.retention.inactiveResidentDays);
    return this.db.transaction(async (tx) => {
      const ids = await this.residents.leftBefore(before, { emailLike: [emailLike] }, tx);
      await this.residents.erase(ids, tx);
      return ids.length;
    });
  }
}
