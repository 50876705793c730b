export * from './import.entities';
export * from './imports.module';
export { ImportsService, type ImportReport } from './imports.service';
export { ImportCommitJob } from './import-commit.job';
export { loadMappings, type ImportMapping } from './mapping';
