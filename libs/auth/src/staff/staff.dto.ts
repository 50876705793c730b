import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { HasVisibleCharacter, STAFF_ROLES, type StaffRole } from '@beacon/core';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class LoginDto {
  @ApiProperty() @Transform(lower) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) password: string;
  @ApiPropertyOptional({ description: 'Second factor: the 6-digit authenticator code or a recovery code; required for accounts that need one' })
  @IsOptional() @IsString() @Matches(/^[0-9A-Za-z -]{6,20}$/) totp?: string;
}

export class CreateStaffDto {
  @ApiProperty() @Transform(lower) @IsEmail() @MaxLength(254) email: string;
  @HasVisibleCharacter()
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiProperty({ minLength: 12 }) @IsString() @MinLength(12) @MaxLength(200) password: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role: StaffRole;
  @ApiPropertyOptional({ description: 'NPU code; omit for force-wide' })
  @IsOptional() @IsString() @Matches(/^[A-Z]{2,8}$/) npuCode?: string;
}

export class StaffListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

export interface StaffView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  npuCode: string | null;
}

export class StaffViewDto implements StaffView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: STAFF_ROLES }) role: StaffRole;
  @ApiProperty({ type: String, nullable: true, description: 'null: force-wide' }) npuCode: string | null;
}

export class StaffLoginDto {
  @ApiProperty({ description: 'Bearer token for the Authorization header' }) accessToken: string;
  @ApiProperty({ type: StaffViewDto }) staff: StaffViewDto;
}
