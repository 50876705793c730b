import { Injectable } from '@nestjs/common';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { VotingResidentDataRepository } from './voting-resident-data.repository';

/**
 * The resident's participatory-budgeting ballots and votes, for their GDPR export. Ballots and
 * votes hold no personal data beyond the resident id (the resident row is blanked on erasure),
 * so erasure keeps them: results and turnout do not move.
 */
@ResidentDataExporterProvider()
@Injectable()
export class VotingResidentData implements ResidentDataExporter {
  readonly section = 'voting';
  constructor(private readonly data: VotingResidentDataRepository) {}

  exportFor(residentId: string) {
    return this.data.exportFor(residentId);
  }
}
