import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { CookieOptions } from 'express';
import { DomainException, InjectConfig, normaliseEmail, type AppConfig } from '@beacon/core';
import { LinkTokenService } from '../tokens/link-token.service';
import { SignInThrottleRepository } from './sign-in-throttle.repository';

const FIRST_WAIT_SECONDS = 30;
/** One IP address may fail this many times more than one account before it is held. */
const IP_FACTOR = 10;
const DEVICE_TTL_SECONDS = 180 * 24 * 3600;
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64url').slice(0, 32);

/** Who is trying to sign in: the address typed, the client's IP, and the browser's device cookie. */
export interface SignInClient {
  ip: string | null;
  /** The `beacon-device` cookie, when the console sent one. */
  device?: string;
  via: 'console' | 'api';
}

/** The keys one attempt counts on. */
export interface ThrottleKeys {
  /** The account's own key, or (from a browser that signed in to it before) that browser's key. */
  account: string;
  ip: string;
}

/**
 * Backoff after failed sign-ins (OWASP's "device cookies"): per normalised e-mail, whether or not
 * an account has it (so the answer says nothing about existence), and per IP address. A held key
 * is refused without counting, so hammering does not lengthen the wait; waits double up to
 * STAFF_LOCKOUT_MAX_SECONDS and end. A browser that signed in to the account before carries a
 * signed device cookie and counts on its own key instead of the account's: someone guessing at a
 * named officer's password holds back every browser but the officer's own.
 */
@Injectable()
export class SignInThrottleService {
  constructor(
    private readonly throttle: SignInThrottleRepository,
    private readonly links: LinkTokenService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  get deviceCookieName(): string {
    return this.config.env === 'production' ? '__Host-beacon-device' : 'beacon-device';
  }

  deviceCookieOptions(): CookieOptions {
    return { httpOnly: true, secure: this.config.env === 'production', sameSite: 'lax', path: '/', maxAge: DEVICE_TTL_SECONDS * 1000 };
  }

  /** The device cookie's value for a browser that has just signed in to this account. */
  deviceToken(email: string): string {
    return this.links.sign('staff-device', { a: digest(normaliseEmail(email)), n: randomBytes(12).toString('base64url') }, DEVICE_TTL_SECONDS);
  }

  keysFor(email: string, client: SignInClient): ThrottleKeys {
    const account = digest(normaliseEmail(email));
    let device: string | null = null;
    if (client.device) {
      try {
        const claims = this.links.verify('staff-device', client.device);
        if (claims.a === account && typeof claims.n === 'string') device = claims.n;
      } catch {
        // Not a device cookie of ours (or expired): the account's own key.
      }
    }
    return { account: device ? `device:${digest(device)}` : `account:${account}`, ip: `ip:${digest(client.ip ?? 'unknown')}` };
  }

  /** Refuses (429) while any of the keys is held; the same answer for every account and address. */
  async assertNotHeld(keys: ThrottleKeys): Promise<void> {
    if (await this.throttle.heldUntil([keys.account, keys.ip])) {
      throw new DomainException('RATE_LIMITED', 'Too many failed sign-in attempts. Wait a few minutes, then try again, or reset your password.');
    }
  }

  async failed(keys: ThrottleKeys): Promise<void> {
    const { after, maxSeconds } = this.config.auth.lockout;
    await this.throttle.recordFailure([keys.account], after, FIRST_WAIT_SECONDS, maxSeconds);
    await this.throttle.recordFailure([keys.ip], after * IP_FACTOR, FIRST_WAIT_SECONDS, maxSeconds);
  }

  /** A complete sign-in forgets the account's (or browser's) failures; the IP's stay. */
  async succeeded(keys: ThrottleKeys): Promise<void> {
    await this.throttle.clear([keys.account]);
  }
}
