import { StaffEntity } from '@beacon/auth';
import { NpuEntity } from '@beacon/geography';
import { ResidentEntity } from '@beacon/residents';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { BID_STATUSES, type BidStatus } from './bids/bid-status';
import { PENCE } from './money';

export const APPLICANT_TYPES = ['group', 'individual'] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];
export const BID_THEMES = ['youth_violence', 'community_cohesion', 'crime_prevention', 'other'] as const;
export type BidTheme = (typeof BID_THEMES)[number];
export const EVALUATION_OUTCOMES = ['achieved', 'partly_achieved', 'not_achieved'] as const;
export type EvaluationOutcome = (typeof EVALUATION_OUTCOMES)[number];

/** One NPU's Active Citizens Fund for one financial year ('2019-20'). */
@Entity('fund')
@Check('ck_fund_budget', 'budget_pence >= 0')
@Check('ck_fund_allocated', 'allocated_pence >= 0 AND allocated_pence <= budget_pence')
export class FundEntity {
  @PrimaryColumn({ type: 'varchar', length: 8 }) npuCode: string;
  @ManyToOne(() => NpuEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'npu_code', referencedColumnName: 'code' })
  npu?: Relation<NpuEntity>;
  @PrimaryColumn({ type: 'varchar', length: 7 }) financialYear: string;
  @Column({ type: 'bigint', transformer: PENCE }) budgetPence: number;
  /** Sum of the awards of approved and completed bids, kept in step inside each approval transaction. */
  @Column({ type: 'bigint', default: 0, transformer: PENCE }) allocatedPence: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** An application for money from a fund. */
