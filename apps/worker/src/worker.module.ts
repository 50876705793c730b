import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { DOMAIN_MODULES } from '@beacon/domains';
import { InboundSmtpModule } from '@beacon/engagement';

/** Queue consumers only: the same domain modules as the API, no HTTP server; and the inbound SMTP listener (INBOUND_SMTP_PORT). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), ...DOMAIN_MODULES, JobRunnerModule, InboundSmtpModule] };
  }
}
