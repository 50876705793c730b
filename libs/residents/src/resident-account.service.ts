import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LinkTokenService, AccessTokenService } from '@beacon/auth';
import { AuditService, badRequest, DomainException, forbidden, JobName, QueueService } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import type { Channel, ResidentEntity } from './resident.entity';
import { ResidentDataExporterRegistry } from './resident-data-exporter';
import { ResidentLinksService, type SignInDestination } from './resident-links.service';
import { ResidentNotice, residentNotice } from './resident-notifications';
import { ResidentRepository, type ResidentChanges } from './resident.repository';
import type { ResidentProfile, UpdateMeDto } from './residents.dto';
import { reminderTarget, VerificationOutbox, VerificationService } from './verification.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADDRESS_FIELD: Record<Channel, 'email' | 'phone'> = { email: 'email', sms: 'phone' };

export type AccessLevel = 'full' | 'prefs';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const camelKeys = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]));
const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null);

/** A signed-in resident's own account: sign-in links, profile, preferences, export, erasure. */
@Injectable()
export class ResidentAccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly residents: ResidentRepository,
    private readonly geography: GeographyService,
    private readonly verification: VerificationService,
    private readonly queue: QueueService,
    private readonly linkTokens: LinkTokenService,
    private readonly accessTokens: AccessTokenService,
    private readonly exporters: ResidentDataExporterRegistry,
    private readonly audit: AuditService,
    private readonly residentLinks: ResidentLinksService,
  ) {}

  /**
   * Always answers the same, after the same work (one job queued) whether or not the address is
   * known: the job (`ResidentReminderHandler`) decides what to send.
   */
  async requestSignInLink(email: string, next?: SignInDestination): Promise<{ status: 'accepted' }> {
    await this.queue.send(JobName.ResidentReminder, { purpose: 'sign-in', email, ...(next ? { next } : {}) });
    return { status: 'accepted' };
  }

  /**
   * The sign-in job: a sign-in link goes only to a verified address, a pending sign-up gets its
   * confirmation link again (which also signs in), a claim inside someone's record gets nothing
   * (see reminderTarget).
   */
  async sendSignInLink(email: string, next?: SignInDestination): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = reminderTarget(await this.residents.findByAddresses([email], [], tx), 'email', email);
      const out = new VerificationOutbox();
      if (r?.status === 'pending') this.verification.addEmailLink(out, r, email);
      else if (r) out.emails.push(residentNotice(ResidentNotice.signIn, r.id, next ? { next } : {}));
      await this.verification.send(out, tx);
    });
  }

  /** Magic link → resident bearer token. The link dies with the address it was sent to. */
  async exchange(token: string): Promise<{ accessToken: string; residentId: string }> {
    const residentId = await this.residentFromSignInLink(token);
    return { accessToken: this.accessTokens.signResident(residentId), residentId };
  }

  async residentFromSignInLink(token: string): Promise<string> {
    const claims = this.linkTokens.verify('magic-link', token);
    const r = UUID.test(claims.r ?? '') ? await this.residents.findById(claims.r) : null;
    // Only while the resident still holds the address it was sent to, verified (a claim is not a hold).
    const holds = !!claims.a && ((claims.a === r?.email && !!r.emailVerifiedAt) || (claims.a === r?.phoneE164 && !!r.phoneVerifiedAt));
    if (!r || r.status === 'erased' || !holds) throw badRequest('This link is not valid');
    return r.id;
  }

  /** The 'manage' token of the preferences pages: resident and access level. */
  residentFromManageToken(token: unknown): { residentId: string; level: AccessLevel } {
    return this.residentLinks.manageSession(token);
  }

  /** Every resident request goes through here: an erased resident's tokens stop working. */
  async requireLive(residentId: string, manager?: EntityManager): Promise<ResidentEntity> {
    const r = await this.residents.findById(residentId, manager);
    if (!r || r.status === 'erased') throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
    return r;
  }

  async profile(residentId: string): Promise<ResidentProfile> {
    const r = await this.requireLive(residentId);
    const [channels, topics, interestGroups, ward] = await Promise.all([
      this.residents.listChannels(r.id),
      this.residents.listTopics(r.id),
      this.residents.listInterests(r.id),
      this.geography.findWard(r.wardCode),
    ]);
    return {
      id: r.id,
      status: r.status,
      firstName: r.firstName,
      lastName: r.lastName,
      email: r.email,
      emailVerified: !!r.emailVerifiedAt,
      phone: r.phoneE164,
      phoneVerified: !!r.phoneVerifiedAt,
      postcode: r.postcode,
      wardCode: r.wardCode,
      ward: ward ? { code: ward.code, name: ward.name, npuCode: ward.npuCode } : null,
      channels: channels.map((c) => ({
        channel: c.channel,
        enabled: c.enabled,
        verified: c.channel === 'email' ? !!r.emailVerifiedAt : !!r.phoneVerifiedAt,
        minPriority: c.minPriority,
        suspended: c.suspendedAt !== null,
      })),
      topics,
      interestGroups,
      demographics: { ageBand: r.ageBand, ethnicity: r.ethnicity, language: r.language },
      quietStart: hhmm(r.quietStart),
      quietEnd: hhmm(r.quietEnd),
      source: r.source,
      campaignCode: r.campaignCode,
      consentAt: r.consentAt,
      createdAt: r.createdAt,
      activatedAt: r.activatedAt,
    };
  }

  /**
   * Partial update in one transaction. A changed address is unverified until its new link or
   * code comes back; turning on a channel whose address is unverified sends a verification.
   * 'prefs' access (a manage link from a message) may not touch contact details or demographics.
   */
  async update(residentId: string, dto: UpdateMeDto, level: AccessLevel = 'full'): Promise<ResidentProfile> {
    const personal = ['email', 'phone', 'firstName', 'lastName', 'postcode', 'demographics'] as const;
    if (level === 'prefs' && personal.some((k) => dto[k] !== undefined)) throw forbidden('Sign in with an email link to change your details');
    const problems: string[] = [];
    const quiet = [dto.quietStart, dto.quietEnd];
    if (quiet.some((q) => q !== undefined) && (quiet.some((q) => q === undefined) || (dto.quietStart === null) !== (dto.quietEnd === null))) {
      problems.push(dto.quietStart == null ? 'quietStart must be set together with quietEnd' : 'quietEnd must be set together with quietStart');
    }
    if (dto.wardCode !== undefined && !(await this.geography.findWard(dto.wardCode))) problems.push(`wardCode ${dto.wardCode} is not a known ward`);
    if (problems.length) throw badRequest(`Validation failed: ${problems.join('; ')}`, problems);

    await this.db.transaction(async (tx) => {
      const r = await this.residents.findByIdForUpdate(residentId, tx);
      if (!r || r.status === 'erased') throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
      const emailChanged = dto.email !== undefined && dto.email !== r.email;
      const phoneChanged = dto.phone !== undefined && dto.phone !== r.phoneE164;
      const email = emailChanged ? (dto.email ?? null) : r.email;
      const phone = phoneChanged ? (dto.phone ?? null) : r.phoneE164;

      const channels = new Map((await this.residents.listChannels(r.id, tx)).map((c) => [c.channel, c.enabled]));
      const turnedOn = new Set<Channel>();
      for (const c of dto.channels ?? []) {
        const enabled = c.enabled ?? channels.get(c.channel) ?? true;
        if (enabled && !channels.get(c.channel)) turnedOn.add(c.channel);
        channels.set(c.channel, enabled);
      }
      for (const [channel, enabled] of channels) {
        const address = channel === 'email' ? email : phone;
        if (enabled && !address) problems.push(`${ADDRESS_FIELD[channel]} is required while the ${channel} channel is on`);
      }
      if (!email && !phone) problems.push('email or phone: keep at least one');
      if (problems.length) throw badRequest(`Validation failed: ${problems.join('; ')}`, problems);
      // Another resident's address is answered as a free one (no "already registered" oracle): it
      // becomes this resident's claim, and only following its verification moves it here.

      const changes: ResidentChanges = {
        email: emailChanged ? email : undefined,
        phoneE164: phoneChanged ? phone : undefined,
        firstName: dto.firstName,
        lastName: dto.lastName,
        postcode: dto.postcode,
        wardCode: dto.wardCode,
        ageBand: dto.demographics?.ageBand,
        ethnicity: dto.demographics?.ethnicity,
        language: dto.demographics?.language,
        quietStart: dto.quietStart,
        quietEnd: dto.quietEnd,
      };
      await this.residents.applyChanges(r.id, changes, tx);
      for (const c of dto.channels ?? []) await this.residents.upsertChannel(r.id, c.channel, { enabled: c.enabled, minPriority: c.minPriority }, tx);
      if (dto.topics !== undefined) await this.residents.replaceTopics(r.id, dto.topics, tx);
      if (dto.interestGroups !== undefined) await this.residents.replaceInterests(r.id, dto.interestGroups, tx);

      // Verify a new address, or an unverified one whose channel was just turned on.
      if (email && (emailChanged || (turnedOn.has('email') && !r.emailVerifiedAt))) await this.verification.sendEmailLink(r, email, tx);
      if (phone && (phoneChanged || (turnedOn.has('sms') && !r.phoneVerifiedAt))) await this.verification.sendSmsCode(r.id, phone, tx);
      await this.residents.syncStatusWithChannels(r.id, tx);
    });
    return this.profile(residentId);
  }

  /** Everything held about the resident: every column of their rows, plus other libs' sections. */
  async export(residentId: string): Promise<Record<string, unknown>> {
    await this.requireLive(residentId);
    const rows = await this.residents.dataRows(residentId);
    const out: Record<string, unknown> = {
      exportedAt: new Date().toISOString(),
      resident: camelKeys(rows.resident),
      channels: rows.channels.map(camelKeys),
      topics: rows.topics.map(camelKeys),
      interestGroups: rows.interestGroups.map(camelKeys),
      smsVerification: rows.smsVerification.map(camelKeys),
      wardMoves: rows.wardMoves.map(camelKeys),
    };
    for (const exporter of this.exporters.exporters()) {
      if (exporter.section in out) throw new Error(`ResidentDataExporter section "${exporter.section}" clashes with a built-in section`);
      out[exporter.section] = await exporter.exportFor(residentId);
    }
    return out;
  }

  /** GDPR erasure: personal data gone, aggregates kept (see ResidentRepository.erase). `actor`: who did it (staff acting on a request). */
  async erase(residentId: string, actor = `resident:${residentId}`): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await this.residents.findByIdForUpdate(residentId, tx);
      if (!r || r.status === 'erased') throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
      // Queued one-off messages about them, and reminder requests naming their addresses (read before erase nulls them).
      await this.queue.deleteNotificationsFor(r.id, tx, [r.email, r.phoneE164].filter((a): a is string => !!a));
      await this.residents.erase([r.id], tx);
      for (const exporter of this.exporters.exporters()) await exporter.eraseFor?.(r.id, tx);
      await this.audit.record({ actor, action: 'resident.erased', subject: `resident:${r.id}` }, tx);
    });
  }
}
