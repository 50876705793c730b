import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainException, type BeaconRequest, type ResidentPrincipal, type StaffPrincipal } from '@beacon/core';

export const CurrentStaff = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffPrincipal => {
  const p = ctx.switchToHttp().getRequest<BeaconRequest>().principal;
  if (p?.kind !== 'staff') throw new DomainException('UNAUTHENTICATED', 'Sign in required');
  return p;
});

export const CurrentResident = createParamDecorator((_: unknown, ctx: ExecutionContext): ResidentPrincipal => {
  const p = ctx.switchToHttp().getRequest<BeaconRequest>().principal;
  if (p?.kind !== 'resident') throw new DomainException('UNAUTHENTICATED', 'Sign in required');
  return p;
});
