import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createPinoLogger, exitOnSignalDuringStart, exitWithError, installGracefulShutdown, loadConfig, loggerFormatFor, PinoNestLogger, startOpsServer, surviveDatabaseOutages } from '@beacon/core';
import { migrate } from '@beacon/migrations';
import { WorkerModule } from './worker.module';

async function bootstrap() {
  const config = loadConfig();
  if (!config.db.url) {
    throw new Error('The worker needs DATABASE_URL. On the embedded default, `npm start` runs the worker inside the API process.');
  }
  const logger = createPinoLogger(config.logLevel, undefined, loggerFormatFor(config));
  surviveDatabaseOutages(logger);
  exitOnSignalDuringStart();
  await migrate(config.db.url);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: new PinoNestLogger(logger) });
  const ops = config.metrics.workerPort ? await startOpsServer(app, config, config.metrics.workerPort) : undefined;
  installGracefulShutdown({ app, logger, timeoutMs: config.shutdownTimeoutMs, servers: ops ? [ops] : [] });
  logger.info(config.metrics.workerPort ? `Worker started (metrics and health on port ${config.metrics.workerPort})` : 'Worker started');
}

bootstrap().catch(exitWithError);
