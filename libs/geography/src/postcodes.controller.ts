import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto, Public, RateLimit, Staff, type RateLimitRule } from '@beacon/core';
import { PostcodeDirectoryService } from './postcode-directory.service';

export const POSTCODE_LOOKUP_LIMIT: RateLimitRule = { name: 'postcode-lookup', windowSeconds: 600, perIp: 120 };

export class PostcodeParamsDto {
  @ApiProperty({ example: 'B27 6QX' }) @IsString() @MaxLength(16) postcode: string;
}

export class PostcodeListQueryDto extends PageQueryDto {
  @ApiProperty({ example: 'E05011121' }) @IsString() @Matches(/^[A-Za-z0-9_-]{2,16}$/, { message: 'ward must be a ward code' }) ward: string;
}

export class PostcodeDto {
  @ApiProperty({ example: 'B27 6QX' }) postcode: string;
  @ApiProperty({ example: 'E05011121' }) wardCode: string;
  @ApiProperty({ example: 'Acocks Green' }) wardName: string;
  @ApiProperty({ example: 'BE' }) npuCode: string;
  @ApiProperty({ description: 'Terminated in the directory (still placed in its last ward)' }) terminated: boolean;
}

export class PostcodePageDto {
  @ApiProperty({ type: [PostcodeDto] }) items: PostcodeDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

@ApiTags('geography')
@Controller('api/v1/postcodes')
export class PostcodesController {
  constructor(private readonly directory: PostcodeDirectoryService) {}

  // Public reference data (the ONS publishes it), rate limited per client.
  @Public()
  @RateLimit(POSTCODE_LOOKUP_LIMIT)
  @Get(':postcode')
  @ApiOperation({ summary: 'The ward of a postcode of the force (any spelling: b27 6qx, B276QX)' })
  @ApiOkResponse({ type: PostcodeDto })
  @ApiNotFoundResponse({ description: 'Not a postcode of the force' })
  async lookup(@Param() p: PostcodeParamsDto): Promise<PostcodeDto> {
    return this.directory.lookup(p.postcode);
  }

  @Staff()
  @Get()
  @ApiOperation({ summary: "A ward's postcodes, in order, paged" })
  @ApiOkResponse({ type: PostcodePageDto })
  list(@Query() q: PostcodeListQueryDto): Promise<PostcodePageDto> {
    return this.directory.listByWard(q.ward, q.limit ?? 50, q.cursor);
  }
}
