import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { AuditService, DomainException, InjectConfig, type AppConfig, type StaffRole } from '@beacon/core';
import { MfaRepository } from './mfa.repository';

const PERIOD = 30;
const RECOVERY_CODES = 10;
// Recovery codes: 10 characters of an alphabet without look-alikes (0/O, 1/I/L), shown as xxxxx-xxxxx.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface Enrolment {
  /** The otpauth:// URI, as an SVG QR code. */
  qrSvg: string;
  /** The same secret for typing in (base32). */
  secret: string;
}

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s; one step either side for clock drift) as the second
 * factor of local accounts, with one-time recovery codes (SHA-256 stored). A code is accepted
 * once: the accepted time step is stored and a step not later than it is refused.
 */
@Injectable()
export class MfaService {
  private readonly key: Buffer;

  constructor(
    private readonly mfa: MfaRepository,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.key = createHmac('sha256', config.auth.linkSecret).update('beacon:totp-secret').digest();
  }

  /** Whether a local account of this role must present a second factor. */
  required(role: StaffRole): boolean {
    return this.config.auth.mfaRequiredRoles.includes(role);
  }

  async enrolled(staffId: string): Promise<boolean> {
    return !!(await this.mfa.find(staffId))?.totpEnabledAt;
  }

  /** An admin's reset: the secret and recovery codes are gone; the caller ends the sessions. */
  async reset(staffId: string): Promise<void> {
    await this.mfa.clear(staffId);
  }

  /** A fresh secret for an account not yet enrolled (replacing any unconfirmed one). */
  async beginEnrolment(staffId: string, email: string): Promise<Enrolment> {
    if (await this.enrolled(staffId)) throw new DomainException('CONFLICT', 'A second factor is already set up for this account');
    const secret = new OTPAuth.Secret({ size: 20 });
    await this.mfa.setPendingSecret(staffId, this.seal(secret.base32));
    const uri = this.totp(secret.base32, email).toString();
    return { qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }), secret: secret.base32 };
  }

  /** Confirms enrolment with a first code; returns the recovery codes, shown once. */
  async confirmEnrolment(staffId: string, email: string, code: string): Promise<string[]> {
    const row = await this.mfa.find(staffId);
    if (!row?.totpSecret || row.totpEnabledAt) throw new DomainException('CONFLICT', 'Start setting up the second factor again');
    if (!(await this.checkTotp(staffId, this.open(row.totpSecret), email, code))) {
      await this.audit.record({ actor: `staff:${staffId}`, action: 'mfa.enrol-failed', subject: `staff:${staffId}` });
      throw new DomainException('UNAUTHENTICATED', 'The code is not right. Check the time on your phone and try the newest code.');
    }
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const raw = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await this.mfa.enable(staffId, codes.map((c) => sha256(normaliseRecovery(c))));
    await this.audit.record({ actor: `staff:${staffId}`, action: 'mfa.enrolled', subject: `staff:${staffId}` });
    return codes;
  }

  /** A TOTP code or an unused recovery code; every outcome audited. */
  async verify(staffId: string, email: string, code: string): Promise<{ recoveryCodeUsed: boolean }> {
    const row = await this.mfa.find(staffId);
    const fail = async (why: string) => {
      await this.audit.record({ actor: `staff:${staffId}`, action: 'mfa.failed', subject: `staff:${staffId}`, data: { why } });
      return new DomainException('UNAUTHENTICATED', 'The code is not right, or has been used already');
    };
    if (!row?.totpSecret || !row.totpEnabledAt) throw await fail('not enrolled');
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      if (!(await this.checkTotp(staffId, this.open(row.totpSecret), email, trimmed))) throw await fail('wrong or reused code');
      await this.audit.record({ actor: `staff:${staffId}`, action: 'mfa.verified', subject: `staff:${staffId}` });
      return { recoveryCodeUsed: false };
    }
    const normal = normaliseRecovery(trimmed);
    if (normal.length !== 10 || !(await this.mfa.useRecoveryCode(staffId, sha256(normal)))) throw await fail('wrong or used recovery code');
    await this.audit.record({ actor: `staff:${staffId}`, action: 'mfa.recovery-code-used', subject: `staff:${staffId}`, data: { remaining: await this.mfa.remainingRecoveryCodes(staffId) } });
    return { recoveryCodeUsed: true };
  }

  private totp(secretBase32: string, email: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: 'Beacon', label: email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secretBase32) });
  }

  private async checkTotp(staffId: string, secretBase32: string, email: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const now = Date.now();
    const delta = this.totp(secretBase32, email).validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) return false;
    return this.mfa.claimStep(staffId, Math.floor(now / 1000 / PERIOD) + delta);
  }

  // The secret at rest: AES-256-GCM, so a copy of the table (a backup) gives no codes.
  private seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
  }

  private open(sealed: string): string {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== 'v1') throw new Error('unknown TOTP secret format');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }
}
