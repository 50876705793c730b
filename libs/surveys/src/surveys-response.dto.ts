import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MessageDto } from '@beacon/messaging';
import type { ConfidenceFigure, ConfidenceTrend, GroupResult, OptionCount, QuestionResult, SurveyResults, WeightingInfo } from './results.service';
import { SURVEY_STATUSES, type SurveyStatus } from './survey.entity';
const nullableInt = (description?: string) => ({ type: Number, nullable: true, description });

export class SurveyStatusDto {
  @ApiProperty({ enum: SURVEY_STATUSES }) status: SurveyStatus;
}

/** The draft message that carries the survey (send it through /api/v1/messages/{id}/send): messaging's own message shape. */
export class SurveyMessageDto extends MessageDto {}

export class OptionCountDto implements OptionCount {
  @ApiProperty() value: string;
  @ApiProperty() label: string;
  @ApiProperty(nullableInt('null when suppressed')) count: number | null;
  @ApiProperty(nullableInt('null when suppressed')) percent: number | null;
  @ApiPropertyOptional(nullableInt('With weighted=true: the share weighted to the population')) weightedPercent?: number | null;
}

export class GroupResultDto implements GroupResult {
  @ApiProperty() group: string;
  @ApiProperty(nullableInt('null when suppressed')) base: number | null;
  @ApiProperty() suppressed: boolean;
  @ApiProperty({ type: [OptionCountDto] }) options: OptionCountDto[];
}

export class WeightingInfoDto implements WeightingInfo {
  @ApiProperty({ enum: ['raking', 'post-stratification'] }) method: 'raking' | 'post-stratification';
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The area whose census shares were used, per dimension' }) areas: Record<string, string>;
  @ApiProperty({ description: 'Respondents the weighted figures rest on' }) unweightedBase: number;
}

export class BreakdownsDto {
  @ApiProperty({ type: [GroupResultDto] }) npu: GroupResultDto[];
  @ApiProperty({ type: [GroupResultDto] }) ward: GroupResultDto[];
  @ApiProperty({ type: [GroupResultDto] }) ageBand: GroupResultDto[];
  @ApiProperty({ type: [GroupResultDto] }) ethnicity: GroupResultDto[];
}

export class PublicAnswersDto {
  @ApiProperty(nullableInt()) base: number | null;
  @ApiProperty() suppressed: boolean;
  @ApiProperty({ enum: [true] }) unweighted: true;
  @ApiProperty({ type: [OptionCountDto] }) options: OptionCountDto[];
}

export class QuestionResultDto implements QuestionResult {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() position: number;
  @ApiProperty() kind: string;
  @ApiProperty() text: string;
  @ApiProperty(nullableInt('null when suppressed')) base: number | null;
  @ApiProperty() suppressed: boolean;
  @ApiProperty({ type: [OptionCountDto] }) options: OptionCountDto[];
  @ApiPropertyOptional(nullableInt('Scale questions: mean of the answers')) mean?: number | null;
  @ApiPropertyOptional({ type: WeightingInfoDto, nullable: true }) weighting?: WeightingInfoDto | null;
  @ApiProperty({ type: BreakdownsDto }) breakdowns: BreakdownsDto;
  @ApiPropertyOptional({ type: PublicAnswersDto, description: 'The anonymous public link: counted apart, never weighted' }) public?: PublicAnswersDto;
  @ApiPropertyOptional({ type: [String], description: 'Free-text answers, contacts masked' }) freeText?: string[];
}

export class TallyFilterDto {
  @ApiPropertyOptional() npuCode?: string;
  @ApiPropertyOptional() wardCode?: string;
}

export class SurveyResultsDto implements SurveyResults {
  @ApiProperty({ format: 'uuid' }) surveyId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: SURVEY_STATUSES }) status: string;
  @ApiProperty({ type: String, nullable: true }) npuCode: string | null;
  @ApiProperty({ type: TallyFilterDto }) filter: TallyFilterDto;
  @ApiProperty({ description: 'Groups under this many respondents are suppressed' }) minCell: number;
  @ApiProperty({ type: [QuestionResultDto] }) questions: QuestionResultDto[];
}

export class ConfidenceFigureDto implements ConfidenceFigure {
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty({ description: 'NPU code, or FORCE' }) areaCode: string;
  @ApiProperty() question: string;
  @ApiProperty(nullableInt('Respondents to the headline confidence question in surveys open during the month')) base: number | null;
  @ApiProperty() suppressed: boolean;
  @ApiProperty(nullableInt('"Very" or "fairly" confident, unweighted')) confidentPercent: number | null;
  @ApiProperty(nullableInt('The same, weighted to the population')) weightedConfidentPercent: number | null;
}

export class ConfidenceTrendDto implements ConfidenceTrend {
  @ApiProperty({ description: 'NPU code, or FORCE' }) areaCode: string;
  @ApiProperty({ type: [ConfidenceFigureDto], description: 'One figure per month, oldest first' }) months: ConfidenceFigureDto[];
}
