import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { CurrentStaff } from '@beacon/auth';
import { Staff, type StaffPrincipal } from '@beacon/core';
import { ResidentWardMoveService } from './resident-ward-moves';

export class WardMovesQueryDto {
  @ApiPropertyOptional({ description: 'ISO date; default 30 days ago' }) @IsOptional() @IsISO8601() since?: string;
}

export class WardMoveCountDto {
  @ApiProperty() wardCode: string;
  @ApiProperty() movedIn: number;
  @ApiProperty() movedOut: number;
}

@ApiTags('residents')
@Controller('api/v1/ward-moves')
export class WardMovesController {
  constructor(private readonly moves: ResidentWardMoveService) {}

  @Staff({ roles: ['admin', 'analyst', 'npu_lead', 'eco', 'officer'] })
  @Get()
  @ApiOperation({ summary: 'Residents moved between wards by boundary changes, counted per ward (NPU-bound staff: their wards)' })
  @ApiOkResponse({ type: [WardMoveCountDto] })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: WardMovesQueryDto): Promise<WardMoveCountDto[]> {
    const since = q.since ? new Date(q.since) : new Date(Date.now() - 30 * 86_400_000);
    return this.moves.countsSince(since, me.npuCode);
  }
}
