import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainException, Staff, UuidParam, type BeaconRequest, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { AreaDto, AreaListQueryDto, CreateAreaDto, UpdateAreaDto } from './area.dto';
import { AreaService } from './area.service';

const AREA_WRITERS: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer'];

// @beacon/auth depends on this lib, so the guard's principal is read straight off the request.
function staffOf(req: BeaconRequest): StaffPrincipal {
  const me = req.principal;
  if (me?.kind !== 'staff') throw new DomainException('UNAUTHENTICATED', 'Sign in required');
  return me;
}

@ApiTags('geography')
@Controller('api/v1/areas')
export class AreasController {
  constructor(private readonly areas: AreaService) {}

  @Staff({ roles: AREA_WRITERS })
  @Post()
  @ApiOperation({ summary: 'Create a named area (Impact Area, hotspot list) of an NPU from its wards and neighbourhoods' })
  @ApiCreatedResponse({ type: AreaDto })
  create(@Req() req: BeaconRequest, @Body() dto: CreateAreaDto): Promise<AreaDto> {
    return this.areas.create(staffOf(req), dto);
  }

  @Staff()
  @Get()
  @ApiOperation({ summary: 'Areas (NPU-bound staff: their NPU only)' })
  @ApiOkResponse({ type: [AreaDto] })
  list(@Req() req: BeaconRequest, @Query() q: AreaListQueryDto): Promise<AreaDto[]> {
    return this.areas.list(staffOf(req), q.npu);
  }

  @Staff()
  @Get(':id')
  @ApiOkResponse({ type: AreaDto })
  get(@Req() req: BeaconRequest, @Param('id', UuidParam) id: string): Promise<AreaDto> {
    return this.areas.get(staffOf(req), id);
  }

  @Staff({ roles: AREA_WRITERS })
  @Patch(':id')
  @ApiOperation({ summary: 'Rename an area or replace its wards / neighbourhoods (of its NPU)' })
  @ApiOkResponse({ type: AreaDto })
  update(@Req() req: BeaconRequest, @Param('id', UuidParam) id: string, @Body() dto: UpdateAreaDto): Promise<AreaDto> {
    return this.areas.update(staffOf(req), id, dto);
  }

  @Staff({ roles: AREA_WRITERS })
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted (messages already composed keep their ward list)' })
  async remove(@Req() req: BeaconRequest, @Param('id', UuidParam) id: string): Promise<void> {
    await this.areas.remove(staffOf(req), id);
  }
}
