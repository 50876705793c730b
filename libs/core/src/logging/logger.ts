import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

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

/** What an error log line holds of an error: its type, message, code and stack, and the same of its causes. */
export interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
}

/**
 * Errors become {type, message, code, stack} (with causes and an AggregateError's parts), never
 * their other properties: a pg error carries the client and its socket, a TypeORM error the
 * query's parameters (addresses, names), an HTTP client error the request. Anything that is not
 * an Error is logged as its string form.
 */
export function serializeError(err: unknown, depth = 0): SerializedError | string {
  if (!(err instanceof Error)) {
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
      const e = err as { message: string; code?: unknown; stack?: unknown };
      return { type: 'Object', message: e.message, ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}) };
    }
    return String(err);
  }
  const code = (err as { code?: unknown }).code;
  const out: SerializedError = { type: err.name || err.constructor?.name || 'Error', message: err.message };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.stack) out.stack = err.stack;
  if (depth < 4) {
    if (err.cause !== undefined) out.cause = serializeError(err.cause, depth + 1);
    if (err instanceof AggregateError) out.errors = err.errors.slice(0, 10).map((e) => serializeError(e, depth + 1));
  }
  return out;
}

/** Keys logged with an error in them (`{ err }`, `{ error }`, an unhandled rejection's `{ reason }`). */
const ERROR_SERIALIZERS = { err: serializeError, error: serializeError, reason: serializeError };

// Credentials and contact values wherever a log call puts them (one or two levels deep).
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  ...['password', 'token', 'accessToken', 'refreshToken', 'secret', 'email', 'phone', 'to'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export interface LoggerFormat {
  /** Readable coloured lines (pino-pretty) instead of JSON: development on a terminal. */
  pretty?: boolean;
}

/**
 * The process logger; `destination` (default stdout) lets tests read what would be logged.
 * JSON in production and tests; with `pretty`, pino-pretty lines written synchronously in this
 * thread (no transport worker), so the last lines before an exit are never lost.
 */
export function createPinoLogger(level: string, destination?: DestinationStream, format: LoggerFormat = {}): PinoLogger {
  const options: LoggerOptions = {
    level,
    serializers: ERROR_SERIALIZERS,
    redact: { paths: REDACT_PATHS, censor: '***' },
  };
  if (format.pretty) {
    const pretty = PinoPretty({
      destination: destination ?? 1,
      sync: true,
      colorize: !destination && process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,req,res,responseTime',
      messageFormat: '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime}ms{end}',
      singleLine: true,
      errorLikeObjectKeys: ['err', 'error', 'reason'],
    });
    return pino(options, pretty);
  }
  return destination ? pino(options, destination) : pino(options);
}

/** Pretty lines for `npm start` (development on a terminal, or LOG_FORMAT=pretty); JSON otherwise. */
export function loggerFormatFor(config: { env: string; logFormat?: 'json' | 'pretty' }): LoggerFormat {
  if (config.logFormat) return { pretty: config.logFormat === 'pretty' };
  return { pretty: config.env === 'development' };
}

/** Nest's LoggerService on top of pino, so framework and app logs share one JSON stream. */
// Nest's boot narration (a line per module and per route): debug, so `npm start` shows what matters.
const NEST_BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: PinoLogger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (level === 'info' && context && NEST_BOOT_CONTEXTS.has(context)) level = 'debug';
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) {
      // `logger.log({ deleted }, 'text')`: Nest appends the context, so the strings before it are the message.
      const text = rest.slice(0, context === undefined ? rest.length : -1).filter((x): x is string => typeof x === 'string').join(' ');
      if (text) this.pino[level]({ context, ...(message as object) }, text);
      else this.pino[level]({ context, ...(message as object) });
    }
    else this.pino[level]({ context }, String(message));
  }
  log(message: unknown, ...rest: unknown[]) { this.write('info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('trace', message, rest); }
}
