import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule, NotificationService } from '@beacon/channels';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { WebModule } from '@beacon/web';
import { SchemeInvitationNotifications, SchemeNotifier } from './notifications/scheme-invitation-notifications';
import { ResidentSchemePagesController } from './pages/resident-scheme-pages.controller';
import { ResidentSchemePagesRepository } from './pages/resident-scheme-pages.repository';
import { PatrolsController } from './patrols.controller';
import { PatrolsRepository } from './patrols.repository';
import { PatrolsService } from './patrols.service';
import { ResidentSchemesController } from './resident-schemes.controller';
import { SchemeDemoSeedService } from './scheme-demo-seed.service';
import { SchemeImportRepository } from './scheme-import.repository';
import { SchemeImportService } from './scheme-import.service';
import { SchemeResidentData } from './scheme-resident-data';
import { SchemeResidentDataRepository } from './scheme-resident-data.repository';
import { SCHEME_ENTITIES } from './scheme.entity';
import { SchemeReportController } from './scheme-report.controller';
import { SchemeReportRepository } from './scheme-report.repository';
import { SchemeReportService } from './scheme-report.service';
import { SchemesController } from './schemes.controller';
import { SchemesRepository } from './schemes.repository';
import { SchemesService } from './schemes.service';

@Module({
  imports: [TypeOrmModule.forFeature(SCHEME_ENTITIES), ChannelsModule, GeographyModule, ResidentsModule, WebModule],
  controllers: [SchemesController, PatrolsController, ResidentSchemesController, SchemeReportController, ResidentSchemePagesController],
  providers: [{ provide: SchemeNotifier, useExisting: NotificationService }, SchemeInvitationNotifications, ResidentSchemePagesRepository, SchemeResidentData, SchemeResidentDataRepository, SchemesRepository, PatrolsRepository, SchemeReportRepository, SchemesService, PatrolsService, SchemeReportService, SchemeDemoSeedService, SchemeImportRepository, SchemeImportService],
  exports: [SchemesService, PatrolsService, SchemeReportService, SchemeDemoSeedService, SchemeImportService],
})
export class SchemesModule {}