@Entity('bid')
@Index('idx_bid_fund_status', ['npuCode', 'financialYear', 'status'])
@Index('idx_bid_npu_created', ['npuCode', 'createdAt', 'id'])
@Index('idx_bid_created', ['createdAt', 'id'])
@Index('idx_bid_aligned_staff', ['alignedStaffId'], { where: 'aligned_staff_id IS NOT NULL' })
@Check('ck_bid_status', `status IN (${BID_STATUSES.map((s) => `'${s}'`).join(', ')})`)
@Check('ck_bid_requested', 'amount_requested_pence > 0')
@Check('ck_bid_awarded', 'amount_awarded_pence IS NULL OR (amount_awarded_pence > 0 AND amount_awarded_pence <= amount_requested_pence)')
@Check('ck_bid_paid', 'paid_pence >= 0 AND paid_pence <= COALESCE(amount_awarded_pence, 0)')
export class BidEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @Column({ type: 'varchar', length: 7 }) financialYear: string;
  @ManyToOne(() => FundEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'npu_code', referencedColumnName: 'npuCode' },
    { name: 'financial_year', referencedColumnName: 'financialYear' },
  ])
  fund?: Relation<FundEntity>;
  @Column({ type: 'varchar', length: 120 }) applicantName: string;
  @Column({ type: 'varchar', length: 12 }) applicantType: ApplicantType;
  @Column({ type: 'varchar', length: 254 }) contactEmail: string;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 5000 }) summary: string;
  @Column({ type: 'varchar', length: 30 }) theme: BidTheme;
  @Column({ type: 'bigint', transformer: PENCE }) amountRequestedPence: number;
  @Column({ type: 'bigint', nullable: true, transformer: PENCE }) amountAwardedPence: number | null;
  /** Sum of this bid's payments, kept in step by the payment transaction (never above the award). */
  @Column({ type: 'bigint', default: 0, transformer: PENCE }) paidPence: number;
  @Column({ type: 'varchar', length: 16, default: 'submitted' }) status: BidStatus;
  /** The staff member of the bid's NPU who looks after it. */
  @Column({ type: 'uuid', nullable: true }) alignedStaffId: string | null;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'aligned_staff_id' })
  alignedStaff?: Relation<StaffEntity>;
  @Column({ type: 'uuid', nullable: true }) decidedById: string | null;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: Relation<StaffEntity>;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) decisionReason: string | null;
  /** When the applicant withdrew it (as-at reports: no longer awaiting a decision from then). */
  @Column({ type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** Money paid out against an approved bid. */
@Entity('bid_payment')
@Index('idx_bid_payment_bid', ['bidId', 'paidOn'])
@Check('ck_bid_payment_amount', 'amount_pence > 0')
export class BidPaymentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) bidId: string;
  @ManyToOne(() => BidEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Relation<BidEntity>;
  @Column({ type: 'bigint', transformer: PENCE }) amountPence: number;
  @Column({ type: 'date' }) paidOn: string;
  @Column({ type: 'uuid' }) recordedById: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id' })
  recordedBy?: Relation<StaffEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** The end-of-project evaluation; recording it completes the bid. */
@Entity('bid_evaluation')
export class BidEvaluationEntity {
  @PrimaryColumn({ type: 'uuid' }) bidId: string;
  @ManyToOne(() => BidEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Relation<BidEntity>;
  @Column({ type: 'varchar', length: 20 }) outcome: EvaluationOutcome;
  @Column({ type: 'varchar', length: 5000 }) notes: string;
  @Column({ type: 'uuid' }) evaluatedById: string;
  @ManyToOne(() => StaffEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'evaluated_by_id' })
  evaluatedBy?: Relation<StaffEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Participatory budgeting: one voting round per fund; settings freeze when it opens. */
@Entity('voting_round')
@Unique('uq_voting_round_fund', ['npuCode', 'financialYear'])
@Check('ck_voting_round_dates', 'closes_at > opens_at')
@Check('ck_voting_round_max_votes', 'max_votes_per_resident >= 1')
export class VotingRoundEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @Column({ type: 'varchar', length: 7 }) financialYear: string;
  @ManyToOne(() => FundEntity, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'npu_code', referencedColumnName: 'npuCode' },
    { name: 'financial_year', referencedColumnName: 'financialYear' },
  ])
  fund?: Relation<FundEntity>;
  @Column({ type: 'timestamptz' }) opensAt: Date;
  @Column({ type: 'timestamptz' }) closesAt: Date;
  @Column({ type: 'smallint' }) maxVotesPerResident: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** A bid on a round's ballot. */
@Entity('voting_round_bid')
@Index('idx_voting_round_bid_bid', ['bidId'])
export class VotingRoundBidEntity {
  @PrimaryColumn({ type: 'uuid' }) roundId: string;
  @ManyToOne(() => VotingRoundEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: Relation<VotingRoundEntity>;
  @PrimaryColumn({ type: 'uuid' }) bidId: string;
  @ManyToOne(() => BidEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Relation<BidEntity>;
}

/** One ballot per resident per round: the primary key is what stops a second ballot, even in parallel. */
@Entity('voting_ballot')
export class VotingBallotEntity {
  @PrimaryColumn({ type: 'uuid' }) roundId: string;
  @ManyToOne(() => VotingRoundEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'round_id' })
  round?: Relation<VotingRoundEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) castAt: Date;
}

/** A resident's vote for one bid (part of their ballot). */
@Entity('bid_vote')
export class BidVoteEntity {
  @PrimaryColumn({ type: 'uuid' }) bidId: string;
  @ManyToOne(() => BidEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bid_id' })
  bid?: Relation<BidEntity>;
  @PrimaryColumn({ type: 'uuid' }) residentId: string;
  @ManyToOne(() => ResidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resident_id' })
  resident?: Relation<ResidentEntity>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * Every budget a fund has had and when it was set (a trigger on `fund` writes it, whatever the
 * write path), so the position as at a past day shows the budget that applied then.
 */
@Entity('fund_budget_change')
@Index('idx_fund_budget_change_fund', ['npuCode', 'financialYear', 'changedAt'])
export class FundBudgetChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'varchar', length: 8 }) npuCode: string;
  @Column({ type: 'varchar', length: 7 }) financialYear: string;
  @Column({ type: 'bigint', transformer: PENCE }) budgetPence: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) changedAt: Date;
}

export const FUNDING_ENTITIES = [
  FundEntity,
  FundBudgetChangeEntity,
  BidEntity,
  BidPaymentEntity,
  BidEvaluationEntity,
  VotingRoundEntity,
  VotingRoundBidEntity,
  VotingBallotEntity,
  BidVoteEntity,
];
