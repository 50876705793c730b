import { Body, Controller, Delete, HttpCode, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { Staff, UuidParam, type StaffPrincipal } from '@beacon/core';
import { MAX_UPLOAD_BYTES } from './attachment-content';
import { ATTACHMENT_UPLOAD_BODY, MessageAttachmentDto } from './message-attachment.dto';
import { MessageAttachmentService, type UploadedAttachment } from './message-attachment.service';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'] as const;

/** Memory storage (the file is at most MAX_UPLOAD_BYTES); a larger one is a 413 before the handler runs. */
export const ATTACHMENT_UPLOAD = FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 2, parts: 3 } });

@ApiTags('messages')
@Controller('api/v1/messages')
export class MessageAttachmentsController {
  constructor(private readonly attachments: MessageAttachmentService) {}

  @Staff({ roles: [...WRITERS] })
  @Post(':id/attachments')
  @UseInterceptors(ATTACHMENT_UPLOAD)
  @ApiConsumes('multipart/form-data')
  @ApiBody(ATTACHMENT_UPLOAD_BODY)
  @ApiCreatedResponse({ type: MessageAttachmentDto })
  @ApiOperation({ summary: "Add an image (with alt text) or a PDF to a draft: checked by content, an image's EXIF removed and resized for e-mail" })
  upload(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @UploadedFile() file: UploadedAttachment | undefined, @Body() body: unknown): Promise<MessageAttachmentDto> {
    return this.attachments.upload(me, id, file, altOf(body));
  }

  @Staff({ roles: [...WRITERS] })
  @Delete(':id/attachments/:attachmentId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed from the draft, with its file' })
  async remove(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Param('attachmentId', UuidParam) attachmentId: string): Promise<void> {
    await this.attachments.remove(me, id, attachmentId);
  }
}

/** The `alt` field of a multipart form (multer leaves the text fields on the body). */
export function altOf(body: unknown): unknown {
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Record<string, unknown>).alt : undefined;
}
