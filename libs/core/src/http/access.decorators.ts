import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { StaffRole } from '../principal';

/**
 * Access is declared on every route and enforced by the auth guard; a route with no
 * declaration needs a signed-in staff member (deny by default).
 */
export const ACCESS = 'beacon:access';

export type NpuSource = `${'params' | 'query' | 'body'}.${string}`;

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'resident' }
  | { kind: 'staff'; roles?: StaffRole[]; npuFrom?: NpuSource[]; forceWide?: boolean }
  /** A staff page (the console): the session cookie is the credential, never a bearer token. */
  | { kind: 'session'; roles?: StaffRole[]; npuFrom?: NpuSource[]; forceWide?: boolean };

export const Public = () => SetMetadata(ACCESS, { kind: 'public' } satisfies AccessRule);

export const ResidentOnly = () => applyDecorators(SetMetadata(ACCESS, { kind: 'resident' } satisfies AccessRule), ApiBearerAuth('resident'));

/**
 * Staff route. `roles` limits who may call it; `npuFrom` names request fields holding an
 * NPU code: an NPU-scoped staff member gets 403 when any of them names another NPU.
 * `forceWide` makes the route force-wide staff only (it changes data of every NPU, such as
 * geography or reference lists): an NPU-bound caller of an allowed role still gets 403.
 */
export const Staff = (opts: { roles?: StaffRole[]; npuFrom?: NpuSource[]; forceWide?: boolean } = {}) =>
  applyDecorators(SetMetadata(ACCESS, { kind: 'staff', ...opts } satisfies AccessRule), ApiBearerAuth('staff'));

/**
 * Staff page signed in by the console's session cookie (a bearer token is no credential here,
 * and the cookie none on `@Staff` routes). The same `roles` and `npuFrom` checks as `@Staff`.
 */
export const StaffPage = (opts: { roles?: StaffRole[]; npuFrom?: NpuSource[]; forceWide?: boolean } = {}) => SetMetadata(ACCESS, { kind: 'session', ...opts } satisfies AccessRule);
