import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsUUID, Max, Min } from 'class-validator';
import { IsIsoDateTime } from '@beacon/core';

export class SetVotingRoundDto {
  @ApiProperty({ example: '2019-09-01T09:00:00Z' }) @IsIsoDateTime() opensAt: string;
  @ApiProperty({ example: '2019-09-30T21:00:00Z' }) @IsIsoDateTime() closesAt: string;
  @ApiProperty({ minimum: 1, maximum: 50, description: 'How many bids each resident may vote for (K)' })
  @IsInt() @Min(1) @Max(50) maxVotesPerResident: number;
  @ApiProperty({ type: [String], description: 'The bids on the ballot: open bids of this fund' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID(undefined, { each: true }) bidIds: string[];
}

export class CastVotesDto {
  @ApiProperty({ type: [String], description: 'Up to K bids of the ballot, each once' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsUUID(undefined, { each: true }) bidIds: string[];
}
