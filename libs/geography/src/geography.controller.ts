import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Request } from 'express';
import { badRequest, DomainException, Public, Staff, type BeaconRequest } from '@beacon/core';
import { GeographyImportDto, NeighbourhoodDto, NpuDto, OnsLookupImportDto, PopulationsImportDto, PostcodeImportDto, WardDto } from './geography-response.dto';
import { GeographyService } from './geography.service';
import { OnsImportService } from './ons-import.service';
import { PostcodeDirectoryService } from './postcode-directory.service';

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
  constructor(
    private readonly geography: GeographyService,
    private readonly ons: OnsImportService,
    private readonly directory: PostcodeDirectoryService,
  ) {}

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

  @Staff({ roles: ['admin'], forceWide: true })
  @Post('geography/ons-lookup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import the ONS ward → local authority lookup as published (WDyyCD,WDyyNM,LADyyCD,LADyyNM; force-wide admins)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'WD24CD,WD24NM,LAD24CD,LAD24NM\nE05011121,Acocks Green,E08000025,Birmingham\n' } })
  @ApiOkResponse({ type: OnsLookupImportDto })
  onsLookup(@Body() body: unknown): Promise<OnsLookupImportDto> {
    return this.ons.importLookup(body);
  }

  @Staff({ roles: ['admin'], forceWide: true })
  @Post('geography/ward-mapping')
  @HttpCode(200)
  @ApiOperation({ summary: 'Map ONS wards to neighbourhoods and NPUs (ward_code,neighbourhood,npu_code[,npu_name]); an unknown ward code is a 400; moving a ward to another NPU needs ?moveWards=true' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'ward_code,neighbourhood,npu_code,npu_name\nE05011121,Yardley,BE,Birmingham East\n' } })
  @ApiOkResponse({ type: GeographyImportDto })
  wardMapping(@Req() req: BeaconRequest, @Body() body: unknown, @Query() q: GeographyImportQueryDto): Promise<GeographyImportDto> {
    const me = req.principal;
    if (me?.kind !== 'staff') throw new DomainException('UNAUTHENTICATED', 'Sign in required');
    return this.ons.importMapping(body, { actor: me, moveWards: q.moveWards === 'true' });
  }

  @Staff({ roles: ['admin'], forceWide: true })
  @Post('geography/populations')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ward populations from the ONS mid-year estimates (a ward code column and a total)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'WD24CD,WD24NM,Total\nE05011121,Acocks Green,28300\n' } })
  @ApiOkResponse({ type: PopulationsImportDto })
  populations(@Body() body: unknown): Promise<PopulationsImportDto> {
    return this.ons.importPopulations(body);
  }

  @Staff({ roles: ['admin'], forceWide: true })
  @Post('geography/postcodes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import the ONS Postcode Directory / NSPL CSV as published (streamed; only the force’s wards kept; idempotent)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'pcd,pcd2,pcds,dointr,doterm,osward,lat,long\nB27 6QX,B27  6QX,B27 6QX,198001,,E05011121,52.44,-1.82\n' } })
  @ApiOkResponse({ type: PostcodeImportDto })
  postcodes(@Req() req: Request): Promise<PostcodeImportDto> {
    // Streamed: express leaves this route's text/csv body unread (see configureApp).
    if (!req.is(['text/csv', 'text/plain']) || req.body !== undefined) throw badRequest('Send the CSV as a text/csv body');
    return this.directory.importDirectory(req);
  }
}
