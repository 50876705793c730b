// The public face of libs/messaging: what other libs, apps, tests and scripts use.
export { receivedLanguage, renderSms, textToHtml } from './message-content';
export { MessageDraftService } from './message-drafts.service';
export { MAX_IMAGES, MAX_PDFS, MAX_UPLOAD_BYTES } from './attachments/attachment-content';
export { ATTACHMENT_UPLOAD, altOf } from './attachments/message-attachments.controller';
export { MessageAttachmentService, type UploadedAttachment } from './attachments/message-attachment.service';
export { AudienceDto, CreateMessageDto, MESSAGE_CATEGORIES, NEAR_METRES } from './message.dto';
export { MessageDto } from './message-response.dto';
export { TemplateService } from './templates/template.service';
export { MessageInsightsProvider, type MessageInsights } from './message-insights';
export { MessageLifecycleService } from './message-lifecycle.service';
export { DeliveryFeedbackService, type FeedbackDelivery, type FeedbackResult } from './sending/delivery-feedback';
export { deliveryIdFromRatingToken, MessageLinksService, type InboundAddressPurpose, readSurveyToken, signSurveyToken } from './message-links.service';
export { DELIVERY_STATUSES, MESSAGE_STATUSES, MESSAGING_ENTITIES, MessageEntity, type MessageStatus } from './message.entity';
export { MessageService } from './message.service';
export { MessagingModule } from './messaging.module';
export { MessageDemoSeedService } from './message-demo-seed.service';
export { DeliveryRepository } from './delivery.repository';
