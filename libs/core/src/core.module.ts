import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit/audit-event.entity';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/database-options';
import { ReplicaHeartbeatEntity } from './database/replica-heartbeat.entity';
import { ReplicaHeartbeat, ReportsReader } from './database/reports-reader';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { HealthController } from './health/health.controller';
import { HousekeepingService } from './housekeeping.service';
import { createValidationPipe } from './http/validation';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { JobRunnerService } from './queue/job-runner.service';
import { QueueService } from './queue/queue.service';
import { RateLimitBucketEntity } from './rate-limit/rate-limit-bucket.entity';
import { RateLimitCounter } from './rate-limit/rate-limit.counter';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';
import { RateLimiter } from './rate-limit/rate-limiter';
import { WebhookReceiptEntity } from './webhooks/webhook-receipt.entity';
import { WebhookReceipts } from './webhooks/webhook-receipts';
import { FileStore } from './files/file-store';
import { PgFileStore } from './files/pg-file-store';
import { StoredFileEntity } from './files/stored-file.entity';

export const CORE_ENTITIES = [AuditEventEntity, RateLimitBucketEntity, WebhookReceiptEntity, StoredFileEntity, ReplicaHeartbeatEntity];

/** Config, database, queue, errors, validation, audit and rate limits: what every process shares. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.db.url) throw new Error('CoreModule needs config.db.url (start the embedded database first)');
    return {
      module: CoreModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(config.db.url, [], [], config.db.reportsUrl), autoLoadEntities: true }),
        TypeOrmModule.forFeature(CORE_ENTITIES),
        // Failed checks are answered (503 with details), not logged as errors: probes poll during an outage.
        TerminusModule.forRoot({ logger: false }),
        DiscoveryModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        QueueService,
        AuditRepository,
        AuditService,
        RateLimitRepository,
        RateLimitCounter,
        RateLimiter,
        HousekeepingService,
        MetricsService,
        WebhookReceipts,
        { provide: FileStore, useClass: PgFileStore },
        ReportsReader,
        ReplicaHeartbeat,
      ],
      exports: [APP_CONFIG, QueueService, AuditService, RateLimiter, MetricsService, WebhookReceipts, FileStore, ReportsReader, HousekeepingService],
    };
  }
}

/** Queue consumers: imported by the worker, and by the API when RUN_WORKER is on. */
@Module({ imports: [DiscoveryModule], providers: [JobRunnerService] })
export class JobRunnerModule {}
