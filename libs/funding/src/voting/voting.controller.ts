import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { Public, ResidentOnly, Staff, type ResidentPrincipal } from '@beacon/core';
import { FundParamsDto } from '../funds/fund.dto';
import { CastVotesDto, SetVotingRoundDto } from './voting.dto';
import { VotingService } from './voting.service';

@ApiTags('funding')
@Controller('api/v1/funds/:npuCode/:year')
export class VotingController {
  constructor(private readonly voting: VotingService) {}

  @Staff({ roles: ['admin', 'npu_lead'], npuFrom: ['params.npuCode'] })
  @Post('voting')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or replace the voting round; 409 once it has opened' })
  setRound(@Param() p: FundParamsDto, @Body() dto: SetVotingRoundDto) {
    return this.voting.setRound(p.npuCode, p.year, {
      opensAt: new Date(dto.opensAt),
      closesAt: new Date(dto.closesAt),
      maxVotesPerResident: dto.maxVotesPerResident,
      bidIds: dto.bidIds,
    });
  }

  @Public()
  @Get('voting')
  @ApiOperation({ summary: 'The ballot: dates, how many votes each resident has, and the bids' })
  ballot(@Param() p: FundParamsDto) {
    return this.voting.ballot(p.npuCode, p.year);
  }

  @ResidentOnly()
  @Post('votes')
  @ApiOperation({ summary: 'Cast your one ballot: up to K bids (verified residents of the NPU, while voting is open)' })
  vote(@CurrentResident() me: ResidentPrincipal, @Param() p: FundParamsDto, @Body() dto: CastVotesDto) {
    return this.voting.vote(me.id, p.npuCode, p.year, dto.bidIds);
  }

  @Staff({ npuFrom: ['params.npuCode'] })
  @Get('voting/results')
  @ApiOperation({ summary: 'Bids ranked by votes, and which the fund could pay for going down the ranking' })
  results(@Param() p: FundParamsDto) {
    return this.voting.results(p.npuCode, p.year);
  }
}
