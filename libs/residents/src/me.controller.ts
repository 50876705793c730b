import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { RateLimit, ResidentOnly, type ResidentPrincipal } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';
import { UPDATE_LIMIT } from './resident-rate-limits';
import { UpdateMeDto } from './residents.dto';
import { ResidentExportDto, ResidentProfileDto } from './residents-response.dto';

@ApiTags('me')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly accounts: ResidentAccountService) {}

  @ResidentOnly()
  @Get()
  @ApiOperation({ summary: 'Your details and preferences' })
  @ApiOkResponse({ type: ResidentProfileDto })
  get(@CurrentResident() me: ResidentPrincipal): Promise<ResidentProfileDto> {
    return this.accounts.profile(me.id);
  }

  @ResidentOnly()
  @RateLimit(UPDATE_LIMIT)
  @Patch()
  @ApiOperation({ summary: 'Change details and preferences; a changed e-mail or phone is verified again' })
  @ApiOkResponse({ type: ResidentProfileDto })
  update(@CurrentResident() me: ResidentPrincipal, @Body() dto: UpdateMeDto): Promise<ResidentProfileDto> {
    return this.accounts.update(me.id, dto);
  }

  @ResidentOnly()
  @Get('export')
  @ApiOperation({ summary: 'Everything Beacon holds about you (GDPR access)' })
  @ApiOkResponse({ type: ResidentExportDto })
  export(@CurrentResident() me: ResidentPrincipal): Promise<Record<string, unknown>> {
    return this.accounts.export(me.id);
  }

  @ResidentOnly()
  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase your personal data (GDPR erasure); anonymous counts are kept' })
  @ApiNoContentResponse({ description: 'Erased' })
  async erase(@CurrentResident() me: ResidentPrincipal): Promise<void> {
    await this.accounts.erase(me.id);
  }
}
