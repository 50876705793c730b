import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { PageI18n } from '@beacon/web';
import { ResidentRepository } from '../resident.repository';

/**
 * A page reached from a resident's token is in the resident's stored language (libs/web
 * `PageI18n` resolves it with `?lang=`, the cookie and Accept-Language). Other libs' resident
 * pages (rating, survey, archive, schemes, ballot) call `use` with the token's resident.
 */
@Injectable()
export class ResidentPageLanguage {
  constructor(
    private readonly residents: ResidentRepository,
    private readonly i18n: PageI18n,
  ) {}

  async use(res: Response, residentId: string): Promise<void> {
    this.useStored(res, await this.residents.languageOf(residentId));
  }

  /** When the caller has already read the resident's language. */
  useStored(res: Response, language: string | null | undefined): void {
    this.i18n.useResidentLanguage(res, language);
  }
}
