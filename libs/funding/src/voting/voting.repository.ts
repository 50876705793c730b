import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { BidTheme } from '../funding.entity';
import type { BidStatus } from '../bids/bid-status';
import { penceColumn } from '../money';

export interface RoundView {
  id: string;
  npuCode: string;
  financialYear: string;
  opensAt: Date;
  closesAt: Date;
  maxVotesPerResident: number;
  /** Judged by the database clock, like every other time rule. */
  state: 'scheduled' | 'open' | 'closed';
}

export interface BallotBid {
  id: string;
  npuCode: string;
  financialYear: string;
  status: BidStatus;
  title: string;
  summary: string;
  theme: BidTheme;
  amountRequestedPence: number;
}

export interface RankedBid {
  rank: number;
  bidId: string;
  title: string;
  applicantName: string;
  amountRequestedPence: number;
  status: BidStatus;
  votes: number;
}

export interface Voter {
  status: string;
  npuCode: string;
}

const ROUND_COLUMNS = `id, npu_code AS "npuCode", financial_year AS "financialYear", opens_at AS "opensAt", closes_at AS "closesAt",
  max_votes_per_resident AS "maxVotesPerResident",
  CASE WHEN now() < opens_at THEN 'scheduled' WHEN now() < closes_at THEN 'open' ELSE 'closed' END AS state`;

const BALLOT_BID_COLUMNS = `b.id, b.npu_code AS "npuCode", b.financial_year AS "financialYear", b.status, b.title, b.summary, b.theme,
  ${penceColumn('b.amount_requested_pence', 'amountRequestedPence')}`;

@Injectable()
export class VotingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** With `forUpdate`, holds the round until the transaction ends (settings changes queue up). */
  async findRound(npuCode: string, financialYear: string, opts: { manager?: EntityManager; forUpdate?: boolean } = {}): Promise<RoundView | null> {
    const rows = await (opts.manager ?? this.db.manager).query<RoundView[]>(
      `SELECT ${ROUND_COLUMNS} FROM voting_round WHERE npu_code = $1 AND financial_year = $2 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
      [npuCode, financialYear],
    );
    return rows[0] ?? null;
  }

  async upsertRound(
    r: { npuCode: string; financialYear: string; opensAt: Date; closesAt: Date; maxVotesPerResident: number },
    manager: EntityManager,
  ): Promise<RoundView> {
    const rows = await manager.query<RoundView[]>(
      `INSERT INTO voting_round (npu_code, financial_year, opens_at, closes_at, max_votes_per_resident) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT uq_voting_round_fund DO UPDATE SET opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at,
         max_votes_per_resident = EXCLUDED.max_votes_per_resident, updated_at = now()
       RETURNING ${ROUND_COLUMNS}`,
      [r.npuCode, r.financialYear, r.opensAt, r.closesAt, r.maxVotesPerResident],
    );
    return rows[0];
  }

  async replaceBallotBids(roundId: string, bidIds: string[], manager: EntityManager): Promise<void> {
    await manager.query<unknown>('DELETE FROM voting_round_bid WHERE round_id = $1', [roundId]);
    await manager.query<unknown>('INSERT INTO voting_round_bid (round_id, bid_id) SELECT $1, unnest($2::uuid[])', [roundId, bidIds]);
  }

  findBids(ids: string[], manager: EntityManager = this.db.manager): Promise<BallotBid[]> {
    return manager.query<BallotBid[]>(`SELECT ${BALLOT_BID_COLUMNS} FROM bid b WHERE b.id = ANY($1::uuid[])`, [ids]);
  }

  listBallotBids(roundId: string): Promise<BallotBid[]> {
    return this.db.query<BallotBid[]>(
      `SELECT ${BALLOT_BID_COLUMNS} FROM voting_round_bid rb JOIN bid b ON b.id = rb.bid_id WHERE rb.round_id = $1 ORDER BY b.created_at, b.id`,
      [roundId],
    );
  }

  /** The resident's status and the NPU of their ward. */
  async findVoter(residentId: string): Promise<Voter | null> {
    const rows = await this.db.query<Voter[]>(
      `SELECT r.status, w.npu_code AS "npuCode" FROM resident r JOIN ward w ON w.code = r.ward_code WHERE r.id = $1`,
      [residentId],
    );
    return rows[0] ?? null;
  }

  /** Casts the resident's one ballot of the round; false when they have already voted. */
  async insertBallot(roundId: string, residentId: string, bidIds: string[], manager: EntityManager): Promise<boolean> {
    const ballot = await manager.query<unknown[]>(
      'INSERT INTO voting_ballot (round_id, resident_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING round_id',
      [roundId, residentId],
    );
    if (!ballot.length) return false;
    await manager.query<unknown>('INSERT INTO bid_vote (bid_id, resident_id) SELECT unnest($1::uuid[]), $2', [bidIds, residentId]);
    return true;
  }

  async countBallots(roundId: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM voting_ballot WHERE round_id = $1', [roundId]);
    return row.n;
  }

  /** The ballot's bids by votes (ties share a rank); among equal votes the earlier bid comes first. */
  rank(roundId: string): Promise<RankedBid[]> {
    return this.db.query<RankedBid[]>(
      `SELECT (rank() OVER (ORDER BY count(v.resident_id) DESC))::int AS rank, b.id AS "bidId", b.title, b.applicant_name AS "applicantName",
              ${penceColumn('b.amount_requested_pence', 'amountRequestedPence')}, b.status, count(v.resident_id)::int AS votes
         FROM voting_round_bid rb
         JOIN bid b ON b.id = rb.bid_id
         LEFT JOIN bid_vote v ON v.bid_id = b.id
        WHERE rb.round_id = $1
        GROUP BY b.id
        ORDER BY votes DESC, b.created_at, b.id`,
      [roundId],
    );
  }
}
