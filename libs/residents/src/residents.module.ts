import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RESIDENT_ENTITIES } from './resident.entities';

@Module({
  imports: [TypeOrmModule.forFeature(RESIDENT_ENTITIES)],
})
export class ResidentsModule {}
