import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { badRequest, GroupCommit } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { CampaignOfficerLinkService } from './campaign-officer-link.service';
import { TOPICS, type ResidentEntity } from './resident.entity';
import { ResidentRepository, type NewSignUp, type SignUpInsert } from './resident.repository';
import { CAMPAIGN_CODE, type SignUpDto } from './residents.dto';
import { VerificationOutbox, VerificationService } from './verification.service';

export interface SignUpAccepted {
  status: 'pending_verification';
}

const unknownWard = (code: string) => `wardCode ${code} is not a known ward`;
// The postcode is not one of the force's (or not in the directory yet): the ward list is the fallback.
const unplaced = (postcode: string) => `wardCode is required: postcode ${postcode} is not in our area or not known to us, so choose your ward from the list`;
const wardProblem = (dto: SignUpDto) => (dto.wardCode ? unknownWard(dto.wardCode) : unplaced(dto.postcode ?? ''));

/** Public sign-up: one transaction for the resident, their preferences and the verification jobs. */
@Injectable()
export class SignUpService {
  // Sign-up is a public hot path: concurrent sign-ups share one transaction (a handful of
  // statements and one commit for all of them); each request is answered after it commits.
  private readonly batches: GroupCommit<NewSignUp, SignUpInsert>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly residents: ResidentRepository,
    private readonly geography: GeographyService,
    private readonly verification: VerificationService,
    private readonly officerLinks: CampaignOfficerLinkService,
  ) {
    this.batches = new GroupCommit((signUps) => this.signUpAll(signUps), { maxBatch: 100, maxInFlight: 2 });
  }

  /**
   * The answer is the same whether or not the e-mail or phone is already registered. A verified
   * address is reminded ("already signed up"; nothing is created); a repeat of a pending sign-up
   * gets its verification again; otherwise a new pending resident is made, even when another
   * resident claims one of its addresses unverified (its code or link verifies into this new
   * resident only). A stored resident is never changed by an unauthenticated request. A postcode
   * of the force places the resident in its ward (and keeps its centroid); otherwise the ward
   * chosen from the list is used. An unknown ward is a 400 whoever holds the address. An
   * officer's campaign link (`officer`, valid for `campaignCode`) records them as assisting.
   */
  async signUp(dto: SignUpDto, opts: { assistedBy?: string } = {}): Promise<SignUpAccepted> {
    const email = dto.email ?? null;
    const phone = dto.phone ?? null;
    const problems: string[] = [];
    if (!email && !phone) problems.push('email or phone is required');
    if (dto.channels.includes('email') && !email) problems.push('email is required when channels include email');
    if (dto.channels.includes('sms') && !phone) problems.push('phone is required when channels include sms');
    if (problems.length) {
      if (dto.wardCode && !(await this.geography.findWard(dto.wardCode))) problems.push(unknownWard(dto.wardCode));
      throw badRequest(`Validation failed: ${problems.join('; ')}`, problems);
    }
    const outcome = await this.batches.submit({
      id: randomUUID(),
      email,
      phoneE164: phone,
      firstName: dto.firstName,
      lastName: dto.lastName ?? null,
      postcode: dto.postcode ?? null,
      wardCode: dto.wardCode ?? null,
      source: dto.source ?? null,
      campaignCode: dto.campaignCode ?? null,
      // Staff adding a resident on their behalf are the ones assisting; else the officer whose own
      // campaign link was used (a forged or another campaign's link counts as none).
      assistedBy: opts.assistedBy ?? this.officerLinks.officerFor(dto.campaignCode, dto.officer),
      ageBand: dto.demographics?.ageBand ?? null,
      ethnicity: dto.demographics?.ethnicity ?? null,
      language: dto.demographics?.language ?? null,
      channels: dto.channels,
      // No topics chosen means "tell me about everything": stored explicitly, so audiences are a plain join.
      topics: dto.topics?.length ? dto.topics : [...TOPICS],
      interestGroups: dto.interestGroups ?? [],
    });
    if (outcome === 'unknown-ward') throw badRequest(`Validation failed: ${wardProblem(dto)}`, [wardProblem(dto)]);
    return { status: 'pending_verification' };
  }

  /**
   * The campaign a code typed on the plain sign-up page names (from an officer's card or a
   * leaflet), as the campaign spells it, whatever the case typed; null when it names none. Reads
   * libs/reports' `campaign` table (its code only): the campaign link carries the code exactly, a
   * resident typing it may not.
   */
  async campaignCodeFor(typed: string): Promise<string | null> {
    if (!CAMPAIGN_CODE.test(typed)) return null;
    const rows = await this.db.query<{ code: string }[]>(`SELECT code FROM campaign WHERE upper(code) = upper($1) ORDER BY code LIMIT 1`, [typed]);
    return rows[0]?.code ?? null;
  }

  /**
   * One transaction for many sign-ups, each as it would be alone and in order: new residents
   * with a verification each; for an address already registered (also earlier in the batch), a
   * reminder to whoever holds it. Five or six statements, however many sign-ups.
   */
  private async signUpAll(signUps: NewSignUp[]): Promise<SignUpInsert[]> {
    return this.db.transaction(async (tx) => {
      const outcomes = await this.residents.insertPendingSignUps(signUps, tx);
      const taken = signUps.filter((_, i) => outcomes[i] === 'address-taken');
      // Always asked, even with no address taken: a known address must not cost a statement
      // (a round trip of latency) that a new one does not.
      const holders = await this.residents.findByAddresses(
        taken.flatMap((s) => (s.email ? [s.email] : [])),
        taken.flatMap((s) => (s.phoneE164 ? [s.phoneE164] : [])),
        tx,
      );
      const out = new VerificationOutbox();
      signUps.forEach((s, i) => {
        if (outcomes[i] === 'inserted') {
          if (s.email && s.channels.includes('email')) this.verification.addEmailLink(out, s, s.email);
          if (s.phoneE164 && s.channels.includes('sms')) this.verification.addSmsCode(out, s.id, s.phoneE164);
        } else if (outcomes[i] === 'address-taken') {
          // Whoever verified the address is reminded; else this repeats a pending sign-up exactly,
          // which gets its verification again. A claim never pulls a sign-up into another record.
          const byEmail = s.email ? holders.find((r) => r.email === s.email && r.emailVerifiedAt) : undefined;
          const byPhone = s.phoneE164 ? holders.find((r) => r.phoneE164 === s.phoneE164 && r.phoneVerifiedAt) : undefined;
          const repeated = holders.find((r) => r.status === 'pending' && r.email === s.email && r.phoneE164 === s.phoneE164);
          const existing: ResidentEntity | undefined = byEmail ?? byPhone ?? repeated;
          if (existing) this.verification.addReminder(out, existing, byEmail || (!byPhone && s.email) ? 'email' : 'sms');
        }
      });
      await this.verification.send(out, tx);
      return outcomes;
    });
  }
}
