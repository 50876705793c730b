import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RateLimit } from '@beacon/core';
import { ResidentAccountService } from './resident-account.service';
import { EXCHANGE_LIMIT, MAGIC_LINK_LIMIT } from './resident-rate-limits';
import { AccessTokenDto, ExchangeDto, MagicLinkDto } from './residents.dto';
import { AcceptedDto } from './residents-response.dto';

@ApiTags('auth')
@Controller('api/v1/auth/resident')
export class ResidentAuthController {
  constructor(private readonly accounts: ResidentAccountService) {}

  @Public()
  @RateLimit(MAGIC_LINK_LIMIT)
  @Post('magic-link')
  @HttpCode(202)
  @ApiOperation({ summary: 'E-mail a sign-in link (if the address is registered); always 202' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  magicLink(@Body() dto: MagicLinkDto): Promise<AcceptedDto> {
    return this.accounts.requestSignInLink(dto.email);
  }

  @Public()
  @RateLimit(EXCHANGE_LIMIT)
  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a sign-in link token for a resident bearer token' })
  @ApiOkResponse({ type: AccessTokenDto })
  async exchange(@Body() dto: ExchangeDto): Promise<AccessTokenDto> {
    const { accessToken } = await this.accounts.exchange(dto.token);
    return { accessToken };
  }
}
