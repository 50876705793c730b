import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { CadetsModule } from '@beacon/cadets';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';

/** Queue consumers only: the same domain modules as the API, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ResidentsModule, SchemesModule, CadetsModule, JobRunnerModule] };
  }
}
