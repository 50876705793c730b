export * from './geography.entities';
export * from './geography.module';
export * from './geography.service';
export type { WardView, WardFilter, ImportCounts } from './geography.repository';
