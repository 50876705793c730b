import { Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { CadetsModule } from '@beacon/cadets';
import { ChannelsModule } from '@beacon/channels';
import { EngagementModule } from '@beacon/engagement';
import { FundingModule } from '@beacon/funding';
import { GeographyModule } from '@beacon/geography';
import { ImportsModule } from '@beacon/imports';
import { MessagingModule } from '@beacon/messaging';
import { ReportsModule } from '@beacon/reports';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { SurveysModule } from '@beacon/surveys';
import { WebModule } from '@beacon/web';
import { ConsoleAcfVotingController } from './acf-voting.controller';
import { ConsoleAcfController } from './acf.controller';
import { ConsoleCadetsController } from './cadets.controller';
import { ConsoleExceptionFilter, ConsolePages } from './console-pages';
import { ConsoleGeographyController } from './geography.controller';
import { ConsoleHomeController } from './home.controller';
import { ConsoleImportsController } from './imports.controller';
import { ConsoleInboxController } from './inbox.controller';
import { ConsoleMessageAttachmentsController } from './message-attachments.controller';
import { ConsoleMessagesController } from './messages.controller';
import { ConsoleOutboxController } from './outbox.controller';
import { ConsolePatrolsController } from './patrols.controller';
import { ConsoleSchemeTargetsController } from './scheme-targets.controller';
import { ConsoleResidentsController } from './residents.controller';
import { ConsoleReportsController } from './reports.controller';
import { ConsoleCampaignsController } from './campaigns.controller';
import { PasswordResetController } from './password-reset.controller';
import { ConsoleSchemesController } from './schemes.controller';
import { ConsoleSessionsController } from './sessions.controller';
import { SignInController } from './sign-in.controller';
import { ConsoleStaffController } from './staff.controller';
import { ConsolePopulationSharesController } from './population-shares.controller';
import { ConsoleSurveysController } from './surveys.controller';

/** The staff console: server-rendered pages on the domain libs' services; every workflow of staff, each a page. */
@Module({
  imports: [WebModule, AuthModule, GeographyModule, MessagingModule, EngagementModule, ReportsModule, SchemesModule, ResidentsModule, FundingModule, CadetsModule, ChannelsModule, SurveysModule, ImportsModule],
  controllers: [
    SignInController,
    PasswordResetController,
    ConsoleMessageAttachmentsController,
    ConsoleMessagesController,
    ConsoleInboxController,
    ConsoleHomeController,
    ConsoleReportsController,
    ConsoleCampaignsController,
    ConsoleSchemesController,
    ConsoleResidentsController,
    ConsolePatrolsController,
    ConsoleSchemeTargetsController,
    ConsoleAcfController,
    ConsoleAcfVotingController,
    ConsoleCadetsController,
    ConsoleGeographyController,
    ConsoleImportsController,
    ConsoleOutboxController,
    ConsoleSessionsController,
    ConsoleStaffController,
    ConsoleSurveysController,
    ConsolePopulationSharesController,
  ],
  providers: [ConsolePages, ConsoleExceptionFilter],
})
export class ConsoleModule {}
