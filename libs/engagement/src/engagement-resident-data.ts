import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { EngagementErasure } from './engagement-erasure.service';
import { EngagementExporter } from './engagement-export.service';

/** Ratings and replies in the resident's GDPR export, and anonymised on erasure. */
@ResidentDataExporterProvider()
@Injectable()
export class EngagementResidentData implements ResidentDataExporter {
  readonly section = 'engagement';
  constructor(
    private readonly exporter: EngagementExporter,
    private readonly erasure: EngagementErasure,
  ) {}
  exportFor(residentId: string) {
    return this.exporter.forResident(residentId);
  }
  eraseFor(residentId: string, tx: EntityManager) {
    return this.erasure.eraseResident(residentId, tx);
  }
}
