import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StaffService } from '@beacon/auth';
import { CadetDemoSeedService, CadetsService } from '@beacon/cadets';
import { HousekeepingService, InjectConfig, type AppConfig, type StaffRole } from '@beacon/core';
import { EngagementDemoSeedService } from '@beacon/engagement';
import { FundingDemoSeedService, FundingService } from '@beacon/funding';
import { GeographyService, PostcodeDirectoryService } from '@beacon/geography';
import { ReportsSeedService } from '@beacon/reports';
import { ResidentSeedService } from '@beacon/residents';
import { MessageDemoSeedService } from '@beacon/messaging';
import { SchemeDemoSeedService, SchemesService } from '@beacon/schemes';
import { SurveyDemoSeedService } from '@beacon/surveys';

export const DEMO_STAFF: { email: string; name: string; role: StaffRole; npuCode: string | null }[] = [
  { email: 'admin@beacon.local', name: 'Alex Admin', role: 'admin', npuCode: null },
  { email: 'eco.be@beacon.local', name: 'Erin ECO (Birmingham East)', role: 'eco', npuCode: 'BE' },
  { email: 'officer.be@beacon.local', name: 'Omar Officer (Birmingham East)', role: 'officer', npuCode: 'BE' },
  { email: 'lead.be@beacon.local', name: 'Lara Lead (Birmingham East)', role: 'npu_lead', npuCode: 'BE' },
  { email: 'cadets.be@beacon.local', name: 'Cal Cadet Leader (Birmingham East)', role: 'cadet_leader', npuCode: 'BE' },
  { email: 'eco.sw@beacon.local', name: 'Sam ECO (Sandwell)', role: 'eco', npuCode: 'SW' },
  { email: 'lead.sw@beacon.local', name: 'Sian Lead (Sandwell)', role: 'npu_lead', npuCode: 'SW' },
  { email: 'analyst@beacon.local', name: 'Ana Analyst', role: 'analyst', npuCode: null },
];

/** Boot-time data: the operator's admin account, and (embedded default) the demo data set, once. */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly geography: GeographyService,
    private readonly postcodes: PostcodeDirectoryService,
    private readonly staff: StaffService,
    private readonly funding: FundingService,
    private readonly residents: ResidentSeedService,
    private readonly reports: ReportsSeedService,
    private readonly schemes: SchemesService,
    private readonly cadets: CadetsService,
    private readonly schemesDemo: SchemeDemoSeedService,
    private readonly cadetsDemo: CadetDemoSeedService,
    private readonly fundingDemo: FundingDemoSeedService,
    private readonly messagesDemo: MessageDemoSeedService,
    private readonly engagementDemo: EngagementDemoSeedService,
    private readonly surveysDemo: SurveyDemoSeedService,
    private readonly housekeeping: HousekeepingService,
  ) {}

  async run(): Promise<{ demoPassword?: string }> {
    const admin = this.config.auth.bootstrapAdmin;
    if (admin) await this.staff.ensureAdmin(admin.email, admin.password);
    if (!this.config.seedDemo) return {};
    if (!(await this.geography.listNpus()).length) {
      const counts = await this.geography.seedWestMidlands();
      this.logger.log(`Demo geography loaded: ${counts.npusCreated} NPUs, ${counts.wardsCreated} wards`);
    }
    const postcodes = await this.postcodes.seedDemoPostcodes(); // once: synthetic ZZ postcodes of the demo wards
    if (postcodes) this.logger.log(`Demo postcodes loaded: ${postcodes} (synthetic)`);
    await this.reports.seedDemo(); // idempotent: census shares for representation
    if (this.config.seedDemo === 'small') {
      await this.funding.seedDemo(); // idempotent: ACF 2019/20 budgets and a few bids
      const residents = await this.residents.seedDemo();
      if (residents) this.logger.log(`Demo residents loaded: ${residents}`);
      await this.residents.placeDemoResidents();
      // Each fills only NPUs that have none yet, so every boot may call them.
      await this.schemes.seedDemo();
      await this.cadets.seedDemo();
      return this.createDemoStaff(admin);
    }
    // Full: staff first (messages, decisions and answers need authors); each lib seeds its own tables once.
    const created = await this.createDemoStaff(admin);
    await this.seedFullDemo();
    return created;
  }

  private async seedFullDemo(): Promise<void> {
    const started = Date.now();
    // No demo number is held when a real SMS provider is configured, so nobody real is ever texted.
    const withPhones = !this.config.sms.accountSid || !!this.config.sms.apiBaseUrl;
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      const out = await run();
      this.logger.log(`Demo ${name}: ${Date.now() - t0} ms`);
      return out;
    };
    const residents = await step('residents', () => this.residents.seedFullDemo({ withPhones }));
    await step('resident postcodes', () => this.residents.placeDemoResidents()); // also residents of an earlier start without one
    if (!residents) return; // loaded on an earlier start
    await step('schemes', () => this.schemesDemo.seedFullDemo());
    await step('cadets', () => this.cadetsDemo.seedFullDemo());
    await step('funding', () => this.fundingDemo.seedFullDemo());
    await step('messages', () => this.messagesDemo.seedFullDemo());
    await step('engagement', () => this.engagementDemo.seedFullDemo());
    await step('surveys', () => this.surveysDemo.seedFullDemo());
    await step('report aggregates', () => this.reports.refreshAfterDemo());
    // Three years of history, kept as a running service keeps it: deliveries and answered replies
    // past their retention go now (the aggregates above already count them), not at the first
    // housekeeping run after boot. Leavers past theirs were erased as the residents were loaded.
    await step('retention', () => this.housekeeping.run());
    this.logger.log(`Demo data loaded in ${Date.now() - started} ms: ${residents} residents`);
  }

  private async createDemoStaff(admin: AppConfig['auth']['bootstrapAdmin']): Promise<{ demoPassword?: string }> {
    if (await this.staff.hasAnyStaff().then((any) => any && !admin)) return {};
    const password = `demo-${randomBytes(6).toString('base64url')}`;
    let created = 0;
    for (const s of DEMO_STAFF) {
      created += await this.staff.create({ ...s, password }).then(
        () => 1,
        () => 0, // already there
      );
    }
    if (!created) return {};
    const file = join(this.config.db.dataDir, 'demo-credentials.txt');
    mkdirSync(this.config.db.dataDir, { recursive: true });
    writeFileSync(file, [`Password for every demo account: ${password}`, ...DEMO_STAFF.map((s) => `${s.role.padEnd(13)} ${s.email}`)].join('\n') + '\n', { mode: 0o600 });
    return { demoPassword: password };
  }
}
