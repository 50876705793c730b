import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';

/**
 * The resident's participatory-budgeting ballots and votes, for their GDPR export. Ballots and
 * votes hold no personal data beyond the resident id (the resident row is blanked on erasure),
 * so erasure keeps them: results and turnout do not move.
 */
@ResidentDataExporterProvider()
@Injectable()
export class VotingResidentData implements ResidentDataExporter {
  readonly section = 'voting';
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
