import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import {
  ACCESS,
  AccessRule,
  BeaconRequest,
  DomainException,
  forbidden,
  ResidentStandingProvider,
  type ResidentStanding,
  type StaffPrincipal,
} from '@beacon/core';
import { StaffSessionService } from '../sessions/staff-session.service';
import { StaffRepository } from '../staff/staff.repository';
import { AccessTokenService } from '../tokens/access-token.service';
import { canAccessNpu } from './npu-scope';

function bearer(req: BeaconRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

function pick(req: BeaconRequest, path: string): unknown[] {
  const [source, ...rest] = path.split('.');
  let v: unknown = (req as unknown as Record<string, unknown>)[source];
  for (const key of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
}

/** Deny by default: every route is staff-only unless it says @Public() or @ResidentOnly(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
    private readonly staff: StaffRepository,
    private readonly sessions: StaffSessionService,
    private readonly discovery: DiscoveryService,
  ) {}

  private standing?: ResidentStanding[];

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [context.getHandler(), context.getClass()]) ?? {
      kind: 'staff',
    };
    if (rule.kind === 'public') return true;
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    if (rule.kind === 'session') {
      // Only the cookie counts here: an Authorization header is ignored, not an alternative.
      const cookies = (req as { cookies?: Record<string, string | undefined> }).cookies;
      const principal = await this.sessions.resolve(cookies?.[this.sessions.cookieName]);
      if (!principal) throw new DomainException('UNAUTHENTICATED', 'Sign in required');
      req.principal = principal;
      this.checkScope(req, principal, rule);
      return true;
    }
    const token = bearer(req);
    if (!token) throw new DomainException('UNAUTHENTICATED', 'Sign in required');
    const claims = this.tokens.verify(token);

    // A token of the other kind is no credential for this route: 401, like no token (403 is
    // for a signed-in caller outside their role or NPU).
    if (rule.kind === 'resident') {
      if (claims.typ !== 'resident') throw new DomainException('UNAUTHENTICATED', 'Sign in as a resident');
      // A token outlives an erasure: the resident must still be there, on every route alike.
      for (const s of this.residentStanding()) {
        if (!(await s.mayAct(claims.sub))) throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
      }
      req.principal = { kind: 'resident', id: claims.sub };
      return true;
    }
    if (claims.typ !== 'staff') throw new DomainException('UNAUTHENTICATED', 'Sign in as staff');
    const row = await this.staff.findActiveById(claims.sub);
    if (!row) throw new DomainException('UNAUTHENTICATED', 'Invalid or expired access token');
    const principal: StaffPrincipal = { kind: 'staff', id: row.id, email: row.email, name: row.name, role: row.role, npuCode: row.npuCode };
    req.principal = principal;
    this.checkScope(req, principal, rule);
    return true;
  }

  private residentStanding(): ResidentStanding[] {
    this.standing ??= this.discovery
      .getProviders({ metadataKey: ResidentStandingProvider.KEY })
      .map((w) => w.instance as ResidentStanding | undefined)
      .filter((p): p is ResidentStanding => !!p && typeof p.mayAct === 'function');
    return this.standing;
  }

  /** Role and NPU checks, identical for API routes and console pages. */
  private checkScope(req: BeaconRequest, principal: StaffPrincipal, rule: { roles?: StaffPrincipal['role'][]; npuFrom?: string[]; forceWide?: boolean }): void {
    if (rule.roles && !rule.roles.includes(principal.role)) throw forbidden(`Requires role: ${rule.roles.join(' or ')}`);
    if (rule.forceWide && principal.npuCode !== null) throw forbidden('Only force-wide staff may do this');
    for (const source of rule.npuFrom ?? []) {
      for (const npu of pick(req, source)) {
        if (!canAccessNpu(principal, String(npu))) throw forbidden(`Your role is limited to NPU ${principal.npuCode}`);
      }
    }
  }
}
