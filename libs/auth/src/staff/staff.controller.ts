import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Staff, type StaffPrincipal } from '@beacon/core';
import { CurrentStaff } from '../guards/current-principal.decorator';
import { scopedNpu } from '../guards/npu-scope';
import { CreateStaffDto, StaffListQueryDto } from './staff.dto';
import { StaffService } from './staff.service';

@ApiTags('staff')
@Controller('api/v1/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Staff({ roles: ['admin'], npuFrom: ['body.npuCode'] })
  @Post()
  create(@CurrentStaff() me: StaffPrincipal, @Body() dto: CreateStaffDto) {
    return this.staff.create(dto, me);
  }

  @Staff({ roles: ['admin', 'npu_lead', 'eco'], npuFrom: ['query.npu'] })
  @Get()
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: StaffListQueryDto) {
    return this.staff.list(scopedNpu(me, q.npu));
  }

  @Staff()
  @Get('me')
  me(@CurrentStaff() me: StaffPrincipal) {
    return { id: me.id, email: me.email, name: me.name, role: me.role, npuCode: me.npuCode };
  }
}
