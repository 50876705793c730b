import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../database/connection-errors';
import { DomainException, ErrorCode } from './domain.exception';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  BUDGET_EXCEEDED: 409,
  GONE: 410,
  RATE_LIMITED: 429,
};

// PostgreSQL errors that can only come from a client's input reaching SQL.
const STATUS_BY_PG_CODE: Record<string, number> = {
  '22P02': 400, // invalid text representation (e.g. a bad uuid)
  '22001': 400, // string too long
  '22003': 400, // numeric out of range
  '22007': 400, // invalid datetime
  '22008': 400,
  '22021': 400, // invalid byte sequence (a NUL character in text)
  '23505': 409, // unique violation
  '23503': 409, // foreign key violation
  '23514': 400, // check violation
};

/** Seconds a client is asked to wait (Retry-After) before repeating a request refused with these statuses. */
export const RETRY_AFTER_SECONDS: Record<number, number> = {
  429: 60,
  // PostgreSQL restarting or failing over: the pool reconnects by itself within seconds.
  503: 5,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: string[];
  code?: string;
  requestId?: string;
}

/** One error body for every failure: {statusCode, error, message}; never a stack trace. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = this.toBody(exception);
    body.requestId = req?.id ? String(req.id) : undefined;
    this.log(exception, body);
    if (res.headersSent) return;
    this.setRetryAfter(res, body);
    // Explicit: a handler may already have set another type (e.g. text/xml for TwiML), which
    // res.json() would keep, labelling this JSON body as something else.
    res.status(body.statusCode).type('application/json').json(body);
  }

  /** 5xx are logged; an unreachable database as a warning (it is not a bug, and every request during an outage has one). */
  log(exception: unknown, body: ErrorBody): void {
    if (body.statusCode < 500) return;
    if (body.statusCode === 503 && isDatabaseUnavailable(exception)) this.logger.warn({ err: exception, requestId: body.requestId }, 'Database unavailable');
    else this.logger.error({ err: exception, requestId: body.requestId }, 'Unhandled error');
  }

  /** Retry-After on answers the client should repeat later (429, 503); pages use it too. */
  setRetryAfter(res: Response, body: ErrorBody): void {
    const seconds = RETRY_AFTER_SECONDS[body.statusCode];
    if (seconds !== undefined) res.setHeader('Retry-After', String(seconds));
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainException) {
      const statusCode = STATUS_BY_CODE[exception.code];
      return { statusCode, error: STATUS_CODES[statusCode]!, message: exception.message, details: exception.details, code: exception.code };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      // Nest wraps body-parser's errors; a parse error's message quotes the body back (JSON.parse's text).
      if ((exception.cause as { type?: unknown } | undefined)?.type === 'entity.parse.failed') {
        return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: 'Malformed request body' };
      }
      let message = exception.message;
      let details: string[] | undefined;
      if (typeof response === 'object' && response && 'message' in response) {
        const m = (response as { message: unknown }).message;
        if (Array.isArray(m)) {
          details = m.map(String);
          message = details.join('; ');
        } else if (typeof m === 'string') message = m;
      }
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, details };
    }
    const err = exception as { status?: unknown; statusCode?: unknown; type?: string; code?: unknown; expose?: boolean };
    // body-parser and friends: malformed JSON (400), payload too large (413), unsupported charset (415)
    const status = Number(err?.status ?? err?.statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      const message = err.type === 'entity.parse.failed' ? 'Malformed request body' : (exception as Error).message;
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    }
    // PostgreSQL down, restarting or out of connections: not the request's fault, and worth repeating.
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message: 'The service is temporarily unavailable, try again shortly' };
    }
    const pgStatus = typeof err?.code === 'string' ? STATUS_BY_PG_CODE[err.code] : undefined;
    if (pgStatus && (exception as Error).name === 'QueryFailedError') {
      const message = pgStatus === 409 ? 'Conflicts with existing data' : 'Invalid value in request';
      return { statusCode: pgStatus, error: STATUS_CODES[pgStatus]!, message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
