import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { ResidentDataExporterProvider, ResidentDataExporterRegistry, type ResidentDataExporter } from './resident-data-exporter';

@Injectable()
@ResidentDataExporterProvider()
class DeliveriesExporter implements ResidentDataExporter {
  readonly section = 'deliveries';
  async exportFor(residentId: string) {
    return [{ residentId, messageId: 'm1' }];
  }
}

@Injectable()
class NotAnExporter {
  readonly section = 'nope';
  async exportFor() {
    return [];
  }
}

@Module({ imports: [DiscoveryModule], providers: [ResidentDataExporterRegistry, DeliveriesExporter, NotAnExporter] })
class TestModule {}

describe('ResidentDataExporterRegistry', () => {
  it('finds the providers marked @ResidentDataExporterProvider(), and only those', async () => {
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    try {
      const found = app.get(ResidentDataExporterRegistry).exporters();
      expect(found.map((e) => e.section)).toEqual(['deliveries']);
      expect(await found[0].exportFor('r1')).toEqual([{ residentId: 'r1', messageId: 'm1' }]);
    } finally {
      await app.close();
    }
  });
});
