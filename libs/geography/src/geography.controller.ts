import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DomainException, Public, Staff, type BeaconRequest } from '@beacon/core';
import { GeographyImportDto, NeighbourhoodDto, NpuDto, WardDto } from './geography-response.dto';
import { GeographyService } from './geography.service';

export class NpuFilterDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

export class GeographyImportQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Allow the file to move existing wards to another NPU (each move audited)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  moveWards?: 'true' | 'false';
}

@ApiTags('geography')
@Controller('api/v1')
export class GeographyController {
  constructor(private readonly geography: GeographyService) {}

  @Public()
  @Get('npus')
  @ApiOkResponse({ type: [NpuDto] })
  npus(): Promise<NpuDto[]> {
    return this.geography.listNpus();
  }

  @Public()
  @Get('wards')
  @ApiOkResponse({ type: [WardDto] })
  async wards(@Query() q: NpuFilterDto): Promise<WardDto[]> {
    return (await this.geography.listWards(q.npu)).map(({ neighbourhoodId: _id, ...w }) => w);
  }

  @Public()
  @Get('neighbourhoods')
  @ApiOkResponse({ type: [NeighbourhoodDto] })
  neighbourhoods(@Query() q: NpuFilterDto): Promise<NeighbourhoodDto[]> {
    return this.geography.listNeighbourhoods(q.npu);
  }

  // Wards decide which NPU's staff reach which residents: force-wide admins only.
  @Staff({ roles: ['admin'], forceWide: true })
  @Post('geography/import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import NPUs, neighbourhoods and wards (force-wide admins); moving a ward to another NPU needs ?moveWards=true (409 otherwise)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\n' } })
  @ApiOkResponse({ type: GeographyImportDto })
  import(@Req() req: BeaconRequest, @Body() body: unknown, @Query() q: GeographyImportQueryDto): Promise<GeographyImportDto> {
    // @beacon/auth depends on this lib, so the guard's principal is read straight off the request.
    const me = req.principal;
    if (me?.kind !== 'staff') throw new DomainException('UNAUTHENTICATED', 'Sign in required');
    return this.geography.importCsv(body, { actor: me, moveWards: q.moveWards === 'true' });
  }
}
