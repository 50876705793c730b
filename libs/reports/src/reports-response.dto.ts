import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CadetReportDto } from '@beacon/cadets';
import { NpuPositionDto, PositionFiguresDto, ThemePositionDto } from '@beacon/funding';
import { SchemeReportDto } from '@beacon/schemes';
import { ConfidenceFigureDto, ConfidenceTrendDto } from '@beacon/surveys';
import type { ShareImportCounts } from './population-share.service';
import type { AssistedOfficerRow, AssistedTeamRow, AttributionRow, MessageQualityRow, RatingFigures, ReachRow, SignupRow } from './reports.repository';
import type { RepresentationRow } from './reports.service';
import { QPR_FIGURES, type QprFigure, type QprFigureName, type QprPack } from './qpr.service';
import type { Quarter } from './quarter';

const nullableNumber = (description?: string) => ({ type: Number, nullable: true, description });

export class SignupRowDto implements SignupRow {
  @ApiProperty({ description: 'NPU or ward code (groupBy)' }) group: string;
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty() newSignups: number;
  @ApiProperty() leavers: number;
  @ApiProperty() net: number;
  @ApiProperty() cumulative: number;
}

export class ReachRowDto implements ReachRow {
  @ApiProperty() wardCode: string;
  @ApiProperty() wardName: string;
  @ApiProperty() npuCode: string;
  @ApiProperty() neighbourhood: string;
  @ApiProperty() population: number;
  @ApiProperty() subscribers: number;
  @ApiProperty(nullableNumber('Subscribers per 1,000 residents; null with no population')) per1000: number | null;
}

export class RepresentationRowDto implements RepresentationRow {
  @ApiProperty({ enum: ['age_band', 'ethnicity'] }) dimension: string;
  @ApiProperty() category: string;
  @ApiProperty() subscribers: number;
  @ApiProperty(nullableNumber('Census share')) populationSharePercent: number | null;
  @ApiProperty(nullableNumber('Share among subscribers who stated a value')) subscriberSharePercent: number | null;
  @ApiProperty(nullableNumber('Subscriber share minus population share, in percentage points (negative: under-represented)')) gapPoints: number | null;
}

export class AttributionRowDto implements AttributionRow {
  @ApiProperty() source: string;
  @ApiProperty() campaignCode: string;
  @ApiProperty() signups: number;
}

export class AssistedOfficerRowDto implements AssistedOfficerRow {
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty() officerName: string;
  @ApiProperty({ description: 'Verified sign-ups the officer took in the range' }) signups: number;
  @ApiProperty() doorKnock: number;
  @ApiProperty() street: number;
  @ApiProperty() event: number;
  @ApiProperty() other: number;
}

export class AssistedTeamRowDto implements AssistedTeamRow {
  @ApiProperty({ format: 'uuid', description: "The neighbourhood of the residents' wards" }) team: string;
  @ApiProperty() teamName: string;
  @ApiProperty() npuCode: string;
  @ApiProperty() signups: number;
  @ApiProperty({ description: 'Staff members who took them' }) officers: number;
}

export class AssistedReportDto {
  @ApiProperty({ example: 'BE' }) npuCode: string;
  @ApiProperty({ example: '2019-09' }) from: string;
  @ApiProperty({ example: '2019-09' }) to: string;
  @ApiProperty({ type: [AssistedOfficerRowDto] }) byOfficer: AssistedOfficerRowDto[];
  @ApiProperty({ type: [AssistedTeamRowDto] }) byTeam: AssistedTeamRowDto[];
}

export class MessageQualityRowDto implements MessageQualityRow {
  @ApiProperty({ description: 'NPU code or author id (groupBy)' }) group: string;
  @ApiProperty() groupName: string;
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty() sent: number;
  @ApiProperty() recipients: number;
  @ApiProperty(nullableNumber('null when nothing was rated')) averageRating: number | null;
  @ApiProperty() ratings: number;
  @ApiProperty() replies: number;
}

export class RatingFiguresDto implements RatingFigures {
  @ApiProperty() messages: number;
  @ApiProperty() ratings: number;
  @ApiProperty(nullableNumber('Mean score 1–6, 2 decimals; null when nothing was rated')) averageRating: number | null;
}

export class RatingsPairDto {
  @ApiProperty({ type: RatingFiguresDto }) inRange: RatingFiguresDto;
  @ApiProperty({ type: RatingFiguresDto }) sinceLaunch: RatingFiguresDto;
}

export class RatingSummaryDto {
  @ApiProperty({ description: 'NPU code, or FORCE' }) npuCode: string;
  @ApiProperty({ example: '2019-04' }) from: string;
  @ApiProperty({ example: '2020-03' }) to: string;
  @ApiProperty({ type: RatingFiguresDto, description: 'Messages sent in the range' }) inRange: RatingFiguresDto;
  @ApiProperty({ type: RatingFiguresDto, description: 'Every message sent up to the end of the range' }) sinceLaunch: RatingFiguresDto;
  @ApiProperty({ type: [MessageQualityRowDto], description: 'Per team (neighbourhood) and month' }) byTeam: MessageQualityRowDto[];
}

export class AcfReportDto {
  @ApiProperty({ example: '2026-27' }) financialYear: string;
  @ApiProperty({ format: 'date', description: 'As at the end of this day: the month\'s last day, or today' }) asAt: string;
  @ApiProperty({ type: [NpuPositionDto] }) items: NpuPositionDto[];
  @ApiPropertyOptional({ type: PositionFiguresDto, description: 'Force-wide reports only' }) totals?: PositionFiguresDto;
  @ApiProperty({ type: [ThemePositionDto] }) byTheme: ThemePositionDto[];
}

