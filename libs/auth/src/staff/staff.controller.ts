import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Staff, type StaffPrincipal } from '@beacon/core';
import { CurrentStaff } from '../guards/current-principal.decorator';
import { scopedNpu } from '../guards/npu-scope';
import { CreateStaffDto, StaffListQueryDto, StaffViewDto } from './staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@Controller('api/v1/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Staff({ roles: ['admin'], npuFrom: ['body.npuCode'] })
  @Post()
  @ApiCreatedResponse({ type: StaffViewDto })
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateStaffDto): Promise<StaffViewDto> {
    return this.staff.create(dto, me);
  }

  @Staff({ roles: ['admin', 'npu_lead', 'eco'], npuFrom: ['query.npu'] })
  @Get()
  @ApiOkResponse({ type: [StaffViewDto] })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: StaffListQueryDto): Promise<StaffViewDto[]> {
    return this.staff.list(scopedNpu(me, q.npu));
  }

  @Staff()
  @Get('me')
  @ApiOkResponse({ type: StaffViewDto })
  me(@CurrentStaff() me: StaffPrincipal): StaffViewDto {
    return { id: me.id, email: me.email, name: me.name, role: me.role, npuCode: me.npuCode };
  }
}
