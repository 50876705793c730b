export * from './bids/bid-status';
export * from './funding.entity';
export * from './funding.module';
export * from './funds/funding.service';
export { NpuPositionDto, PositionFiguresDto, ThemePositionDto } from './funding-response.dto';
export { FundingDemoSeedService, financialYearOf } from './funds/funding-demo-seed.service';
