import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RateLimit } from '@beacon/core';
import { LoginDto, StaffLoginDto } from './staff.dto';
import { StaffService } from './staff.service';

@ApiTags('auth')
@Controller('api/v1/auth/staff')
export class StaffAuthController {
  constructor(private readonly staff: StaffService) {}

  @Public()
  @RateLimit({ name: 'staff-login', windowSeconds: 300, perIp: 100, perValue: { fields: { email: 'email' }, limit: 10 } })
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff sign-in; the same 401 for an unknown e-mail and a wrong password' })
  @ApiOkResponse({ type: StaffLoginDto })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<StaffLoginDto> {
    return this.staff.login(dto.email, dto.password, dto.totp, { ip: ip ?? null, via: 'api' });
  }
}
