export * from './cadet.entities';
export * from './cadets.module';
export * from './cadets.service';
export * from './cadet-report.service';
export type { CadetMemberDetail, CadetMemberRecord, CadetSessionRecord, CadetUnitRecord } from './cadets.repository';
export { CadetReportDto } from './cadets-response.dto';
