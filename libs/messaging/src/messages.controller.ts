import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { NotAWrite, Staff, UuidParam, type StaffPrincipal } from '@beacon/core';
import { AudiencePreviewDto, CreateMessageDto, MessageListQueryDto } from './message.dto';
import { MessageLifecycleService } from './message-lifecycle.service';
import {
  AudienceCountsDto,
  MessageDetailDto,
  MessageDto,
  MessagePageDto,
  MessagePreviewDto,
  MessageStatusDto,
  ProgressCountsDto,
} from './message-response.dto';
import { MessageService } from './message.service';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'] as const;

@ApiTags('messages')
@ApiExtraModels(ProgressCountsDto)
@Controller('api/v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessageService,
    private readonly lifecycle: MessageLifecycleService,
  ) {}

  @Staff({ roles: [...WRITERS] })
  @Post()
  @ApiCreatedResponse({ type: MessageDto, description: 'The draft' })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateMessageDto): Promise<MessageDto> {
    return this.messages.compose(me, dto);
  }

  @Staff({ roles: [...WRITERS] })
  @Post('audience-preview')
  @NotAWrite()
  @HttpCode(200)
  @ApiOkResponse({ type: AudienceCountsDto })
  @ApiOperation({ summary: 'Recipients per channel for an audience not yet saved (same rules as compose; writes nothing)' })
  audiencePreview(@CurrentStaff() me: StaffPrincipal, @Body() dto: AudiencePreviewDto) {
    return this.messages.previewUnsavedAudience(me, dto);
  }

  @Staff()
  @Get()
  @ApiOkResponse({ type: MessagePageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: MessageListQueryDto) {
    return this.messages.list(me, q);
  }

  @Staff()
  @Get(':id')
  @ApiOkResponse({ type: MessageDetailDto })
  detail(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.messages.detail(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Get(':id/audience')
  @ApiOkResponse({ type: AudienceCountsDto })
  audience(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.messages.previewAudience(me, id);
  }

  @Staff()
  @Get(':id/preview')
  @ApiOkResponse({ type: MessagePreviewDto })
  @ApiOperation({ summary: 'The e-mail {subject, text, html} and SMS {body, segments} residents will get, with placeholder links' })
  preview(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.messages.previewContent(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/send')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MessageStatusDto, description: 'sending, scheduled or pending_approval' })
  send(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.lifecycle.send(me, id);
  }

  @Staff({ roles: ['admin', 'npu_lead'] })
  @Post(':id/approve')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MessageStatusDto, description: 'sending or scheduled' })
  approve(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.lifecycle.approve(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: MessageStatusDto, description: 'cancelled' })
  cancel(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.lifecycle.cancel(me, id);
  }

  @Staff({ roles: [...WRITERS] })
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: MessageDto, description: 'The message, withdrawn: its web version now says so (410)' })
  @ApiOperation({ summary: 'Withdraw a sent message (officers: their own only)' })
  withdraw(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string): Promise<MessageDto> {
    return this.lifecycle.withdraw(me, id);
  }

  @Staff({ roles: ['admin', 'eco', 'npu_lead'] })
  @Post(':id/resume')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MessageStatusDto, description: 'sending' })
  resume(@CurrentStaff() me: StaffPrincipal, @Param('id', UuidParam) id: string) {
    return this.lifecycle.resume(me, id);
  }
}
