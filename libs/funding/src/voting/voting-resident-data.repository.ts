import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The SQL of this lib's part of a resident's GDPR export; what it keeps and why is said on the exporter (voting-resident-data.ts), which delegates here. */
@Injectable()
export class VotingResidentDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async exportFor(residentId: string): Promise<unknown> {
    const ballots = await this.db.query<{ npuCode: string; financialYear: string; castAt: Date }[]>(
      `SELECT r.npu_code AS "npuCode", r.financial_year AS "financialYear", b.cast_at AS "castAt"
         FROM voting_ballot b JOIN voting_round r ON r.id = b.round_id WHERE b.resident_id = $1 ORDER BY b.cast_at`,
      [residentId],
    );
    const votes = await this.db.query<{ bidId: string; title: string; createdAt: Date }[]>(
      `SELECT v.bid_id AS "bidId", b.title, v.created_at AS "createdAt" FROM bid_vote v JOIN bid b ON b.id = v.bid_id WHERE v.resident_id = $1 ORDER BY v.created_at, v.bid_id`,
      [residentId],
    );
    return { ballots, votes };
  }
}