export class SimSignupsDto {
  @ApiProperty({ type: [SignupRowDto], description: 'The last 12 months, per NPU' }) growth: SignupRowDto[];
  @ApiProperty({ type: [SignupRowDto], description: 'The last 12 months as one series: the whole force (FORCE) or the NPU' }) total: SignupRowDto[];
  @ApiProperty({ type: [SignupRowDto], description: 'The month, by ward' }) byWard: SignupRowDto[];
}

export class LanguageRecipientsDto {
  @ApiProperty({ example: 'ur', description: 'ISO 639-1 code of the language the message was received in (en: English, the message itself)' }) language: string;
  @ApiProperty({ description: 'Residents sent the month\'s messages in this language, once per message' }) recipients: number;
}

export class SimMessagesDto {
  @ApiProperty({ type: [MessageQualityRowDto], description: 'The last 12 months' }) byMonth: MessageQualityRowDto[];
  @ApiProperty({ type: [MessageQualityRowDto], description: 'The month, by author' }) byAuthor: MessageQualityRowDto[];
  @ApiProperty({ type: [LanguageRecipientsDto], description: 'The month\'s recipients by the language they got the message in (a translation into theirs, English otherwise), most first' }) byLanguage: LanguageRecipientsDto[];
}

/** The monthly Service Improvement Meeting pack for one NPU (or FORCE). */
export class ReplicaStalenessDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Primary time of the newest heartbeat the read replica holds: figures include everything committed before it (null: none has arrived yet)' }) asOf: Date | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Whole seconds since asOf: at most the replica lag plus REPLICA_HEARTBEAT_SECONDS' }) seconds: number | null;
}

export class SimPackDto {
  @ApiProperty({ description: 'NPU code, or FORCE' }) npuCode: string;
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty({ format: 'date', description: 'Stocks (schemes, cadets, ACF, reach, representation) as at the end of this day: the month\'s last, or today' }) asAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the sign-up and subscriber aggregates were last refreshed' }) lastRefreshedAt: Date | null;
  @ApiProperty({ type: ReplicaStalenessDto, nullable: true, description: 'How stale the figures may be, when they are read from the read replica (REPORTS_DATABASE_URL); null: read from the primary, live' }) staleness: ReplicaStalenessDto | null;
  @ApiProperty({ type: SimSignupsDto }) signups: SimSignupsDto;
  @ApiProperty({ type: [ReachRowDto] }) reach: ReachRowDto[];
  @ApiProperty({ type: [RepresentationRowDto] }) representation: RepresentationRowDto[];
  @ApiProperty({ type: [AttributionRowDto] }) attribution: AttributionRowDto[];
  @ApiProperty({ type: SimMessagesDto }) messages: SimMessagesDto;
  @ApiProperty({ type: RatingsPairDto, description: 'Average rating of the month\'s messages, and since launch' }) ratings: RatingsPairDto;
  @ApiProperty({ type: AcfReportDto }) acf: AcfReportDto;
  @ApiProperty({ type: SchemeReportDto }) schemes: SchemeReportDto;
  @ApiProperty({ type: CadetReportDto }) cadets: CadetReportDto;
  @ApiProperty({ type: ConfidenceFigureDto }) confidence: ConfidenceFigureDto;
  @ApiProperty({ type: ConfidenceTrendDto, description: 'The confidence figure per month over the 12 months to the month, for the pack\'s area (the NPU, or the force)' })
  confidenceTrend: ConfidenceTrendDto;
}

export class ShareImportDto implements ShareImportCounts {
  @ApiProperty({ description: '(area, dimension) sets replaced' }) sets: number;
  @ApiProperty() rows: number;
}

export class QuarterDto implements Quarter {
  @ApiProperty({ example: '2026-Q3' }) quarter: string;
  @ApiProperty({ example: '2026-07' }) from: string;
  @ApiProperty({ example: '2026-09' }) to: string;
  @ApiProperty({ format: 'date', description: 'Stocks as at the end of this day' }) asAt: string;
}

export class QprPeriodsDto {
  @ApiProperty({ type: QuarterDto }) current: QuarterDto;
  @ApiProperty({ type: QuarterDto }) previousQuarter: QuarterDto;
  @ApiProperty({ type: QuarterDto }) sameQuarterLastYear: QuarterDto;
}

export class QprFigureDto implements QprFigure {
  [key: string]: unknown;
  @ApiProperty({ enum: QPR_FIGURES }) figure: QprFigureName;
  @ApiProperty(nullableNumber()) current: number | null;
  @ApiProperty(nullableNumber()) previousQuarter: number | null;
  @ApiProperty(nullableNumber()) sameQuarterLastYear: number | null;
  @ApiProperty(nullableNumber('The target in force at the end of the quarter (scheme/member targets, ACF budget); null when none')) target: number | null;
  @ApiProperty(nullableNumber('current − target')) againstTarget: number | null;
  @ApiProperty(nullableNumber('Whole percent of target')) percentOfTarget: number | null;
}

/** The quarterly performance review pack. */
export class QprPackDto implements QprPack {
  @ApiProperty({ description: 'NPU code, or FORCE' }) npuCode: string;
  @ApiProperty({ example: '2026-Q3' }) quarter: string;
  @ApiProperty({ type: QprPeriodsDto }) periods: QprPeriodsDto;
  @ApiProperty({ type: [QprFigureDto] }) figures: QprFigureDto[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the sign-up aggregates were last refreshed' }) lastRefreshedAt: Date | null;
}
