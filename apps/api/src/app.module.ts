import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { ConsoleModule } from './console/console.module';
import { LandingController } from './console/landing.controller';
import { DOMAIN_MODULES } from '@beacon/domains';
import { InboundSmtpModule } from '@beacon/engagement';
import { BootstrapService } from './seed/bootstrap.service';

/** The HTTP API. With RUN_WORKER on (the embedded default) it also does the worker's work: queues, inbound SMTP. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), ...DOMAIN_MODULES, ...(config.runWorker ? [JobRunnerModule, InboundSmtpModule] : []), ConsoleModule],
      controllers: [LandingController],
      providers: [BootstrapService],
    };
  }
}
