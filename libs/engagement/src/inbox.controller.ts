import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { AuditOmits, Staff, UuidParam, type StaffPrincipal } from '@beacon/core';
import { CreateResponseDto, InboxQueryDto } from './engagement.dto';
import { INBOX_ROLES, InboxService } from './inbox.service';
import { ReplyAttachmentService } from './reply-attachments/reply-attachment.service';
import { InboxPageDto, ReplyClosedDto, ReplyDetailDto, ResponseViewDto } from './engagement-response.dto';


@ApiTags('inbox')
@Controller('api/v1')
export class InboxController {
  constructor(
    private readonly inbox: InboxService,
    private readonly attachments: ReplyAttachmentService,
  ) {}

  /** Replies routed to an NPU, newest first; NPU-bound staff see their own NPU. */
  @Staff({ roles: INBOX_ROLES, npuFrom: ['query.npu'] })
  @Get('inbox')
  @ApiOkResponse({ type: InboxPageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: InboxQueryDto): Promise<InboxPageDto> {
    return this.inbox.list(me, q);
  }

  @Staff({ roles: INBOX_ROLES })
  @Get('replies/:id')
  @ApiOkResponse({ type: ReplyDetailDto })
  detail(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<ReplyDetailDto> {
    return this.inbox.detail(me, id);
  }

  /** A kept attachment of the reply: always a download (never rendered in our origin), its type as detected. */
  @Staff({ roles: INBOX_ROLES })
  @Get('replies/:id/attachments/:attachmentId')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'application/pdf')
  @ApiOkResponse({ description: 'The file, as an attachment', schema: { type: 'string', format: 'binary' } })
  async attachment(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Param('attachmentId', UuidParam) attachmentId: string): Promise<StreamableFile> {
    const file = await this.attachments.download(me, id, attachmentId);
    return new StreamableFile(file.bytes, { type: file.contentType, disposition: `attachment; filename="${file.filename}"`, length: file.bytes.length });
  }

  /** Sends the answer on the channel the resident replied on (or their other one); 409 if none works. */
  @Staff({ roles: INBOX_ROLES })
  @Post('replies/:id/responses')
  @AuditOmits('body') // the words live in reply_response, which erasure empties
  @ApiCreatedResponse({ type: ResponseViewDto })
  respond(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string, @Body() dto: CreateResponseDto): Promise<ResponseViewDto> {
    return this.inbox.respond(me, id, dto);
  }

  @Staff({ roles: INBOX_ROLES })
  @Post('replies/:id/close')
  @HttpCode(200)
  @ApiOkResponse({ type: ReplyClosedDto })
  close(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<ReplyClosedDto> {
    return this.inbox.close(me, id);
  }
}
