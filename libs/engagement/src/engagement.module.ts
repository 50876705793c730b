import { WebModule } from '@beacon/web';
import { ReplyRetention } from './reply-retention';
import { RatingPages } from './rating-pages';
import { RatingPageExceptionFilter, ReplyFormExceptionFilter } from './rating-page.filter';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { MessagingModule } from '@beacon/messaging';
import { ResidentsModule } from '@beacon/residents';
import { EngagementErasure } from './engagement-erasure.service';
import { EngagementExporter } from './engagement-export.service';
import { EngagementResidentData } from './engagement-resident-data';
import { EngagementInsights } from './engagement-insights.service';
import { ENGAGEMENT_ENTITIES } from './engagement.entity';
import { InboxController } from './inbox.controller';
import { InboxService } from './inbox.service';
import { RatingLinkService } from './rating-link.service';
import { RatingPageController } from './rating-page.controller';
import { RatingRepository } from './rating.repository';
import { RatingService } from './rating.service';
import { RecipientRepository } from './recipient.repository';
import { ReplyRepository } from './reply.repository';
import { ReplyService } from './reply.service';
import { ResidentArchiveController } from './resident-archive.controller';
import { ResidentArchiveService } from './resident-archive.service';
import { ResidentEngagementController } from './resident-engagement.controller';
import { ResidentEngagementService } from './resident-engagement.service';
import { ResponseNotifications } from './response-notifications';
import { EngagementDemoSeedService } from './engagement-demo-seed.service';
import { SmsInboundService } from './sms-inbound.service';
import { TwilioInboundController } from './twilio-inbound.controller';
import { InboundEmailProcessor } from './inbound-email/inbound-email.job';
import { InboundEmailRepository } from './inbound-email/inbound-email.repository';
import { InboundEmailRetention } from './inbound-email/inbound-email-retention';
import { InboundEmailService } from './inbound-email/inbound-email.service';
import { InboundEmailWebhookController } from './inbound-email/inbound-webhook.controller';
import { ReplyAttachmentRepository } from './reply-attachments/reply-attachment.repository';
import { ReplyAttachmentService } from './reply-attachments/reply-attachment.service';

@Module({
  imports: [WebModule, TypeOrmModule.forFeature(ENGAGEMENT_ENTITIES), AuthModule, ChannelsModule, MessagingModule, ResidentsModule],
  controllers: [RatingPageController, ResidentArchiveController, ResidentEngagementController, InboxController, TwilioInboundController, InboundEmailWebhookController],
  providers: [
    RatingPages,
    RatingPageExceptionFilter,
    ReplyFormExceptionFilter,
    EngagementResidentData,
    RatingRepository,
    ReplyRepository,
    RecipientRepository,
    RatingService,
    ReplyService,
    RatingLinkService,
    ResidentEngagementService,
    ResidentArchiveService,
    SmsInboundService,
    InboxService,
    ResponseNotifications,
    EngagementInsights,
    EngagementExporter,
    EngagementErasure,
    EngagementDemoSeedService,
    ReplyRetention,
    InboundEmailRepository,
    InboundEmailService,
    InboundEmailProcessor,
    InboundEmailRetention,
    ReplyAttachmentRepository,
    ReplyAttachmentService,
  ],
  exports: [EngagementExporter, EngagementErasure, InboxService, RatingService, EngagementDemoSeedService, InboundEmailService],
})
export class EngagementModule {}
