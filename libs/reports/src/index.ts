export * from './population-share.entity';
export * from './reports.module';
export * from './reports.service';
