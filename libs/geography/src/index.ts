export * from './geography.entities';
export * from './geography.module';
export * from './geography.service';
export type { WardView, ImportCounts } from './geography.repository';
