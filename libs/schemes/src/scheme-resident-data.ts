import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { SchemeResidentDataRepository } from './scheme-resident-data.repository';

/**
 * Scheme memberships, patrols and the patrol reports and cancellations they wrote, in the
 * resident's GDPR export. On erasure the resident leaves every scheme (and any coordinator role)
 * and future patrols; past patrols keep an anonymous volunteer row so the team's patrol history
 * stays whole; their words go (report observations emptied, cancellation reasons nulled), as a
 * reply's do, while the report row stays (the patrol was reported). Routes they planned stay:
 * the team's plan, not about the person.
 */
@ResidentDataExporterProvider()
@Injectable()
export class SchemeResidentData implements ResidentDataExporter {
  readonly section = 'schemes';
  constructor(private readonly data: SchemeResidentDataRepository) {}

  exportFor(residentId: string) {
    return this.data.exportFor(residentId);
  }

  eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    return this.data.eraseFor(residentId, tx);
  }
}
