export * from './scheme.entity';
export * from './schemes.module';
export * from './schemes.service';
export * from './scheme-report.service';
export type { SchemeScope, SchemeType } from './schemes.repository';
export { SchemeReportDto } from './schemes-response.dto';
export { SchemeDemoSeedService } from './scheme-demo-seed.service';
export { SchemeImportService, type SchemeImportResult, type StagedSchemeMembers } from './scheme-import.service';
