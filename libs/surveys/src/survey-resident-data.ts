import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { ResponseRepository } from './response.repository';

/** Survey responses in the resident's GDPR export; on erasure the response stops naming them. */
@ResidentDataExporterProvider()
@Injectable()
export class SurveyResidentData implements ResidentDataExporter {
  readonly section = 'surveys';
  constructor(private readonly responses: ResponseRepository) {}
  exportFor(residentId: string) {
    return this.responses.exportFor(residentId);
  }
  eraseFor(residentId: string, tx: EntityManager) {
    return this.responses.eraseResident(residentId, tx);
  }
}
