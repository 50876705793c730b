import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { TOPICS } from './resident.entities';
import { ResidentRepository } from './resident.repository';
import type { SignUpDto } from './residents.dto';
import { VerificationService } from './verification.service';

export interface SignUpAccepted {
  status: 'pending_verification';
}

/** Public sign-up: one transaction for the resident, their preferences and the verification jobs. */
@Injectable()
export class SignUpService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly residents: ResidentRepository,
    private readonly geography: GeographyService,
    private readonly verification: VerificationService,
  ) {}

  /**
   * The answer is the same whether or not the e-mail or phone is already registered. A known
   * address is reminded (verification again, or "already signed up"); the stored resident is
   * never changed by an unauthenticated request, and no second resident is created.
   */
  async signUp(dto: SignUpDto): Promise<SignUpAccepted> {
    const email = dto.email ?? null;
    const phone = dto.phone ?? null;
    const problems: string[] = [];
    if (!email && !phone) problems.push('email or phone is required');
    if (dto.channels.includes('email') && !email) problems.push('email is required when channels include email');
    if (dto.channels.includes('sms') && !phone) problems.push('phone is required when channels include sms');
    if (!(await this.geography.findWard(dto.wardCode))) problems.push(`wardCode ${dto.wardCode} is not a known ward`);
    if (problems.length) throw badRequest(`Validation failed: ${problems.join('; ')}`, problems);

    await this.db.transaction(async (tx) => {
      const id = await this.residents.insertPendingIfAbsent(
        {
          email,
          phoneE164: phone,
          firstName: dto.firstName,
          lastName: dto.lastName ?? null,
          postcode: dto.postcode ?? null,
          wardCode: dto.wardCode,
          source: dto.source ?? null,
          campaignCode: dto.campaignCode ?? null,
          ageBand: dto.demographics?.ageBand ?? null,
          ethnicity: dto.demographics?.ethnicity ?? null,
          language: dto.demographics?.language ?? null,
        },
        tx,
      );
      if (id) {
        // No topics chosen means "tell me about everything": stored explicitly, so audiences are a plain join.
        await this.residents.insertPreferences(id, { channels: dto.channels, topics: dto.topics?.length ? dto.topics : [...TOPICS], interestGroups: dto.interestGroups ?? [] }, tx);
        if (email && dto.channels.includes('email')) await this.verification.sendEmailLink({ id, firstName: dto.firstName }, email, tx);
        if (phone && dto.channels.includes('sms')) await this.verification.sendSmsCode(id, phone, tx);
        return;
      }
      const byEmail = email ? await this.residents.findByEmail(email, tx) : null;
      const existing = byEmail ?? (phone ? await this.residents.findByPhone(phone, tx) : null);
      if (existing) await this.verification.remind(existing, byEmail ? 'email' : 'sms', tx);
    });
    return { status: 'pending_verification' };
  }
}
