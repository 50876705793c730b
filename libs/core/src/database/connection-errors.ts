import type { Logger as PinoLogger } from 'pino';
import { exitWithError } from '../errors/describe-error';

// SQLSTATE classes and codes that mean "the server went away or is not accepting us yet",
// as opposed to an error in the statement: 08 connection exception, 57P01–57P03 shutdown /
// crash / starting up, 53300 too many connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGE = /Connection terminated|connection error and is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down)|timeout exceeded when trying to connect/i;

/** True when an error from pg / TypeORM / pg-boss means PostgreSQL is unreachable right now (restart, failover), not that the SQL is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_NET.has(e.code))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  if (e.driverError && e.driverError !== err) return isDatabaseUnavailable(e.driverError);
  // AggregateError from a failed connect to several addresses (localhost → ::1 and 127.0.0.1).
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isDatabaseUnavailable(x));
}

/**
 * pg-boss 10 completes and fails jobs without awaiting the promise; while PostgreSQL is down
 * those reject unhandled, which would end the process (Node's default) and turn a database
 * restart into a crash. Such rejections are logged and the process carries on: the job is
 * retried after its expiry, and the delivery sweeper re-queues its rows. Any other unhandled
 * rejection still ends the process, as it would by default, printing what it was.
 */
export function surviveDatabaseOutages(logger: PinoLogger): void {
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      logger.warn({ err: reason }, 'Database unreachable: a background write failed and will be retried');
      return;
    }
    logger.fatal({ err: reason }, 'Unhandled promise rejection');
    exitWithError(reason);
  });
}
