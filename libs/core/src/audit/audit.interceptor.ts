import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, from, mergeMap } from 'rxjs';
import type { BeaconRequest } from '../principal';
import { AuditService, redact } from './audit.service';

/** Every successful staff write leaves an audit_event row (method, route, params, redacted body). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<BeaconRequest>();
    const staff = req.principal?.kind === 'staff' ? req.principal : undefined;
    if (!staff || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next.handle();
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
