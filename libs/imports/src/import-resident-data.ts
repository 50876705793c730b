import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ResidentDataExporterProvider, type ResidentDataExporter } from '@beacon/residents';
import { ImportResidentDataRepository } from './import-resident-data.repository';

/**
 * Staged lines of an import not yet committed that matched the resident (resident lines and
 * scheme-member lines): in their export while
 * they exist (at most 7 days), and deleted by their erasure, so a pending commit cannot bring
 * back what they asked to have removed.
 */
@ResidentDataExporterProvider()
@Injectable()
export class ImportResidentData implements ResidentDataExporter {
  readonly section = 'pendingImports';
  constructor(private readonly data: ImportResidentDataRepository) {}

  exportFor(residentId: string) {
    return this.data.exportFor(residentId);
  }

  eraseFor(residentId: string, tx: EntityManager): Promise<void> {
    return this.data.eraseFor(residentId, tx);
  }
}
