import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Staff } from '@beacon/core';
import { PopulationShareService } from './population-share.service';
import { ShareImportDto } from './reports-response.dto';

@ApiTags('reports')
@Controller('api/v1/population-shares')
export class PopulationShareController {
  constructor(private readonly shares: PopulationShareService) {}

  @Staff({ roles: ['admin'] })
  @Post()
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Census shares (age band, ethnicity) per ward, NPU or FORCE; each (area, dimension) in the file replaces what was loaded' })
  @ApiBody({ schema: { type: 'string', example: 'area_code,dimension,category,share_percent\nFORCE,ethnicity,white,70.1\n' } })
  @ApiOkResponse({ type: ShareImportDto })
  import(@Body() body: unknown): Promise<ShareImportDto> {
    return this.shares.importCsv(body);
  }
}
