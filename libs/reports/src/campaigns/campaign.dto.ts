import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { HasVisibleCharacter, IsCalendarDay } from '@beacon/core';
import { ReportFormatDto } from '@beacon/web';
import { CAMPAIGN_TACTICS, type CampaignTactic } from './campaign.entity';

export class CampaignAreaDto {
  @ApiProperty({ example: 'BE01' }) @IsString() @Matches(/^[A-Za-z0-9_-]{2,16}$/, { message: 'wardCode must be a ward code' }) wardCode: string;
  @ApiPropertyOptional({ description: 'Households in the ward (or the part of it worked), for sign-ups per 1,000 households' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000) households?: number;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'OP-WHOLESTONE', description: 'The campaign code residents sign up with (?campaign= on the sign-up page)' })
  @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, { message: 'code must be 1-40 letters, digits, - or _' }) code: string;
  @ApiProperty({ example: 'Op Wholestone' }) @IsString() @HasVisibleCharacter() @MaxLength(120) name: string;
  @ApiPropertyOptional({ example: 'BE', description: 'The NPU it runs in; omitted: a force-wide campaign (force-wide staff only)' })
  @IsOptional() @Matches(/^[A-Z]{2,8}$/) npuCode?: string;
  @ApiProperty({ enum: CAMPAIGN_TACTICS, description: 'The tactic its link or code is handed out with' }) @IsIn(CAMPAIGN_TACTICS) tactic: CampaignTactic;
  @ApiProperty({ example: '2019-10-01' }) @IsCalendarDay() startsOn: string;
  @ApiProperty({ example: '2019-10-31' }) @IsCalendarDay() endsOn: string;
  @ApiProperty({ type: [CampaignAreaDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => CampaignAreaDto) targetWards: CampaignAreaDto[];
  @ApiPropertyOptional({ type: [CampaignAreaDto], description: 'Comparable wards the campaign did not work' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => CampaignAreaDto) controlWards?: CampaignAreaDto[];
}

export class CampaignCodeParamDto {
  @ApiProperty({ example: 'OP-WHOLESTONE' }) @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, { message: 'code must be a campaign code' }) code: string;
}

export class CampaignCreatedDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
}

export class CampaignWardFiguresDto {
  @ApiProperty() wardCode: string;
  @ApiProperty() wardName: string;
  @ApiProperty({ type: Number, nullable: true }) households: number | null;
  @ApiProperty() population: number;
  @ApiProperty({ description: 'Verified sign-ups in the ward during the campaign' }) signups: number;
}

export class CampaignGroupFiguresDto {
  @ApiProperty({ type: [CampaignWardFiguresDto] }) wards: CampaignWardFiguresDto[];
  @ApiProperty() signups: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null unless every ward has a household count' }) households: number | null;
  @ApiProperty() population: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Sign-ups per 1,000 households, 1 decimal' }) per1000Households: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Sign-ups per 1,000 residents, 1 decimal' }) per1000Residents: number | null;
}

export class CampaignTacticRowDto {
  @ApiProperty({ description: 'door_knock, street, event, social_media, online, other or unknown' }) tactic: string;
  @ApiProperty() target: number;
  @ApiProperty() control: number;
}

export class CampaignOfficerFiguresDto {
  @ApiProperty({ description: 'The staff member who assisted (for machines; the CSV for people leaves it out)' }) staffId: string;
  @ApiProperty() officerName: string;
  @ApiProperty({ description: 'Verified sign-ups they assisted that belong to the campaign (in its wards during it, or with its code)' }) signups: number;
  @ApiProperty({ description: 'Of them, in the target wards during the campaign' }) target: number;
  @ApiProperty({ description: 'Of them, in the control wards during the campaign' }) control: number;
  @ApiProperty({ description: "Of them, with the campaign's code (their own link), during it or after" }) withCode: number;
}

export class CampaignTeamFiguresDto {
  @ApiProperty({ description: "The neighbourhood (team) of the resident's ward" }) team: string;
  @ApiProperty() teamName: string;
  @ApiProperty() signups: number;
  @ApiProperty() target: number;
  @ApiProperty() control: number;
  @ApiProperty() withCode: number;
  @ApiProperty({ description: 'Staff members who assisted them' }) officers: number;
}

export class CampaignOfficerLinkDto {
  @ApiProperty() code: string;
  @ApiProperty({ description: "The signed `officer` parameter: the signed-in officer's own, bound to this campaign" }) officer: string;
  @ApiProperty({ description: 'The sign-up link to hand out (and put in a QR code)' }) url: string;
}

export class CampaignReportQueryDto extends ReportFormatDto {}

export class CampaignReportDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) npuCode: string | null;
  @ApiProperty({ enum: CAMPAIGN_TACTICS }) tactic: string;
  @ApiProperty() startsOn: string;
  @ApiProperty() endsOn: string;
  @ApiProperty({ type: CampaignGroupFiguresDto }) target: CampaignGroupFiguresDto;
  @ApiProperty({ type: CampaignGroupFiguresDto, nullable: true }) control: CampaignGroupFiguresDto | null;
  @ApiProperty({ type: String, nullable: true, enum: ['households', 'residents'], description: 'What the ratio divides by' }) ratioBasis: 'households' | 'residents' | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Target rate ÷ control rate, 1 decimal (the "nine-fold increase")' }) ratio: number | null;
  @ApiProperty({ type: [CampaignTacticRowDto] }) byTactic: CampaignTacticRowDto[];
  @ApiProperty({ type: [CampaignOfficerFiguresDto], description: 'Sign-ups staff assisted, per officer (wards of the campaign’s NPU)' }) byOfficer: CampaignOfficerFiguresDto[];
  @ApiProperty({ type: [CampaignTeamFiguresDto], description: 'The same per team' }) byTeam: CampaignTeamFiguresDto[];
  @ApiProperty({ description: 'Sign-ups anywhere with the campaign code during it' }) codeSignupsDuring: number;
  @ApiProperty({ description: 'Sign-ups anywhere with the campaign code after it ended' }) codeSignupsAfter: number;
}
