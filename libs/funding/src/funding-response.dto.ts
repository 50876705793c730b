import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '@beacon/core';
import { BID_STATUSES, type BidStatus } from './bids/bid-status';
import type { BidView, EvaluationView, PaymentView } from './bids/bid.repository';
import type { BidDetail } from './bids/bid.service';
import { APPLICANT_TYPES, BID_THEMES, EVALUATION_OUTCOMES, type ApplicantType, type BidTheme, type EvaluationOutcome } from './funding.entity';
import type { FundView } from './funds/fund.repository';
import type { PositionFigures, PositionReport } from './funds/funding.service';
import type { Funding } from './voting/fund-winners';
import type { RoundView } from './voting/voting.repository';
import type { VotingResults } from './voting/voting.service';

const pence = (description?: string) => ({ type: 'integer' as const, description: description ?? 'Pence' });
const FUNDING: Funding[] = ['fund', 'already_awarded', 'does_not_fit', 'not_eligible'];
const ROUND_STATES: RoundView['state'][] = ['scheduled', 'open', 'closed'];

export class FundViewDto implements FundView {
  @ApiProperty() npuCode: string;
  @ApiProperty({ example: '2019-20' }) financialYear: string;
  @ApiProperty(pence()) budgetPence: number;
  @ApiProperty(pence('Awarded to approved bids')) allocatedPence: number;
}

export class PositionFiguresDto implements PositionFigures {
  [key: string]: unknown;
  @ApiProperty(pence()) budgetPence: number;
  @ApiProperty(pence()) allocatedPence: number;
  @ApiProperty(pence()) spentPence: number;
  @ApiProperty(pence('budget − spent')) outstandingPence: number;
  @ApiProperty({ description: 'Whole percent of the budget' }) percentSpent: number;
  @ApiProperty({ description: 'Whole percent of the budget' }) percentAllocated: number;
  @ApiProperty({ description: 'Bids submitted by the as-at day and not yet decided or withdrawn' }) awaitingBids: number;
  @ApiProperty(pence('What the awaiting bids ask for')) awaitingPence: number;
  @ApiProperty({ description: 'Whole percent of the budget if every awaiting bid were approved in full' }) percentAllocatedIfApproved: number;
}

export class ThemePositionDto {
  @ApiProperty({ enum: BID_THEMES }) theme: string;
  @ApiProperty() approvedBids: number;
  @ApiProperty(pence()) allocatedPence: number;
  @ApiProperty() awaitingBids: number;
  @ApiProperty(pence('Requested')) awaitingPence: number;
}

export class NpuPositionDto extends PositionFiguresDto {
  @ApiProperty() npuCode: string;
}

export class PositionReportDto implements PositionReport {
  @ApiProperty({ format: 'date', description: 'Figures as at the end of this day (Europe/London); budgets are today\'s' }) asAt: string;
  @ApiProperty({ type: [NpuPositionDto] }) items: NpuPositionDto[];
  @ApiProperty({ type: PositionFiguresDto }) totals: PositionFiguresDto;
  @ApiProperty({ type: [ThemePositionDto] }) byTheme: ThemePositionDto[];
}

export class BidSubmittedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: BID_STATUSES }) status: BidStatus;
}

export class BidViewDto implements BidView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() npuCode: string;
  @ApiProperty({ example: '2019-20' }) financialYear: string;
  @ApiProperty() applicantName: string;
  @ApiProperty({ enum: APPLICANT_TYPES }) applicantType: ApplicantType;
  @ApiProperty({ description: 'Masked for analysts and cadet leaders' }) contactEmail: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ enum: BID_THEMES }) theme: BidTheme;
  @ApiProperty(pence()) amountRequestedPence: number;
  @ApiProperty({ type: 'integer' as const, nullable: true, description: 'Pence; null until approved' }) amountAwardedPence: number | null;
  @ApiProperty(pence()) paidPence: number;
  @ApiProperty({ enum: BID_STATUSES }) status: BidStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) alignedStaffId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedById: string | null;
  @ApiProperty({ type: Date, nullable: true }) decidedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) decisionReason: string | null;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
}

export class BidPageDto extends PageDto(BidViewDto) {}

export class PaymentViewDto implements PaymentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) bidId: string;
  @ApiProperty(pence()) amountPence: number;
  @ApiProperty({ format: 'date' }) paidOn: string;
  @ApiProperty({ format: 'uuid' }) recordedById: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: Date;
}

export class EvaluationViewDto implements EvaluationView {
  @ApiProperty({ format: 'uuid' }) bidId: string;
  @ApiProperty({ enum: EVALUATION_OUTCOMES }) outcome: EvaluationOutcome;
  @ApiProperty() notes: string;
  @ApiProperty({ format: 'uuid' }) evaluatedById: string;
  @ApiProperty({ format: 'date-time' }) evaluatedAt: Date;
}

export class BidDetailDto extends BidViewDto implements BidDetail {
  @ApiProperty({ type: [PaymentViewDto] }) payments: PaymentViewDto[];
  @ApiProperty({ type: EvaluationViewDto, nullable: true }) evaluation: EvaluationViewDto | null;
}

export class PaymentRecordedDto extends PaymentViewDto {
  @ApiProperty(pence('Total paid on the bid so far')) paidPence: number;
  @ApiProperty(pence()) amountAwardedPence: number;
}

export class EvaluationRecordedDto extends EvaluationViewDto {
  @ApiProperty({ enum: BID_STATUSES }) status: BidStatus;
}

export class RoundViewDto implements RoundView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() npuCode: string;
  @ApiProperty({ example: '2019-20' }) financialYear: string;
  @ApiProperty({ format: 'date-time' }) opensAt: Date;
  @ApiProperty({ format: 'date-time' }) closesAt: Date;
  @ApiProperty() maxVotesPerResident: number;
  @ApiProperty({ enum: ROUND_STATES, description: 'By the database clock' }) state: RoundView['state'];
}

export class RoundSetDto extends RoundViewDto {
  @ApiProperty({ type: [String], format: 'uuid' }) bidIds: string[];
}

export class BallotBidDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty({ enum: BID_THEMES }) theme: BidTheme;
  @ApiProperty(pence()) amountRequestedPence: number;
}

export class BallotDto extends RoundViewDto {
  @ApiProperty({ type: [BallotBidDto] }) bids: BallotBidDto[];
}

export class VotesCastDto {
  @ApiProperty({ type: [String], format: 'uuid' }) bidIds: string[];
}

export class RankedBidDto {
  @ApiProperty() rank: number;
  @ApiProperty({ format: 'uuid' }) bidId: string;
  @ApiProperty() title: string;
  @ApiProperty() applicantName: string;
  @ApiProperty(pence()) amountRequestedPence: number;
  @ApiProperty({ enum: BID_STATUSES }) status: BidStatus;
  @ApiProperty() votes: number;
  @ApiProperty({ enum: FUNDING, description: 'What "fund the winners while the money lasts" does with it' }) funding: Funding;
  @ApiProperty(pence('Money left after this bid')) remainingAfterPence: number;
}

export class VotingResultsDto implements VotingResults {
  @ApiProperty({ type: RoundViewDto }) round: RoundViewDto;
  @ApiProperty() ballots: number;
  @ApiProperty(pence('budget − allocated when the results were read')) availablePence: number;
  @ApiProperty({ type: [RankedBidDto] }) items: RankedBidDto[];
  @ApiProperty(pence()) fundedPence: number;
  @ApiProperty(pence()) leftoverPence: number;
}
