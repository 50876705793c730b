import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { PRIORITIES } from '@beacon/residents';
import { MESSAGE_CATEGORIES } from './message.dto';
import { MESSAGE_STATUSES, type MessageStatus } from './message.entity';
import { MessageAttachmentDto } from './attachments/message-attachment.dto';

// What the messaging routes answer, for /docs-json. Services return objects of these shapes.

export class AudienceSpecDto {
  @ApiPropertyOptional({ type: [String] }) npuCodes?: string[];
  @ApiPropertyOptional({ type: [String] }) neighbourhoodIds?: string[];
  @ApiPropertyOptional({ type: [String] }) wardCodes?: string[];
  @ApiPropertyOptional({ type: [String] }) areaIds?: string[];
  @ApiPropertyOptional({ type: [String] }) topics?: string[];
  @ApiPropertyOptional({ type: [String] }) interestGroups?: string[];
  @ApiPropertyOptional({ type: [String] }) schemeIds?: string[];
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ type: String, nullable: true, description: 'The one NPU every target lies in; null = several NPUs or force-wide' }) npuCode: string | null;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: MESSAGE_CATEGORIES }) category: string;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty({ type: [String], example: ['email', 'sms'] }) channels: string[];
  @ApiProperty({ type: AudienceSpecDto }) audience: AudienceSpecDto;
  @ApiProperty({ type: [String], description: 'Wards the audience resolved to at compose (empty = no geographic limit)' }) wardCodes: string[];
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: MessageStatus;
  @ApiProperty({ type: Date, nullable: true }) scheduledAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) sendRequestedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) sentAt: Date | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Set when the fan-out has finished' }) recipientCount: number | null;
  @ApiProperty({ type: String, nullable: true }) approvedBy: string | null;
  @ApiProperty({ type: Date, nullable: true }) approvedAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) pausedReason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) surveyId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The template it was composed from' }) templateId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } } }, example: { ur: { title: '…', body: '…' } }, description: 'Translations by language code' })
  translations: Record<string, { title: string; body: string }>;
  @ApiProperty({ type: Date, nullable: true, description: 'Withdrawn: its web version says so' }) withdrawnAt: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) withdrawnBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] }) items: MessageDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) nextCursor: string | null;
}

/** Deliveries by outcome (a message's, or one channel's). */
export class ProgressCountsDto {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Queued or being sent' }) queued: number;
  @ApiProperty() sent: number;
  @ApiProperty() delivered: number;
  @ApiProperty({ description: 'Failed or bounced' }) failed: number;
  @ApiProperty() cancelled: number;
  @ApiProperty({ description: 'Sent to the provider, no answer in time: may have gone out; never resent' }) unknown: number;
  @ApiProperty({ description: 'Bounced (refused at send time, or a bounce report after): part of failed' }) bounced: number;
  @ApiProperty({ description: 'Reported as spam by the resident (feedback-loop reports); they are unsubscribed from e-mail' }) complained: number;
}

export class MessageProgressDto extends ProgressCountsDto {
  // ProgressCountsDto is registered with @ApiExtraModels on MessagesController.
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(ProgressCountsDto) }, description: 'Per channel' })
  byChannel: Record<string, ProgressCountsDto>;
}

export class MessageDetailDto extends MessageDto {
  @ApiProperty({ type: MessageProgressDto }) progress: MessageProgressDto;
  @ApiProperty({ type: [MessageAttachmentDto], description: 'Images and PDFs, in the order they were added (POST /messages/{id}/attachments)' }) attachments: MessageAttachmentDto[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { en: 950, ur: 40 }, description: 'Recipients by the language they received (a translation, else en)' })
  recipientsByLanguage: Record<string, number>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Ratings summary (libs/engagement, a message insight)' }) rating?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Replies to the message (libs/engagement, a message insight)' }) replyCount?: number;
}

export class ChannelCountsDto {
  @ApiProperty() email: number;
  @ApiProperty() sms: number;
}

export class AudienceCountsDto {
  @ApiProperty({ description: 'Distinct residents' }) total: number;
  @ApiProperty({ type: ChannelCountsDto, description: 'Deliveries per channel (0 for a channel the message does not use)' }) byChannel: ChannelCountsDto;
}

export class EmailPreviewDto {
  @ApiProperty() subject: string;
  @ApiProperty() text: string;
  @ApiProperty() html: string;
}

export class SmsPreviewDto {
  @ApiProperty() body: string;
  @ApiProperty() segments: number;
  @ApiProperty() characters: number;
}

/** A message as residents will get it, with placeholder links (`GET /messages/{id}/preview`). */
export class MessagePreviewDto {
  @ApiProperty({ type: EmailPreviewDto, nullable: true }) email: EmailPreviewDto | null;
  @ApiProperty({ type: SmsPreviewDto, nullable: true }) sms: SmsPreviewDto | null;
}

export class MessageStatusDto {
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: MessageStatus;
}
