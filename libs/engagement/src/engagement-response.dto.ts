import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '@beacon/core';
import { REPLY_STATUSES, REPLY_VIA, RESPONSE_CHANNELS, type ReplyStatus, type ReplyVia, type ResponseChannel } from './engagement.entity';
import type { InboxItem } from './inbox.service';
import type { RatingView } from './rating.repository';
import type { ReplyView, ResponseView } from './reply.repository';

export class RatingViewDto implements RatingView {
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ minimum: 1, maximum: 6 }) score: number;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
}

export class ReplyViewDto implements ReplyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) messageId: string | null;
  @ApiProperty() body: string;
  @ApiProperty({ enum: REPLY_VIA }) via: ReplyVia;
  @ApiProperty({ enum: REPLY_STATUSES }) status: ReplyStatus;
  @ApiProperty() npuCode: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class InboxMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
}

export class InboxResidentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The e-mail or phone the reply came from, masked' }) contact: string | null;
}

export class InboxAssigneeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class InboxRatingDto {
  @ApiProperty({ minimum: 1, maximum: 6 }) score: number;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
}

export class InboxItemDto implements InboxItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: REPLY_VIA }) via: string;
  @ApiProperty({ enum: REPLY_STATUSES }) status: ReplyStatus;
  @ApiProperty() npuCode: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: InboxMessageDto, nullable: true }) message: InboxMessageDto | null;
  @ApiProperty({ type: InboxResidentDto }) resident: InboxResidentDto;
  @ApiProperty({ type: InboxAssigneeDto, nullable: true, description: 'The colleague it is given to (the console assigns)' }) assignedTo: InboxAssigneeDto | null;
  @ApiProperty({ description: 'Nobody had seen it in the console inbox before' }) unread: boolean;
  @ApiProperty({ type: InboxRatingDto, nullable: true, description: "The resident's rating of the message replied to" }) rating: InboxRatingDto | null;
}

export class InboxPageDto extends PageDto(InboxItemDto) {}

export class ResponseViewDto implements ResponseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) replyId: string;
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: RESPONSE_CHANNELS }) channel: ResponseChannel;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class ReplyResponseDto implements Omit<ResponseView, 'replyId'> {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ description: 'Who answered' }) staffName: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: RESPONSE_CHANNELS }) channel: ResponseChannel;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class ReplyAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Made safe for a header; the extension matches the type' }) filename: string;
  @ApiProperty({ description: 'Detected from the bytes', example: 'image/png' }) contentType: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
}

export class ReplyDetailDto extends InboxItemDto {
  @ApiProperty({ type: [ReplyAttachmentDto], description: 'Attachments of an e-mail reply that were kept; download at /api/v1/replies/{id}/attachments/{attachmentId}' })
  attachments: ReplyAttachmentDto[];
  @ApiProperty({ type: [ReplyResponseDto] }) responses: ReplyResponseDto[];
}

export class ReplyClosedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REPLY_STATUSES }) status: ReplyStatus;
}
