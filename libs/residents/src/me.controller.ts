import { Body, Controller, Delete, Get, HttpCode, Patch } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { RateLimit, ResidentOnly, type ResidentPrincipal } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';
import { UPDATE_LIMIT } from './resident-rate-limits';
import { UpdateMeDto } from './residents.dto';

@ApiTags('me')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly accounts: ResidentAccountService) {}

  @ResidentOnly()
  @Get()
  @ApiOperation({ summary: 'Your details and preferences' })
  get(@CurrentResident() me: ResidentPrincipal) {
    return this.accounts.profile(me.id);
  }

  @ResidentOnly()
  @RateLimit(UPDATE_LIMIT)
  @Patch()
  @ApiOperation({ summary: 'Change details and preferences; a changed e-mail or phone is verified again' })
  update(@CurrentResident() me: ResidentPrincipal, @Body() dto: UpdateMeDto) {
    return this.accounts.update(me.id, dto);
  }

  @ResidentOnly()
  @Get('export')
  @ApiOperation({ summary: 'Everything Beacon holds about you (GDPR access)' })
  export(@CurrentResident() me: ResidentPrincipal) {
    return this.accounts.export(me.id);
  }

  @ResidentOnly()
  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase your personal data (GDPR erasure); anonymous counts are kept' })
  @ApiNoContentResponse()
  async erase(@CurrentResident() me: ResidentPrincipal): Promise<void> {
    await this.accounts.erase(me.id);
  }
}
