import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { FundingModule } from '@beacon/funding';
import { REPORT_ENTITIES } from './population-share.entity';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportAggregatesService, ReportsSeedService, ReportsService, SimSectionRegistry } from './reports.service';

@Module({
  imports: [TypeOrmModule.forFeature(REPORT_ENTITIES), AuthModule, FundingModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService, ReportsSeedService, SimSectionRegistry, ReportAggregatesService],
  exports: [ReportsService, ReportsSeedService, SimSectionRegistry, ReportAggregatesService],
})
export class ReportsModule {}
