import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { EngagementModule } from '@beacon/engagement';
import { GeographyModule } from '@beacon/geography';
import { MessagingModule } from '@beacon/messaging';
import { ResidentsModule } from '@beacon/residents';

/** Queue consumers only: the same domain modules as the API, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ChannelsModule, ResidentsModule, MessagingModule, EngagementModule, JobRunnerModule] };
  }
}
