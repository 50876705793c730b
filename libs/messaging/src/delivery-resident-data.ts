import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { DeliveryHistoryRepository, type DeliveryHistoryRow } from './delivery-history.repository';

/**
 * The messages sent to a resident, for their GDPR export. On erasure the delivery rows stay
 * (message figures do not move) but `last_error` is cleared: a bounce or provider error quotes
 * the address it was sent to.
 */
@ResidentDataExporterProvider()
@Injectable()
export class DeliveryResidentData implements ResidentDataExporter {
  readonly section = 'messages';
  constructor(private readonly history: DeliveryHistoryRepository) {}

  exportFor(residentId: string): Promise<DeliveryHistoryRow[]> {
    return this.history.findForResident(residentId);
  }

  eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    return this.history.clearErrorsOf(residentId, tx);
  }
}
