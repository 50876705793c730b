import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AreaRepository } from './area.repository';
import { AreaService } from './area.service';
import { AreasController } from './areas.controller';
import { GeographyController } from './geography.controller';
import { GEOGRAPHY_ENTITIES } from './geography.entity';
import { GeographyRepository } from './geography.repository';
import { GeographyService } from './geography.service';
import { OnsImportService } from './ons-import.service';
import { OnsRepository } from './ons.repository';
import { PostcodeDirectoryService } from './postcode-directory.service';
import { PostcodeRepository } from './postcode.repository';
import { PostcodesController } from './postcodes.controller';

@Module({
  imports: [TypeOrmModule.forFeature(GEOGRAPHY_ENTITIES)],
  controllers: [GeographyController, PostcodesController, AreasController],
  providers: [AreaRepository, AreaService, GeographyRepository, GeographyService, OnsRepository, OnsImportService, PostcodeRepository, PostcodeDirectoryService],
  exports: [GeographyService, PostcodeDirectoryService, OnsImportService],
})
export class GeographyModule {}
