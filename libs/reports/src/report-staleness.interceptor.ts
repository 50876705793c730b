import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { ReportsReader } from '@beacon/core';

/** Header names of a report read from the read replica (absent: read from the primary, live). */
export const FIGURES_AS_OF_HEADER = 'Beacon-Figures-As-Of';
export const FIGURES_AGE_HEADER = 'Beacon-Figures-Age-Seconds';

/**
 * Every report answer (JSON, CSV, chart) read from the replica says how stale it may be. The
 * heartbeat is read before the handler runs, so the figures are at least as fresh as it says.
 */
@Injectable()
export class ReportStalenessInterceptor implements NestInterceptor {
  constructor(private readonly reader: ReportsReader) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reader.replicated) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    return from(this.reader.staleness()).pipe(
      switchMap((s) => {
        res.setHeader(FIGURES_AS_OF_HEADER, s?.asOf ? s.asOf.toISOString() : 'unknown');
        res.setHeader(FIGURES_AGE_HEADER, s?.seconds === null || s?.seconds === undefined ? 'unknown' : String(s.seconds));
        return next.handle();
      }),
    );
  }
}
