export * from './scheme.entities';
export * from './schemes.module';
export * from './schemes.service';
export * from './patrols.service';
export * from './scheme-report.service';
export type { SchemeScope, SchemeType } from './schemes.repository';
export type { SchemeTarget } from './scheme-report.repository';
export { SchemeReportDto } from './schemes-response.dto';
