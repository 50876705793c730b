import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { DOMAIN_MODULES } from '@beacon/domains';

/** Queue consumers only: the same domain modules as the API, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), ...DOMAIN_MODULES, JobRunnerModule] };
  }
}
