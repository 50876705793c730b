import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, mergeMap } from 'rxjs';
import type { BeaconRequest } from '../principal';
import { AuditService, redact } from './audit.service';

const NO_AUDIT = 'beacon:no-audit';
const AUDIT_OMIT = 'beacon:audit-omit';

/** For a POST that changes nothing (a preview the console calls as the user types): no audit row. */
export const NotAWrite = () => SetMetadata(NO_AUDIT, true);

/**
 * Body fields the audit row records only as '***': words written to or about one resident (a
 * response to their reply) are kept by their own table, which erasure empties; a copy in
 * audit_event would outlive it.
 */
export const AuditOmits = (...fields: string[]) => SetMetadata(AUDIT_OMIT, fields);

/** Every successful staff write leaves an audit_event row (method, route, params, redacted body). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    const staff = req.principal?.kind === 'staff' ? req.principal : undefined;
    if (!staff || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(NO_AUDIT, [context.getHandler(), context.getClass()])) return next.handle();
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    const omit = this.reflector.getAllAndOverride<string[] | undefined>(AUDIT_OMIT, [context.getHandler(), context.getClass()]) ?? [];
    const body = omit.length && req.body && typeof req.body === 'object' ? Object.fromEntries(Object.entries(req.body as Record<string, unknown>).map(([k, v]) => [k, omit.includes(k) ? '***' : v])) : req.body;
    return next.handle().pipe(
      mergeMap((result) =>
        from(
          this.audit
            .recordStaff(staff, `${req.method} ${route}`, req.originalUrl.split('?')[0], {
              params: req.params,
              body: typeof body === 'string' ? `<${body.length} bytes>` : redact(body),
            })
            .then(() => result),
        ),
      ),
    );
  }
}
