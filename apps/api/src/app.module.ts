import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { FundingModule } from '@beacon/funding';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { BootstrapService } from './seed/bootstrap.service';

/** The HTTP API. With RUN_WORKER on (the embedded default) it also consumes the queues. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ResidentsModule, FundingModule, ...(config.runWorker ? [JobRunnerModule] : [])],
      providers: [BootstrapService],
    };
  }
}
