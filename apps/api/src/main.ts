import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { configureApp, createPinoLogger, describeConfig, exitOnSignalDuringStart, exitWithError, installGracefulShutdown, loadConfig, loggerFormatFor, PinoNestLogger, startEmbeddedPostgres, surviveDatabaseOutages, type EmbeddedDatabase } from '@beacon/core';
import { migrate } from '@beacon/migrations';
import { AppModule } from './app.module';
import { BootstrapService, DEMO_STAFF } from './seed/bootstrap.service';

async function bootstrap() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createPinoLogger(config.logLevel, undefined, loggerFormatFor(config));
  surviveDatabaseOutages(logger);
  exitOnSignalDuringStart();
  let embedded: EmbeddedDatabase | undefined;
  if (config.db.embedded) {
    logger.info(`Starting embedded PostgreSQL in ${join(config.db.dataDir, 'postgres')}`);
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.db.dataDir, 'postgres'),
      port: config.db.embeddedPort,
      database: 'beacon',
      persistent: true,
    });
    config.db.url = embedded.url;
  }
  const applied = await migrate(config.db.url!);
  if (applied.length) logger.info({ applied }, 'Migrations applied');
  logger.info({ config: describeConfig(config) }, 'Configuration');

  const app = await NestFactory.create(AppModule.forRoot(config), { logger: new PinoNestLogger(logger), bodyParser: false });
  configureApp(app, config, logger);
  // Modules first (the queue's schema and queues exist), as in the tests: demo seeds queue jobs.
  await app.init();
  const { demoPassword } = await app.get(BootstrapService).run();
  await app.listen(config.http.port);

  const url = `http://localhost:${config.http.port}`;
  const lines = [``, `Beacon is running at ${url}  (API docs ${url}/docs, health ${url}/health)`, `Started in ${Date.now() - started} ms`];
  if (demoPassword) {
    lines.push(`Demo staff accounts (password for all: ${demoPassword}; also in ${join(config.db.dataDir, 'demo-credentials.txt')}):`);
    for (const s of DEMO_STAFF) lines.push(`  ${s.role.padEnd(13)} ${s.email}`);
  } else if (config.seedDemo) {
    lines.push(`Demo staff credentials: ${join(config.db.dataDir, 'demo-credentials.txt')}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  installGracefulShutdown({ app, logger, timeoutMs: config.shutdownTimeoutMs, http: app.getHttpServer(), stopDatabase: embedded?.stop });
}

bootstrap().catch(exitWithError);
