import type { INestApplicationContext } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import { serializeError } from '../logging/logger';
import { QueueService } from '../queue/queue.service';

export interface ShutdownParts {
  app: INestApplicationContext;
  logger: PinoLogger;
  timeoutMs: number;
  /** The API's HTTP server: it stops accepting first, in-flight requests finish. */
  http?: Server;
  /** Other servers to close (the worker's ops server). */
  servers?: Server[];
  /** Stops the embedded PostgreSQL: last, once nothing uses it. */
  stopDatabase?: () => Promise<void>;
}

function exitDuringStart(signal: NodeJS.Signals): void {
  process.stderr.write(`${signal} during start: exiting\n`);
  process.exit(130); // the embedded PostgreSQL's exit hook asks it to stop
}

/** Until the app is up, a signal just exits (and stops the embedded PostgreSQL, if it started). */
export function exitOnSignalDuringStart(): void {
  process.once('SIGINT', exitDuringStart);
  process.once('SIGTERM', exitDuringStart);
}

const closeServer = (server: Server, timeoutMs: number) =>
  new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections(); // keep-alive sockets with no request in flight
  });

/**
 * SIGINT (Ctrl-C) and SIGTERM (docker stop, Kubernetes): stop taking HTTP requests and let the
 * ones in flight finish, let running jobs (a send batch) finish and take no more, stop pg-boss,
 * close the app (its database pool), then stop the embedded PostgreSQL — all within `timeoutMs`
 * for the work in flight, then exit 0. A few lines are printed, no error for a clean stop. A
 * second signal stops at once (exit 130); anything still claimed is re-queued by the sweeper.
 */
export function installGracefulShutdown(parts: ShutdownParts): void {
  process.off('SIGINT', exitDuringStart);
  process.off('SIGTERM', exitDuringStart);
  const { app, logger, timeoutMs } = parts;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: stopping now`);
      process.exit(130);
    }
    stopping = true;
    const started = Date.now();
    logger.info(`${signal}: stopping (work in flight has up to ${Math.round(timeoutMs / 1000)} s)`);
    // Past the budget plus time for the database to stop, exit anyway.
    const hardStop = setTimeout(() => {
      logger.warn('Shutdown took too long: exiting');
      process.exit(1);
    }, timeoutMs + 30_000);
    hardStop.unref();
    try {
      const left = () => Math.max(1_000, timeoutMs - (Date.now() - started));
      await Promise.all([parts.http, ...(parts.servers ?? [])].filter((s): s is Server => !!s).map((s) => closeServer(s, left())));
      await app.get(QueueService).stop(left());
      await app.close();
      const stopped = await parts.stopDatabase?.().then(() => true);
      logger.info(`Stopped in ${Date.now() - started} ms${stopped ? ' (PostgreSQL too)' : ''}`);
      process.exit(0);
    } catch (err) {
      logger.error({ err: serializeError(err) }, 'Shutdown failed');
      await parts.stopDatabase?.().catch(() => undefined);
      process.exit(1);
    }
  };
  process.on('SIGINT', (s) => void stop(s));
  process.on('SIGTERM', (s) => void stop(s));
}
