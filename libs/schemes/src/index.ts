export * from './scheme.entity';
export * from './schemes.module';
export * from './schemes.service';
export * from './scheme-report.service';
export type { SchemeScope, SchemeType } from './schemes.repository';
export { SchemeReportDto } from './schemes-response.dto';
export { SchemeDemoSeedService } from './scheme-demo-seed.service';
export { PatrolsService, MAX_PATROL_HOURS, type PatrolView } from './patrols.service';
export type { SchemeTarget } from './scheme-report.repository';
