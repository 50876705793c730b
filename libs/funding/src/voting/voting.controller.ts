import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentResident } from '@beacon/auth';
import { Public, ResidentOnly, Staff, type ResidentPrincipal } from '@beacon/core';
import { FundParamsDto } from '../funds/fund.dto';
import { CastVotesDto, SetVotingRoundDto } from './voting.dto';
import { VotingService } from './voting.service';
import { VOTING_ROUND_SETTERS } from '../funding-roles';
import { BallotDto, RoundSetDto, VotesCastDto, VotingResultsDto } from '../funding-response.dto';

@ApiTags('funding')
@Controller('api/v1/funds/:npuCode/:year')
export class VotingController {
  constructor(private readonly voting: VotingService) {}

  @Staff({ roles: VOTING_ROUND_SETTERS, npuFrom: ['params.npuCode'] })
  @Post('voting')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or replace the voting round; 409 once it has opened' })
  @ApiOkResponse({ type: RoundSetDto })
  setRound(@Param() p: FundParamsDto, @Body() dto: SetVotingRoundDto): Promise<RoundSetDto> {
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
  @ApiOkResponse({ type: BallotDto })
  ballot(@Param() p: FundParamsDto): Promise<BallotDto> {
    return this.voting.ballot(p.npuCode, p.year);
  }

  @ResidentOnly()
  @Post('votes')
  @ApiOperation({ summary: 'Cast your one ballot: up to K bids (verified residents of the NPU, while voting is open)' })
  @ApiCreatedResponse({ type: VotesCastDto })
  vote(@CurrentResident() me: ResidentPrincipal, @Param() p: FundParamsDto, @Body() dto: CastVotesDto): Promise<VotesCastDto> {
    return this.voting.vote(me.id, p.npuCode, p.year, dto.bidIds);
  }

  @Staff({ npuFrom: ['params.npuCode'] })
  @Get('voting/results')
  @ApiOperation({ summary: 'Bids ranked by votes, and which the fund could pay for going down the ranking' })
  @ApiOkResponse({ type: VotingResultsDto })
  results(@Param() p: FundParamsDto): Promise<VotingResultsDto> {
    return this.voting.results(p.npuCode, p.year);
  }
}
