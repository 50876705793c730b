import { DeliveryFeedbackService } from './sending/delivery-feedback';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { GeographyModule } from '@beacon/geography';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { WebModule } from '@beacon/web';
import { MessageAttachmentRepository } from './attachments/message-attachment.repository';
import { MessageAttachmentService } from './attachments/message-attachment.service';
import { MessageAttachmentsController } from './attachments/message-attachments.controller';
import { AudienceRepository } from './audience/audience.repository';
import { AudienceTargetsService } from './audience/audience-targets.service';
import { DeliveryHistoryRepository } from './delivery-history.repository';
import { DeliveryResidentData } from './delivery-resident-data';
import { DeliveryRetention } from './delivery-retention';
import { DeliveryRepository } from './delivery.repository';
import { MessageDemoSeedService } from './message-demo-seed.service';
import { CancelDeliveriesJob } from './cancel-deliveries.job';
import { FanOutJob } from './fan-out/fan-out.job';
import { FanOutRepository } from './fan-out/fan-out.repository';
import { MessageDraftService } from './message-drafts.service';
import { MessageInsightsRegistry } from './message-insights';
import { MessageLifecycleService } from './message-lifecycle.service';
import { MessageLinksService } from './message-links.service';
import { MESSAGING_ENTITIES } from './message.entity';
import { MessageNotifications } from './message-notifications';
import { MessageContextService } from './message-context';
import { MessageRepository } from './message.repository';
import { MessageService } from './message.service';
import { MessagesController } from './messages.controller';
import { BatchSenderDeps } from './sending/batch-sender';
import { ClaimRepository } from './sending/claim.repository';
import { DeliverySender } from './sending/delivery-sender';
import { OutcomeRepository } from './sending/outcome.repository';
import { SendProgressRepository } from './sending/send-progress.repository';
import { SendQueue } from './sending/send-queue';
import { SendJob } from './sending/send.job';
import { SweepJob } from './sending/sweep.job';
import { TwilioStatusController } from './twilio-status.controller';
import { TemplateRepository } from './templates/template.repository';
import { TemplateService } from './templates/template.service';
import { TemplatesController } from './templates/templates.controller';
import { WebVersionController } from './web-version/web-version.controller';
import { WebVersionService } from './web-version/web-version.service';

@Module({
  imports: [WebModule, TypeOrmModule.forFeature(MESSAGING_ENTITIES), DiscoveryModule, AuthModule, ChannelsModule, GeographyModule, ResidentsModule, SchemesModule],
  controllers: [MessagesController, MessageAttachmentsController, TemplatesController, WebVersionController, TwilioStatusController],
  providers: [
    // attachments/
    MessageAttachmentRepository,
    MessageAttachmentService,
    // audience/
    AudienceRepository,
    AudienceTargetsService,
    // fan-out/
    FanOutRepository,
    FanOutJob,
    CancelDeliveriesJob,
    // sending/
    ClaimRepository,
    OutcomeRepository,
    SendProgressRepository,
    SendQueue,
    DeliverySender,
    DeliveryFeedbackService,
    BatchSenderDeps,
    SendJob,
    SweepJob,
    // templates/
    TemplateRepository,
    TemplateService,
    // web-version/
    WebVersionService,
    // messages
    MessageContextService,
    MessageRepository,
    DeliveryRepository,
    MessageService,
    MessageLifecycleService,
    MessageDraftService,
    MessageNotifications,
    MessageLinksService,
    MessageInsightsRegistry,
    DeliveryHistoryRepository,
    DeliveryResidentData,
    MessageDemoSeedService,
    DeliveryRetention,
  ],
  exports: [MessageAttachmentService, DeliveryFeedbackService, TemplateService, MessageService, MessageLifecycleService, MessageDraftService, MessageNotifications, MessageLinksService, MessageInsightsRegistry, MessageDemoSeedService],
})
export class MessagingModule {}
