import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { ChannelsModule } from '@beacon/channels';
import { ResidentsModule } from '@beacon/residents';
import { DeliveryResidentData } from './delivery-resident-data';
import { DeliveryRetention } from './delivery-retention';
import { DeliveryWorkerService } from './delivery-worker.service';
import { DeliveryRepository } from './delivery.repository';
import { MessageDraftService } from './message-drafts.service';
import { MessageLinksService } from './message-links.service';
import { MESSAGING_ENTITIES } from './message.entities';
import { MessageNotifications } from './message-notifications';
import { MessageRepository } from './message.repository';
import { MessageInsightsRegistry, MessageService } from './message.service';
import { MessagesController } from './messages.controller';
import { TwilioStatusController } from './twilio-status.controller';

@Module({
  imports: [TypeOrmModule.forFeature(MESSAGING_ENTITIES), AuthModule, ChannelsModule, ResidentsModule],
  controllers: [MessagesController, TwilioStatusController],
  providers: [DeliveryResidentData, MessageRepository, DeliveryRepository, MessageService, MessageDraftService, MessageNotifications, MessageLinksService, DeliveryWorkerService, MessageInsightsRegistry, DeliveryRetention],
  exports: [MessageService, MessageDraftService, MessageNotifications, MessageLinksService, MessageInsightsRegistry],
})
export class MessagingModule {}
