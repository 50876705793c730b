import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff } from '@beacon/auth';
import { badRequest, Public, RateLimit, Staff, type StaffPrincipal } from '@beacon/core';
import { ResidentDirectoryService } from './resident-directory.service';
import { RESEND_LIMIT, SIGNUP_LIMIT, VERIFY_LIMIT } from './resident-rate-limits';
import { ResendVerificationDto, ResidentListQueryDto, SignUpAcceptedDto, SignUpDto, VerifiedDto, VerifyDto } from './residents.dto';
import { AcceptedDto, ResidentPageDto } from './residents-response.dto';
import { SignUpService } from './sign-up.service';
import { VerificationService } from './verification.service';

@ApiTags('residents')
@Controller('api/v1/residents')
export class ResidentsController {
  constructor(
    private readonly signUps: SignUpService,
    private readonly verification: VerificationService,
    private readonly directory: ResidentDirectoryService,
  ) {}

  @Public()
  @RateLimit(SIGNUP_LIMIT)
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Public sign-up; the same 202 whether or not the address is already registered' })
  @ApiAcceptedResponse({ type: SignUpAcceptedDto })
  signUp(@Body() dto: SignUpDto): Promise<SignUpAcceptedDto> {
    return this.signUps.signUp(dto);
  }

  @Public()
  @RateLimit(VERIFY_LIMIT)
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify an address: {token} from the e-mail link, or {phone, code} from the SMS' })
  @ApiOkResponse({ type: VerifiedDto })
  async verify(@Body() dto: VerifyDto): Promise<VerifiedDto> {
    if (dto.token !== undefined && (dto.phone !== undefined || dto.code !== undefined)) {
      throw badRequest('Send either token, or phone and code', ['token: send either token, or phone and code']);
    }
    const v = dto.token !== undefined ? await this.verification.verifyEmailToken(dto.token) : await this.verification.verifySmsCode(dto.phone!, dto.code!);
    return { status: v.status, accessToken: v.accessToken };
  }

  @Public()
  @RateLimit(RESEND_LIMIT)
  @Post('verify/resend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the verification link or code again; always 202' })
  @ApiAcceptedResponse({ type: AcceptedDto })
  resend(@Body() dto: ResendVerificationDto): Promise<AcceptedDto> {
    return this.verification.resend(dto);
  }

  @Staff({ roles: ['admin', 'eco', 'officer', 'npu_lead', 'analyst', 'cadet_leader'], npuFrom: ['query.npu'] })
  @Get()
  @ApiOperation({ summary: 'Residents of your NPU, newest first; contact details masked for analysts and cadet leaders' })
  @ApiOkResponse({ type: ResidentPageDto })
  list(@CurrentStaff() staff: StaffPrincipal, @Query() q: ResidentListQueryDto): Promise<ResidentPageDto> {
    return this.directory.list(staff, q);
  }
}
