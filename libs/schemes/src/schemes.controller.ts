import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { PageQueryDto, Staff, type StaffPrincipal } from '@beacon/core';
import {
  EnrolMemberDto,
  CreateSchemeDto,
  SchemeIdParams,
  SchemeListQueryDto,
  SchemeMemberParams,
  SchemeTypeDto,
  UpdateSchemeDto,
} from './schemes.dto';
import { SCHEME_MANAGER_ROLES, SchemesService } from './schemes.service';
import { MemberAddedDto, SchemeMemberPageDto, SchemePageDto, SchemeTypeViewDto, SchemeViewDto } from './schemes-response.dto';

@ApiTags('schemes')
@Controller('api/v1')
export class SchemesController {
  constructor(private readonly schemes: SchemesService) {}

  @Staff()
  @Get('scheme-types')
  @ApiOkResponse({ type: [SchemeTypeViewDto] })
  types(): Promise<SchemeTypeViewDto[]> {
    return this.schemes.listTypes();
  }

  // Scheme types are shared by every NPU: force-wide admins only.
  @Staff({ roles: ['admin'], forceWide: true })
  @Post('scheme-types')
  @ApiOperation({ summary: 'Add a scheme type (reference data, every NPU; force-wide admins only)' })
  @ApiCreatedResponse({ type: SchemeTypeViewDto })
  addType(@Body() dto: SchemeTypeDto): Promise<SchemeTypeViewDto> {
    return this.schemes.addType(dto);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Post('schemes')
  @ApiOperation({ summary: 'Create a scheme in a ward of your NPU; the coordinator becomes its first member' })
  @ApiCreatedResponse({ type: SchemeViewDto })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateSchemeDto): Promise<SchemeViewDto> {
    return this.schemes.create(me, dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get('schemes')
  @ApiOkResponse({ type: SchemePageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: SchemeListQueryDto): Promise<SchemePageDto> {
    return this.schemes.list(me, q);
  }

  @Staff()
  @Get('schemes/:id')
  @ApiOkResponse({ type: SchemeViewDto })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeIdParams): Promise<SchemeViewDto> {
    return this.schemes.get(me, p.id);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Patch('schemes/:id')
  @ApiOperation({ summary: 'Rename, close/reopen, or change the coordinator (must be a member; null clears)' })
  @ApiOkResponse({ type: SchemeViewDto })
  update(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeIdParams, @Body() dto: UpdateSchemeDto): Promise<SchemeViewDto> {
    return this.schemes.update(me, p.id, dto);
  }

  @Staff()
  @Get('schemes/:id/members')
  @ApiOkResponse({ type: SchemeMemberPageDto })
  members(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeIdParams, @Query() q: PageQueryDto): Promise<SchemeMemberPageDto> {
    return this.schemes.listMembers(me, p.id, q);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Post('schemes/:id/members')
  @ApiOperation({ summary: 'Enrol an active resident of the scheme’s NPU who has agreed to join (consent recorded); 409 if already a member' })
  @ApiCreatedResponse({ type: MemberAddedDto })
  addMember(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeIdParams, @Body() dto: EnrolMemberDto): Promise<MemberAddedDto> {
    return this.schemes.enrol(me, p.id, dto.residentId, dto.consent, dto.joinedOn);
  }

  @Staff({ roles: SCHEME_MANAGER_ROLES })
  @Delete('schemes/:id/members/:residentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member; 409 for the coordinator until another is set' })
  @ApiNoContentResponse({ description: 'Removed' })
  async removeMember(@CurrentStaff() me: StaffPrincipal, @Param() p: SchemeMemberParams): Promise<void> {
    await this.schemes.removeMember(me, p.id, p.residentId);
  }
}
