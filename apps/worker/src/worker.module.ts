import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { FundingModule } from '@beacon/funding';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';

/** Queue consumers only: the same domain modules as the API, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ResidentsModule, FundingModule, JobRunnerModule] };
  }
}
