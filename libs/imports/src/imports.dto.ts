import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class ImportUploadQueryDto {
  @ApiPropertyOptional({ example: 'wmnow', description: 'Column mapping of the source system (a file in libs/imports/src/mappings); default beacon' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'mapping must be 1-40 of a-z 0-9 _ -' })
  mapping?: string;
}

export class ImportIdParams {
  @ApiProperty() @IsUUID() id: string;
}

export class CommitImportDto {
  @ApiPropertyOptional({ default: false, description: 'Resident imports: a welcome message to each new resident with a verified address (explains the move, links to their preferences)' })
  @IsOptional()
  @IsBoolean()
  welcome?: boolean;
}

export class SchemeCountsDto {
  @ApiProperty({ description: 'Schemes the commit creates' }) new: number;
  @ApiProperty({ description: 'Schemes already in Beacon the accepted lines add members to' }) existing: number;
}

export class RowErrorDto {
  @ApiProperty() line: number;
  @ApiProperty() reason: string;
}

export class RowMatchDto {
  @ApiProperty() line: number;
  @ApiProperty() residentId: string;
  @ApiProperty({ enum: ['email', 'phone', 'both'] }) by: string;
  @ApiProperty({ type: [String], description: "Fields where Beacon's value is kept over a different imported one" }) kept: string[];
  @ApiProperty({ type: [String], description: 'Fields the import fills or moves earlier' }) filled: string[];
}

export class ImportReportDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['residents', 'schemes'] }) kind: string;
  @ApiProperty({ enum: ['dry_run', 'committing', 'committed', 'failed'] }) status: string;
  @ApiProperty() mapping: string;
  @ApiProperty() rows: number;
  @ApiProperty({ description: 'Lines that will be (or were) applied: new + matched' }) accepted: number;
  @ApiProperty() rejected: number;
  @ApiProperty() duplicates: number;
  @ApiProperty() matched: number;
  @ApiProperty() new: number;
  @ApiProperty({ type: [RowErrorDto], description: 'Rejected and duplicate lines (first 1000; all in rejected.csv)' }) errors: RowErrorDto[];
  @ApiPropertyOptional({ type: [RowMatchDto], description: 'Dry run: matched lines and which side wins (first 1000)' }) matches?: RowMatchDto[];
  @ApiPropertyOptional({ type: SchemeCountsDto, description: 'Scheme dry run: schemes created and existing' }) schemes?: SchemeCountsDto;
  @ApiPropertyOptional({ type: Object, nullable: true, description: 'After the commit: residents {created, updated, verificationsSent, welcomesSent}; schemes {schemesCreated, membersAdded, coordinatorsSet}' }) result: Record<string, number> | null;
  @ApiPropertyOptional({ type: String, nullable: true }) error: string | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ type: Date, nullable: true }) committedAt: Date | null;
}

export class CommitAcceptedDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['committing'] }) status: string;
}
