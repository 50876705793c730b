import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { AuditOmits, Staff, UuidParam, type StaffPrincipal } from '@beacon/core';
import { CreateResponseDto, InboxQueryDto } from './engagement.dto';
import { INBOX_ROLES, InboxService } from './inbox.service';
import { InboxPageDto, ReplyClosedDto, ReplyDetailDto, ResponseViewDto } from './engagement-response.dto';


@ApiTags('inbox')
@Controller('api/v1')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

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
