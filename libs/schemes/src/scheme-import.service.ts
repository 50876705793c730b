import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SchemeImportRepository, type StagedSchemeMembers } from './scheme-import.repository';

export type { StagedSchemeMembers } from './scheme-import.repository';

export interface SchemeImportResult {
  schemesCreated: number;
  membersAdded: number;
  coordinatorsSet: number;
}

/**
 * Writes an import's staged schemes and members (for `libs/imports`), in the caller's
 * transaction. Members consented on the platform the force left: they are added with that
 * consent recorded (`consent = 'imported'`, the source system and date, `import:<id>`), not
 * sent an invitation. Applying the same lines again adds nothing.
 */
@Injectable()
export class SchemeImportService {
  constructor(private readonly repo: SchemeImportRepository) {}

  /** Call before classifying the lines in the commit's transaction (see `lockNamed`). */
  lockSchemes(src: StagedSchemeMembers, tx: EntityManager): Promise<void> {
    return this.repo.lockNamed(src, tx);
  }

  async apply(src: StagedSchemeMembers, tx: EntityManager): Promise<SchemeImportResult> {
    const schemesCreated = await this.repo.insertSchemes(src, tx);
    const membersAdded = await this.repo.insertMembers(src, tx);
    const coordinatorsSet = await this.repo.setCoordinators(src, tx);
    return { schemesCreated, membersAdded, coordinatorsSet };
  }
}
