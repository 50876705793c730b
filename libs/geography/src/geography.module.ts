import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GeographyController } from './geography.controller';
import { GEOGRAPHY_ENTITIES } from './geography.entity';
import { GeographyRepository } from './geography.repository';
import { GeographyService } from './geography.service';

@Module({
  imports: [TypeOrmModule.forFeature(GEOGRAPHY_ENTITIES)],
  controllers: [GeographyController],
  providers: [GeographyRepository, GeographyService],
  exports: [GeographyService],
})
export class GeographyModule {}
