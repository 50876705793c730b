import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { CoreModule, JobRunnerModule, type AppConfig } from '@beacon/core';
import { EngagementModule } from '@beacon/engagement';
import { GeographyModule } from '@beacon/geography';
import { MessagingModule } from '@beacon/messaging';
import { ResidentsModule } from '@beacon/residents';
import { BootstrapService } from './seed/bootstrap.service';

/** The HTTP API. With RUN_WORKER on (the embedded default) it also consumes the queues. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), GeographyModule, AuthModule, ChannelsModule, ResidentsModule, MessagingModule, EngagementModule, ...(config.runWorker ? [JobRunnerModule] : [])],
      providers: [BootstrapService],
    };
  }
}
