export * from './bids/bid-status';
export * from './funding.entities';
export * from './funding.module';
export * from './funds/funding.service';
export { NpuPositionDto, PositionFiguresDto } from './funding-response.dto';
