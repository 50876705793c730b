import { DomainException } from '@beacon/core';

/** A message asked to move where its status does not allow (409). */
export const invalidTransition = (status: string, action: string) =>
  new DomainException('INVALID_TRANSITION', `A message that is ${status} cannot be ${action}`);
