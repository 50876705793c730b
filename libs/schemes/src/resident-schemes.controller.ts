import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { PageQueryDto, ResidentOnly, type ResidentPrincipal } from '@beacon/core';
import { AddMemberDto, CancelPatrolDto, CreatePatrolDto, PatrolIdParams, PatrolReportDto, SchemeIdParams, SchemeMemberParams } from './schemes.dto';
import { PatrolsService } from './patrols.service';
import { SchemesService } from './schemes.service';
import { InvitationViewDto, InvitedDto, MemberAddedDto, MySchemeDto, PatrolReportRecordDto, PatrolViewDto, SchemeMemberPageDto } from './schemes-response.dto';

/** Self-service for residents: a coordinator manages their own scheme; volunteers report on (or cancel) patrols. */
@ApiTags('me: schemes')
@Controller('api/v1/me')
export class ResidentSchemesController {
  constructor(
    private readonly schemes: SchemesService,
    private readonly patrols: PatrolsService,
  ) {}

  @ResidentOnly()
  @Get('schemes')
  @ApiOperation({ summary: 'Schemes I belong to' })
  @ApiOkResponse({ type: [MySchemeDto] })
  mine(@CurrentResident() me: ResidentPrincipal): Promise<MySchemeDto[]> {
    return this.schemes.listMine(me.id);
  }

  @ResidentOnly()
  @Get('schemes/:id/members')
  @ApiOperation({ summary: 'Coordinator: members of my scheme (first names only)' })
  @ApiOkResponse({ type: SchemeMemberPageDto })
  members(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeIdParams, @Query() q: PageQueryDto): Promise<SchemeMemberPageDto> {
    return this.schemes.listMembers(me, p.id, q);
  }

  @ResidentOnly()
  @Post('schemes/:id/members')
  @HttpCode(202)
  @ApiOperation({ summary: 'Coordinator: invite a resident to my scheme; they join only by accepting (same answer for any id)' })
  @ApiAcceptedResponse({ type: InvitedDto })
  invite(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeIdParams, @Body() dto: AddMemberDto): Promise<InvitedDto> {
    return this.schemes.invite(me, p.id, dto.residentId);
  }

  @ResidentOnly()
  @Get('scheme-invitations')
  @ApiOperation({ summary: 'Invitations to join a scheme, waiting for my answer' })
  @ApiOkResponse({ type: [InvitationViewDto] })
  invitations(@CurrentResident() me: ResidentPrincipal): Promise<InvitationViewDto[]> {
    return this.schemes.listInvitations(me.id);
  }

  @ResidentOnly()
  @Post('schemes/:id/invitation/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: I join the scheme (my consent, recorded)' })
  @ApiOkResponse({ type: MemberAddedDto })
  accept(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeIdParams): Promise<MemberAddedDto> {
    return this.schemes.acceptInvitation(me.id, p.id);
  }

  @ResidentOnly()
  @Delete('schemes/:id/invitation')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline an invitation' })
  @ApiNoContentResponse({ description: 'Declined' })
  async decline(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeIdParams): Promise<void> {
    await this.schemes.declineInvitation(me.id, p.id);
  }

  @ResidentOnly()
  @Delete('schemes/:id/members/:residentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Coordinator: remove a member of my scheme (not myself)' })
  @ApiNoContentResponse({ description: 'Removed' })
  async removeMember(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeMemberParams): Promise<void> {
    await this.schemes.removeMember(me, p.id, p.residentId);
  }

  @ResidentOnly()
  @Post('schemes/:id/patrols')
  @ApiOperation({ summary: 'Coordinator: plan a Street Watch patrol' })
  @ApiCreatedResponse({ type: PatrolViewDto })
  plan(@CurrentResident() me: ResidentPrincipal, @Param() p: SchemeIdParams, @Body() dto: CreatePatrolDto): Promise<PatrolViewDto> {
    return this.patrols.plan(me, p.id, dto);
  }

  @ResidentOnly()
  @Post('patrols/:id/report')
  @ApiOperation({ summary: 'Volunteer: report on a patrol I was on, after it ended' })
  @ApiCreatedResponse({ type: PatrolReportRecordDto })
  report(@CurrentResident() me: ResidentPrincipal, @Param() p: PatrolIdParams, @Body() dto: PatrolReportDto): Promise<PatrolReportRecordDto> {
    return this.patrols.fileReport(me, p.id, dto.observations);
  }

  @ResidentOnly()
  @Post('patrols/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Coordinator or volunteer: cancel a patrol before it starts' })
  @ApiOkResponse({ type: PatrolViewDto })
  cancel(@CurrentResident() me: ResidentPrincipal, @Param() p: PatrolIdParams, @Body() dto: CancelPatrolDto): Promise<PatrolViewDto> {
    return this.patrols.cancel(me, p.id, dto.reason);
  }
}
