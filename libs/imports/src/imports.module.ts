import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { IMPORT_ENTITIES } from './import.entity';
import { ImportCommitJob } from './import-commit.job';
import { ImportHousekeepingJob } from './import-housekeeping.job';
import { ImportResidentData } from './import-resident-data';
import { ImportResidentDataRepository } from './import-resident-data.repository';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { SchemeStagingRepository } from './scheme-staging.repository';
import { StagingRepository } from './staging.repository';

@Module({
  imports: [TypeOrmModule.forFeature(IMPORT_ENTITIES), GeographyModule, ResidentsModule, SchemesModule],
  controllers: [ImportsController],
  providers: [ImportsRepository, StagingRepository, SchemeStagingRepository, ImportsService, ImportCommitJob, ImportHousekeepingJob, ImportResidentData, ImportResidentDataRepository],
  exports: [ImportsService],
})
export class ImportsModule {}
