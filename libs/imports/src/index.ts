export * from './import.entity';
export * from './imports.module';
export { ImportsService } from './imports.service';
export { ImportCommitJob } from './import-commit.job';
