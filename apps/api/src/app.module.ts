import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { CadetsModule } from '@beacon/cadets';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { BootstrapService } from './seed/bootstrap.service';

/** The HTTP API. With RUN_WORKER on (the embedded default) it also consumes the queues. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ResidentsModule, SchemesModule, CadetsModule, ...(config.runWorker ? [JobRunnerModule] : [])],
      providers: [BootstrapService],
    };
  }
}
