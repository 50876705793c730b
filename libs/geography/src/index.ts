export * from './geography.entity';
export * from './geography.module';
export * from './geography.service';
export type { WardView, WardFilter, ImportCounts } from './geography.repository';
export * from './postcode-format';
export * from './postcode-directory.service';
export type { PostcodeView, PostcodeCentroid } from './postcode.repository';
export * from './ons-import.service';
export type { AreaView, AreaWards } from './area.repository';
