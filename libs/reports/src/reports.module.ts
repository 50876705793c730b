import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { CadetsModule } from '@beacon/cadets';
import { FundingModule } from '@beacon/funding';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { SurveysModule } from '@beacon/surveys';
import { CampaignController } from './campaigns/campaign.controller';
import { CampaignRepository } from './campaigns/campaign.repository';
import { CampaignService } from './campaigns/campaign.service';
import { PopulationShareController } from './population-share.controller';
import { PopulationShareService } from './population-share.service';
import { REPORT_ENTITIES } from './population-share.entity';
import { QprService } from './qpr.service';
import { ReportStalenessInterceptor } from './report-staleness.interceptor';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportAggregatesService, ReportsSeedService, ReportsService } from './reports.service';

@Module({
  imports: [TypeOrmModule.forFeature(REPORT_ENTITIES), AuthModule, GeographyModule, ResidentsModule, FundingModule, SchemesModule, CadetsModule, SurveysModule],
  controllers: [ReportsController, PopulationShareController, CampaignController],
  providers: [ReportStalenessInterceptor, ReportsRepository, ReportsService, QprService, ReportsSeedService, ReportAggregatesService, PopulationShareService, CampaignRepository, CampaignService],
  exports: [CampaignService, ReportsService, ReportsSeedService, ReportAggregatesService, PopulationShareService],
})
export class ReportsModule {}
