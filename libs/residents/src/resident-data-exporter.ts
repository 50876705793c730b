import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

/**
 * Extension point for GDPR export and erasure. A lib that holds data about residents
 * (deliveries, ratings, replies, scheme memberships…) provides a class implementing this
 * interface and marks it @ResidentDataExporterProvider(): its section appears in
 * GET /api/v1/me/export, and its erase() runs inside the erasure transaction.
 */
export interface ResidentDataExporter {
  /** Key of the section in the export, e.g. "deliveries". */
  readonly section: string;
  /** Everything this lib holds about the resident, as JSON-serialisable data. */
  exportFor(residentId: string): Promise<unknown>;
  /** Delete or anonymise this lib's personal data about the resident, in the given transaction. */
  eraseFor?(residentId: string, tx: EntityManager): Promise<void>;
}

/** Marks a provider as a ResidentDataExporter (found at run time through Nest discovery). */
export const ResidentDataExporterProvider = DiscoveryService.createDecorator<void>();

/** Finds every ResidentDataExporter in the application. */
@Injectable()
export class ResidentDataExporterRegistry {
  private found?: ResidentDataExporter[];

  constructor(private readonly discovery: DiscoveryService) {}

  exporters(): ResidentDataExporter[] {
    if (!this.found) {
      const all = this.discovery
        .getProviders({ metadataKey: ResidentDataExporterProvider.KEY })
        .map((w) => w.instance as ResidentDataExporter | undefined)
        .filter((x): x is ResidentDataExporter => !!x && typeof x.exportFor === 'function');
      const seen = new Set<string>();
      for (const e of all) {
        if (seen.has(e.section)) throw new Error(`Two ResidentDataExporters for section "${e.section}"`);
        seen.add(e.section);
      }
      this.found = all;
    }
    return this.found;
  }
}
