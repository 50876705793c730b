export * from './geography.entity';
export * from './geography.module';
export * from './geography.service';
export type { WardView, ImportCounts } from './geography.repository';
