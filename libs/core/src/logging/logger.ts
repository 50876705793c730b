import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

// Query parameters whose value never reaches a log line: credentials (`token`, `access_token`,
// `code`) and what identifies a person (search terms a member of staff typed, contact values).
const SENSITIVE_PARAM = /([?&](?:[a-z_]*token|code|q|query|search|e-?mail|phone|mobile|postcode|name|first_?name|last_?name)=)[^&#]*/gi;

/**
 * Request URLs without the credentials residents carry in them (`?token=` of verify, sign-in
 * and manage links; the rating and unsubscribe tokens in `/r/…` and `/u/…`), nor search terms
 * and contact values (`?q=ada@example.org`): whoever reads the logs must not be able to sign in
 * as a resident, nor find in them a resident erased since.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SENSITIVE_PARAM, '$1***').replace(/^\/(r|u)\/[^/?#]+/, '/$1/***');
}

/** pino-http's request serializer: method, redacted URL, headers (authorization redacted below; referer like the URL); no query or params. */
export function serializeRequest(req: { id?: unknown; method?: string; url?: string; headers?: unknown; remoteAddress?: string }) {
  const headers = req.headers as Record<string, unknown> | undefined;
  const referer = headers?.referer;
  return {
    id: req.id,
    method: req.method,
    url: redactUrl(req.url),
    headers: typeof referer === 'string' ? { ...headers, referer: redactReferer(referer) } : req.headers,
    remoteAddress: req.remoteAddress,
  };
}

function redactReferer(referer: string): string {
  const at = referer.search(/[?]/);
  return at < 0 ? referer : referer.slice(0, at) + redactUrl(referer.slice(at))!;
}

/** The process logger; `destination` (default stdout) lets tests read what would be logged. */
export function createPinoLogger(level: string, destination?: DestinationStream): PinoLogger {
  const options = {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.email', '*.phone', '*.to'], censor: '***' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's LoggerService on top of pino, so framework and app logs share one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...(message as object) });
    else this.pino[level]({ context }, String(message));
  }
  log(message: unknown, ...rest: unknown[]) { this.write('info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('trace', message, rest); }
}
