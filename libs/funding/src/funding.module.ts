import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { GeographyModule } from '@beacon/geography';
import { BidDecisionService } from './bids/bid-decision.service';
import { BidController } from './bids/bid.controller';
import { BidRepository } from './bids/bid.repository';
import { BidService } from './bids/bid.service';
import { FUNDING_ENTITIES } from './funding.entities';
import { FundController } from './funds/fund.controller';
import { FundRepository } from './funds/fund.repository';
import { FundingService } from './funds/funding.service';
import { ApplicantNotifier, AuditLogApplicantNotifier } from './notifications/applicant-notifier';
import { VotingController } from './voting/voting.controller';
import { VotingRepository } from './voting/voting.repository';
import { VotingService } from './voting/voting.service';

@Module({
  imports: [TypeOrmModule.forFeature(FUNDING_ENTITIES), AuthModule, GeographyModule],
  controllers: [FundController, BidController, VotingController],
  providers: [
    FundRepository,
    BidRepository,
    VotingRepository,
    FundingService,
    BidService,
    BidDecisionService,
    VotingService,
    // Until @beacon/channels lands: `{ provide: ApplicantNotifier, useExisting: NotificationService }` (and import ChannelsModule).
    { provide: ApplicantNotifier, useClass: AuditLogApplicantNotifier },
  ],
  exports: [FundingService],
})
export class FundingModule {}
