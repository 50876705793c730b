export * from './import.entity';
export * from './imports.module';
export { ImportCommitJob } from './import-commit.job';
export { IMPORT_ROLES } from './imports.controller';
export { ImportsService, REPORT_LIMIT, type ImportReport } from './imports.service';
