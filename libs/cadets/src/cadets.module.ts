import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GeographyModule } from '@beacon/geography';
import { CADET_ENTITIES } from './cadet.entity';
import { CadetDemoSeedService } from './cadet-demo-seed.service';
import { CadetReportService } from './cadet-report.service';
import { CadetsController } from './cadets.controller';
import { CadetsRepository } from './cadets.repository';
import { CadetsService } from './cadets.service';

@Module({
  imports: [TypeOrmModule.forFeature(CADET_ENTITIES), GeographyModule],
  controllers: [CadetsController],
  providers: [CadetsRepository, CadetsService, CadetReportService, CadetDemoSeedService],
  exports: [CadetsService, CadetReportService, CadetDemoSeedService],
})
export class CadetsModule {}
