import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { configureApp, createPinoLogger, describeConfig, exitWithError, loadConfig, PinoNestLogger, startEmbeddedPostgres, surviveDatabaseOutages, type EmbeddedDatabase } from '@beacon/core';
import { migrate } from '@beacon/migrations';
import { AppModule } from './app.module';
import { BootstrapService, DEMO_STAFF } from './seed/bootstrap.service';

async function bootstrap() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createPinoLogger(config.logLevel);
  surviveDatabaseOutages(logger);
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    await app.close().catch((err) => logger.error({ err }, 'Error while closing the app'));
    await embedded?.stop().catch((err) => logger.error({ err }, 'Error while stopping PostgreSQL'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

bootstrap().catch(exitWithError);
