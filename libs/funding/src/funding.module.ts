import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule, NotificationService } from '@beacon/channels';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { WebModule } from '@beacon/web';
import { AcfPagesController } from './pages/acf-pages.controller';
import { BidDecisionService } from './bids/bid-decision.service';
import { BidController } from './bids/bid.controller';
import { BidRepository } from './bids/bid.repository';
import { BidService } from './bids/bid.service';
import { FUNDING_ENTITIES } from './funding.entity';
import { FundController } from './funds/fund.controller';
import { FundRepository } from './funds/fund.repository';
import { FundingDemoSeedService } from './funds/funding-demo-seed.service';
import { FundingService } from './funds/funding.service';
import { ApplicantNotifier } from './notifications/applicant-notifier';
import { ApplicantNotifications } from './notifications/applicant-notifications';
import { VotingController } from './voting/voting.controller';
import { VotingRepository } from './voting/voting.repository';
import { VotingResidentData } from './voting/voting-resident-data';
import { VotingResidentDataRepository } from './voting/voting-resident-data.repository';
import { VotingService } from './voting/voting.service';

@Module({
  imports: [TypeOrmModule.forFeature(FUNDING_ENTITIES), AuthModule, GeographyModule, ChannelsModule, ResidentsModule, WebModule],
  controllers: [FundController, BidController, VotingController, AcfPagesController],
  providers: [
    FundRepository,
    BidRepository,
    VotingRepository,
    FundingService,
    FundingDemoSeedService,
    BidService,
    BidDecisionService,
    VotingService,
    ApplicantNotifications,
    VotingResidentData,
    VotingResidentDataRepository,
    { provide: ApplicantNotifier, useExisting: NotificationService },
  ],
  // The console's pages call the bid and voting services as the API's controllers do.
  exports: [FundingService, FundingDemoSeedService, BidService, BidDecisionService, VotingService],
})
export class FundingModule {}
