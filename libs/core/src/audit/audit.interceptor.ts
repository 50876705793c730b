import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, from, mergeMap } from 'rxjs';
import type { BeaconRequest } from '../principal';
import { AuditService, redact } from './audit.service';

const NO_AUDIT = 'beacon:no-audit';

/** For a POST that changes nothing (a preview the console calls as the user types): no audit row. */
export const NotAWrite = () => SetMetadata(NO_AUDIT, true);

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
    return next.handle().pipe(
      mergeMap((result) =>
        from(
          this.audit
            .recordStaff(staff, `${req.method} ${route}`, req.originalUrl.split('?')[0], {
              params: req.params,
              body: typeof req.body === 'string' ? `<${req.body.length} bytes>` : redact(req.body),
            })
            .then(() => result),
        ),
      ),
    );
  }
}
