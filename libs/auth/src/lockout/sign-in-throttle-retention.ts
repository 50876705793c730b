import { Injectable } from '@nestjs/common';
import { RetentionPurgeProvider, type RetentionPurge } from '@beacon/core';
import { SignInThrottleRepository } from './sign-in-throttle.repository';

/** Failed sign-in counts are forgotten a day after the last failure (and once no hold is left). */
@Injectable()
@RetentionPurgeProvider()
export class SignInThrottleRetention implements RetentionPurge {
  readonly retentionName = 'sign-in failures';
  constructor(private readonly throttle: SignInThrottleRepository) {}

  purgeExpired(): Promise<number> {
    return this.throttle.deleteStale();
  }
}
