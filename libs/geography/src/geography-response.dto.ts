import { ApiProperty } from '@nestjs/swagger';
import type { ImportCounts, WardView } from './geography.repository';

export class NpuDto {
  @ApiProperty({ example: 'BE' }) code: string;
  @ApiProperty({ example: 'Birmingham East' }) name: string;
}

export class WardDto implements Omit<WardView, 'neighbourhoodId'> {
  @ApiProperty({ example: 'BE01' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'BE' }) npuCode: string;
  @ApiProperty({ description: 'Name of the neighbourhood the ward belongs to' }) neighbourhood: string;
  @ApiProperty({ description: 'Residents of the ward (census)' }) population: number;
}

export class NeighbourhoodDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'BE' }) npuCode: string;
}

export class GeographyImportDto implements ImportCounts {
  @ApiProperty() rows: number;
  @ApiProperty() npusCreated: number;
  @ApiProperty() neighbourhoodsCreated: number;
  @ApiProperty() wardsCreated: number;
  @ApiProperty() wardsUpdated: number;
  @ApiProperty({ description: 'Wards moved to another NPU by this import (only with moveWards=true)' }) wardsMoved: number;
}
