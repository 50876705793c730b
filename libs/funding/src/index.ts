export * from './bids/bid-status';
export * from './funding.entities';
export * from './funding.module';
export * from './funds/funding.service';
export type { FundView } from './funds/fund.repository';
export type { BidView } from './bids/bid.repository';
export { NpuPositionDto, PositionFiguresDto } from './funding-response.dto';
