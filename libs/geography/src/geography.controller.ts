import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Public, Staff } from '@beacon/core';
import { GeographyService } from './geography.service';

export class NpuFilterDto {
  @ApiPropertyOptional({ example: 'BE' }) @IsOptional() @Matches(/^[A-Z]{2,8}$/) npu?: string;
}

@ApiTags('geography')
@Controller('api/v1')
export class GeographyController {
  constructor(private readonly geography: GeographyService) {}

  @Public()
  @Get('npus')
  npus() {
    return this.geography.listNpus();
  }

  @Public()
  @Get('wards')
  async wards(@Query() q: NpuFilterDto) {
    return (await this.geography.listWards(q.npu)).map(({ neighbourhoodId: _id, ...w }) => w);
  }

  @Public()
  @Get('neighbourhoods')
  neighbourhoods(@Query() q: NpuFilterDto) {
    return this.geography.listNeighbourhoods(q.npu);
  }

  @Staff({ roles: ['admin'] })
  @Post('geography/import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'npu_code,npu_name,neighbourhood,ward_code,ward_name,population\n' } })
  import(@Body() body: unknown) {
    return this.geography.importCsv(body);
  }
}
