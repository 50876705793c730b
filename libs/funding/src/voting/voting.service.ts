import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { badRequest, conflict, forbidden, notFound } from '@beacon/core';
import { OPEN_BID_STATUSES } from '../bids/bid-status';
import { FundRepository } from '../funds/fund.repository';
import { fundWhileMoneyLasts, type Funding } from './fund-winners';
import { VotingRepository, type RankedBid, type RoundView } from './voting.repository';

export interface RoundSettings {
  opensAt: Date;
  closesAt: Date;
  maxVotesPerResident: number;
  bidIds: string[];
}

export interface VotingResults {
  round: RoundView;
  ballots: number;
  /** budget − allocated when the results were read */
  availablePence: number;
  items: (RankedBid & { funding: Funding; remainingAfterPence: number })[];
  fundedPence: number;
  leftoverPence: number;
}

/** Participatory budgeting: residents of the NPU vote for up to K bids of the fund's ballot. */
@Injectable()
export class VotingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly voting: VotingRepository,
    private readonly funds: FundRepository,
  ) {}

  /** Creates or replaces the round until it opens; from then on its K and ballot are frozen (409). */
  async setRound(npuCode: string, financialYear: string, s: RoundSettings): Promise<RoundView & { bidIds: string[] }> {
    if (s.closesAt <= s.opensAt) throw badRequest('closesAt must be after opensAt');
    if (s.closesAt.getTime() <= Date.now()) throw badRequest('closesAt must be in the future');
    if (s.maxVotesPerResident > s.bidIds.length) throw badRequest('maxVotesPerResident must not exceed the number of bids on the ballot');
    if (!(await this.funds.find(npuCode, financialYear))) throw notFound(`Fund ${npuCode} ${financialYear}`);
    return this.db.transaction(async (tx) => {
      const existing = await this.voting.findRound(npuCode, financialYear, { manager: tx, forUpdate: true });
      if (existing && existing.state !== 'scheduled') throw conflict('Voting has opened: the round can no longer be changed');
      const bids = await this.voting.findBids(s.bidIds, tx);
      const foreign = s.bidIds.filter((id) => !bids.some((b) => b.id === id && b.npuCode === npuCode && b.financialYear === financialYear));
      if (foreign.length) throw badRequest(`Not bids of fund ${npuCode} ${financialYear}: ${foreign.join(', ')}`);
      const closed = bids.filter((b) => !OPEN_BID_STATUSES.includes(b.status));
      if (closed.length) throw conflict(`Only submitted or under-review bids can be voted on: ${closed.map((b) => `${b.id} is ${b.status}`).join(', ')}`);
      const round = await this.voting.upsertRound({ npuCode, financialYear, ...s }, tx);
      await this.voting.replaceBallotBids(round.id, s.bidIds, tx);
      return { ...round, bidIds: s.bidIds };
    });
  }

  /** What a resident sees before voting: dates, K and the bids (no applicant details). */
  async ballot(npuCode: string, financialYear: string) {
    const round = await this.findRound(npuCode, financialYear);
    const bids = await this.voting.listBallotBids(round.id);
    return {
      ...round,
      bids: bids.map((b) => ({ id: b.id, title: b.title, summary: b.summary, theme: b.theme, amountRequestedPence: b.amountRequestedPence })),
    };
  }

  /** The NPU whose rounds a resident votes in (null: not a verified, active resident). */
  async voterNpu(residentId: string): Promise<string | null> {
    const voter = await this.voting.findVoter(residentId);
    return voter?.status === 'active' ? voter.npuCode : null;
  }

  /** One ballot per resident: active residents of the NPU, while the round is open, up to K bids of the ballot. */
  async vote(residentId: string, npuCode: string, financialYear: string, bidIds: string[]): Promise<{ bidIds: string[] }> {
    const round = await this.findRound(npuCode, financialYear);
    const voter = await this.voting.findVoter(residentId);
    if (!voter || voter.status !== 'active') throw forbidden('Only verified residents can vote');
    if (voter.npuCode !== npuCode) throw forbidden(`Only residents of ${npuCode} can vote in this round`);
    if (round.state !== 'open') throw conflict(round.state === 'scheduled' ? 'Voting has not opened yet' : 'Voting has closed');
    if (bidIds.length > round.maxVotesPerResident) throw badRequest(`You can vote for at most ${round.maxVotesPerResident} bids`);
    const onBallot = new Set((await this.voting.listBallotBids(round.id)).map((b) => b.id));
    const notOnBallot = bidIds.filter((id) => !onBallot.has(id));
    if (notOnBallot.length) throw badRequest(`Not on this ballot: ${notOnBallot.join(', ')}`);
    const cast = await this.db.transaction((tx) => this.voting.insertBallot(round.id, residentId, bidIds, tx));
    if (!cast) throw conflict('You have already voted in this round');
    return { bidIds };
  }

  /** The ranking, and which bids the money would fund going down it (budget − allocated). */
  async results(npuCode: string, financialYear: string): Promise<VotingResults> {
    const round = await this.findRound(npuCode, financialYear);
    const [ranking, ballots, fund] = await Promise.all([
      this.voting.rank(round.id),
      this.voting.countBallots(round.id),
      this.funds.find(npuCode, financialYear),
    ]);
    if (!fund) throw notFound(`Fund ${npuCode} ${financialYear}`);
    const availablePence = fund.budgetPence - fund.allocatedPence;
    return { round, ballots, availablePence, ...fundWhileMoneyLasts(ranking, availablePence) };
  }

  private async findRound(npuCode: string, financialYear: string): Promise<RoundView> {
    const round = await this.voting.findRound(npuCode, financialYear);
    if (!round) throw notFound(`Voting round for ${npuCode} ${financialYear}`);
    return round;
  }
}
