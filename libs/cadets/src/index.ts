export * from './cadet.entity';
export * from './cadets.module';
export * from './cadets.service';
export * from './cadet-report.service';
export { CadetReportDto } from './cadets-response.dto';
export { CadetDemoSeedService } from './cadet-demo-seed.service';
