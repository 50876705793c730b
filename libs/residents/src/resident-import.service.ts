import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from './resident-data-exporter';
import { ResidentImportRepository, type StagedResidents } from './resident-import.repository';
import { VerificationOutbox, VerificationService } from './verification.service';

export type { StagedResidents } from './resident-import.repository';

export interface ResidentImportResult {
  created: number;
  /** Matched residents whose record changed (a field filled, a verification carried over). */
  updated: number;
  /** Verification messages queued for the new residents' unverified addresses. */
  verificationsSent: number;
}

const VERIFY_PAGE = 2000;

/**
 * Writes an import's staged residents (for `libs/imports`), in the caller's transaction: new
 * residents created as they were in the source system (sign-up date, consent, verified
 * addresses), matched ones merged by the field rules of `resident-import-fields.ts`, and the
 * normal verification (e-mail link, SMS code) queued for every unverified address of a new
 * resident. Verified addresses get no message.
 */
@Injectable()
@ResidentDataExporterProvider()
export class ResidentImportService implements ResidentDataExporter {
  readonly section = 'importedFrom';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ResidentImportRepository,
    private readonly verification: VerificationService,
  ) {}

  async apply(src: StagedResidents, tx: EntityManager): Promise<ResidentImportResult> {
    const updated = await this.repo.mergeMatched(src, tx);
    const created = await this.repo.insertNew(src, tx);
    await this.repo.recordOrigins(src, tx);
    let verificationsSent = 0;
    // A page at a time, so a million-row import holds one page of messages in memory.
    for (let after = 0; ; ) {
      const page = await this.repo.pendingVerifications(src, after, VERIFY_PAGE, tx);
      if (!page.length) break;
      const out = new VerificationOutbox();
      for (const r of page) {
        if (r.email && !r.emailVerified && r.channels.includes('email')) this.verification.addEmailLink(out, r, r.email);
        if (r.phone && !r.phoneVerified && r.channels.includes('sms')) this.verification.addSmsCode(out, r.id, r.phone);
      }
      await this.verification.send(out, tx);
      verificationsSent += out.emails.length + out.sms.length;
      after = page[page.length - 1].line;
    }
    return { created, updated, verificationsSent };
  }

  async exportFor(residentId: string): Promise<unknown> {
    return this.repo.exportFor(residentId, this.db.manager);
  }
}
