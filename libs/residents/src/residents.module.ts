import { WebModule } from '@beacon/web';
import { InactiveResidentRetention } from './inactive-resident-retention';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { GeographyModule } from '@beacon/geography';
import { MeController } from './me.controller';
import { CampaignOfficerLinkService } from './campaign-officer-link.service';
import { AudienceCountsService } from './audience-counts.service';
import { RESIDENT_ENTITIES } from './resident.entity';
import { RESIDENT_IMPORT_ENTITIES } from './resident-import.entity';
import { ResidentImportRepository } from './resident-import.repository';
import { ResidentImportService } from './resident-import.service';
import { ResidentRepository } from './resident.repository';
import { ResidentAccountService } from './resident-account.service';
import { ResidentChannelRepository } from './resident-channel.repository';
import { ResidentChannelsService } from './resident-channels.service';
import { ResidentAuthController } from './resident-auth.controller';
import { ResidentDataExporterRegistry } from './resident-data-exporter';
import { ResidentDirectoryRepository } from './resident-directory.repository';
import { ResidentDirectoryService } from './resident-directory.service';
import { ResidentReminderHandler } from './resident-reminder.job';
import { ResidentStandingService } from './resident-standing';
import { ResidentLinksService } from './resident-links.service';
import { ResidentNotifications } from './resident-notifications';
import { ResidentFullSeedRepository } from './resident-full-seed.repository';
import { ResidentSeedRepository } from './resident-seed.repository';
import { ResidentSeedService } from './resident-seed.service';
import { ResidentsController } from './residents.controller';
import { ResidentWardMoveService, ResidentWardRecheckHandler } from './resident-ward-moves';
import { WardMovesController } from './ward-moves.controller';
import { ResidentsPagesController } from './residents-pages.controller';
import { PageExceptionFilter } from './pages/page-exception.filter';
import { ResidentPageLanguage } from './pages/resident-page-language';
import { ResidentPageRenderer } from './pages/resident-page-renderer';
import { SignUpService } from './sign-up.service';
import { StaffResidentsService } from './staff-residents.service';
import { UnsubscribeService } from './unsubscribe.service';
import { UnverifiedPurgeService } from './unverified-purge.service';
import { VerificationService } from './verification.service';

@Module({
  imports: [WebModule, TypeOrmModule.forFeature([...RESIDENT_ENTITIES, ...RESIDENT_IMPORT_ENTITIES]), DiscoveryModule, AuthModule, ChannelsModule, GeographyModule],
  controllers: [ResidentsController, ResidentAuthController, MeController, ResidentsPagesController, WardMovesController],
  providers: [
    CampaignOfficerLinkService,
    AudienceCountsService,
    ResidentRepository,
    ResidentStandingService,
    ResidentDirectoryRepository,
    ResidentSeedRepository,
    ResidentFullSeedRepository,
    ResidentLinksService,
    ResidentPageRenderer,
    ResidentPageLanguage,
    PageExceptionFilter,
    ResidentNotifications,
    VerificationService,
    SignUpService,
    ResidentAccountService,
    UnsubscribeService,
    ResidentDirectoryService,
    ResidentDataExporterRegistry,
    ResidentSeedService,
    UnverifiedPurgeService,
    ResidentChannelRepository,
    ResidentChannelsService,
    ResidentReminderHandler,
    ResidentImportRepository,
    ResidentImportService,
    ResidentWardMoveService,
    ResidentWardRecheckHandler,
    InactiveResidentRetention,
    StaffResidentsService,
  ],
  exports: [CampaignOfficerLinkService, AudienceCountsService, ResidentPageLanguage, ResidentLinksService, ResidentSeedService, ResidentChannelsService, ResidentImportService, ResidentDirectoryService, StaffResidentsService],
})
export class ResidentsModule {}
