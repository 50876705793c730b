import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotificationService } from '@beacon/channels';
import { ResidentDataExporterProvider, type ResidentDataExporter } from './resident-data-exporter';
import { ResidentImportRepository, type StagedResidents } from './resident-import.repository';
import { residentNotice, ResidentNotice } from './resident-notifications';
import { VerificationOutbox, VerificationService } from './verification.service';

export type { StagedResidents } from './resident-import.repository';

export interface ResidentImportResult {
  created: number;
  /** Matched residents whose record changed (a field filled, a verification carried over). */
  updated: number;
  /** Verification messages queued for the new residents' unverified addresses. */
  verificationsSent: number;
  /** The welcome option: one message to each new resident with a verified address on a chosen channel. */
  welcomesSent: number;
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
    private readonly notifications: NotificationService,
  ) {}

  async apply(src: StagedResidents, tx: EntityManager, opts: { welcome?: boolean } = {}): Promise<ResidentImportResult> {
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
    const welcomesSent = opts.welcome ? await this.queueWelcomes(src, tx) : 0;
    return { created, updated, verificationsSent, welcomesSent };
  }

  /**
   * The import's welcome (explains the move, links to their preferences): template and resident
   * id only, rendered when the job runs; e-mail when their e-mail is verified and chosen, else
   * SMS. Residents still to verify get the verification instead, and matched ones nothing.
   */
  private async queueWelcomes(src: StagedResidents, tx: EntityManager): Promise<number> {
    let sent = 0;
    for (let after = 0; ; ) {
      const page = await this.repo.welcomeRecipients(src, after, VERIFY_PAGE, tx);
      if (!page.length) break;
      const jobs = page.map((r) => ({ channel: r.channel, job: residentNotice(ResidentNotice.importWelcome, r.id) }));
      await this.notifications.enqueueAll(
        { emails: jobs.filter((j) => j.channel === 'email').map((j) => j.job), sms: jobs.filter((j) => j.channel === 'sms').map((j) => j.job) },
        { manager: tx },
      );
      sent += page.length;
      after = page[page.length - 1].line;
    }
    return sent;
  }

  async exportFor(residentId: string): Promise<unknown> {
    return this.repo.exportFor(residentId, this.db.manager);
  }
}
