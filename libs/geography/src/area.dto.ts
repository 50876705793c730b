import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { AREA_KINDS, type AreaKind } from './geography.entity';
import type { AreaView, AreaWards } from './area.repository';

export class CreateAreaDto {
  @ApiProperty({ example: 'Hodge Hill Impact Area' }) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiProperty({ enum: AREA_KINDS }) @IsIn(AREA_KINDS) kind: AreaKind;
  @ApiProperty({ example: 'BE' }) @Matches(/^[A-Z]{2,8}$/) npuCode: string;
  @ApiPropertyOptional({ example: ['BE01'] })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @Matches(/^[A-Za-z0-9_-]{2,16}$/, { each: true })
  wardCodes?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  neighbourhoodIds?: string[];
}

/** Every field optional; a list given replaces the area's list. The NPU does not change. */
export class UpdateAreaDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ enum: AREA_KINDS }) @IsOptional() @IsIn(AREA_KINDS) kind?: AreaKind;
  @ApiPropertyOptional({ example: ['BE01'] })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @ArrayUnique() @Matches(/^[A-Za-z0-9_-]{2,16}$/, { each: true })
  wardCodes?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true })
  neighbourhoodIds?: string[];
}

export class AreaListQueryDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

export class AreaDto implements AreaView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: AREA_KINDS }) kind: AreaKind;
  @ApiProperty({ example: 'BE' }) npuCode: string;
  @ApiProperty({ type: [String], description: 'Wards named directly' }) wardCodes: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Neighbourhoods named (all their wards belong to the area)' }) neighbourhoodIds: string[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class AreaWardsDto implements AreaWards {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() npuCode: string;
  @ApiProperty({ type: [String] }) wardCodes: string[];
}
