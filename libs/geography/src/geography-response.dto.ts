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

export class OnsLookupImportDto {
  @ApiProperty({ description: 'Data lines read' }) rows: number;
  @ApiProperty({ description: 'The lookup year, from the column prefix (WD24CD → 2024)' }) year: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'Beacon wards whose name changed to the ONS name' }) wardsRenamed: number;
}

export class PopulationsImportDto {
  @ApiProperty({ description: 'Data lines read' }) rows: number;
  @ApiProperty() wardsUpdated: number;
  @ApiProperty({ description: 'Wards of the ONS lookup outside the force' }) skipped: number;
}

export class PostcodeImportDto {
  @ApiProperty({ description: 'Data lines read (every postcode of the file)' }) rows: number;
  @ApiProperty({ description: "Postcodes of the force's wards kept" }) kept: number;
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'Postcodes no longer in the force, removed' }) removed: number;
  @ApiProperty({ description: 'Terminated postcodes (kept, marked)' }) terminated: number;
}
