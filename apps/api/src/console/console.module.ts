import { Module } from '@nestjs/common';
import { AuthModule } from '@beacon/auth';
import { EngagementModule } from '@beacon/engagement';
import { GeographyModule } from '@beacon/geography';
import { MessagingModule } from '@beacon/messaging';
import { ReportsModule } from '@beacon/reports';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { WebModule } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages } from './console-pages';
import { ConsoleGeographyController } from './geography.controller';
import { ConsoleHomeController } from './home.controller';
import { ConsoleInboxController } from './inbox.controller';
import { LegacyConsoleController } from './legacy-console.controller';
import { ConsoleMessagesController } from './messages.controller';
import { ConsoleReportsController } from './reports.controller';
import { PasswordResetController } from './password-reset.controller';
import { ConsoleSchemesController } from './schemes.controller';
import { SignInController } from './sign-in.controller';

/** The staff console: server-rendered pages on the domain libs' services; the old one at /console/legacy. */
@Module({
  imports: [WebModule, AuthModule, GeographyModule, MessagingModule, EngagementModule, ReportsModule, SchemesModule, ResidentsModule],
  controllers: [SignInController, PasswordResetController, ConsoleMessagesController, ConsoleInboxController, ConsoleHomeController, ConsoleReportsController, ConsoleSchemesController, ConsoleGeographyController, LegacyConsoleController],
  providers: [ConsolePages, ConsoleExceptionFilter],
})
export class ConsoleModule {}
