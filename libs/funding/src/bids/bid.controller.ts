import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, scopedNpu } from '@beacon/auth';
import { Public, RateLimit, Staff, type StaffPrincipal } from '@beacon/core';
import { BID_ASSIGNERS, BID_CASEWORKERS, BID_DECIDERS } from '../funding-roles';
import {
  ApproveBidDto,
  AssignBidDto,
  BidIdParamsDto,
  BidListQueryDto,
  RecordEvaluationDto,
  RecordPaymentDto,
  RejectBidDto,
  SubmitBidDto,
} from './bid.dto';
import { BidDecisionService } from './bid-decision.service';
import { BidService } from './bid.service';
import { BidDetailDto, BidPageDto, BidSubmittedDto, BidViewDto, EvaluationRecordedDto, PaymentRecordedDto } from '../funding-response.dto';

@ApiTags('funding')
@Controller('api/v1/bids')
export class BidController {
  constructor(
    private readonly bids: BidService,
    private readonly decisions: BidDecisionService,
  ) {}

  @Public()
  @RateLimit({ name: 'bid-submit', windowSeconds: 3600, perIp: 50, perValue: { fields: { contactEmail: 'email' }, limit: 10 } })
  @Post()
  @ApiOperation({ summary: 'Submit a bid to an NPU\'s Active Citizens Fund (public; staff may submit for applicants)' })
  @ApiCreatedResponse({ type: BidSubmittedDto })
  submit(@Body() dto: SubmitBidDto): Promise<BidSubmittedDto> {
    return this.bids.submit(dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get()
  @ApiOperation({ summary: 'Bids, newest first; NPU-bound staff see their NPU only' })
  @ApiOkResponse({ type: BidPageDto })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: BidListQueryDto): Promise<BidPageDto> {
    return this.bids.list(me, { npuCode: scopedNpu(me, q.npu), financialYear: q.year, status: q.status }, q.cursor, q.limit);
  }

  @Staff()
  @Get(':id')
  @ApiOperation({ summary: 'A bid with its payments and evaluation' })
  @ApiOkResponse({ type: BidDetailDto })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto): Promise<BidDetailDto> {
    return this.bids.get(me, p.id);
  }

  @Staff({ roles: BID_CASEWORKERS })
  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'submitted → under_review' })
  @ApiOkResponse({ type: BidViewDto })
  review(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto): Promise<BidViewDto> {
    return this.bids.review(me, p.id);
  }

  @Staff({ roles: BID_CASEWORKERS })
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'submitted | under_review → withdrawn' })
  @ApiOkResponse({ type: BidViewDto })
  withdraw(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto): Promise<BidViewDto> {
    return this.bids.withdraw(me, p.id);
  }

  @Staff({ roles: BID_ASSIGNERS })
  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Align the bid to an active staff member of its NPU' })
  @ApiOkResponse({ type: BidViewDto })
  assign(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: AssignBidDto): Promise<BidViewDto> {
    return this.bids.assign(me, p.id, dto.staffId);
  }

  @Staff({ roles: BID_DECIDERS })
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'under_review → approved; 409 BUDGET_EXCEEDED when the fund cannot cover the award' })
  @ApiOkResponse({ type: BidViewDto })
  approve(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: ApproveBidDto): Promise<BidViewDto> {
    return this.decisions.approve(me, p.id, dto.amountAwardedPence);
  }

  @Staff({ roles: BID_DECIDERS })
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'under_review → rejected' })
  @ApiOkResponse({ type: BidViewDto })
  reject(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RejectBidDto): Promise<BidViewDto> {
    return this.decisions.reject(me, p.id, dto.reason);
  }

  @Staff({ roles: BID_DECIDERS })
  @Post(':id/payments')
  @ApiOperation({ summary: 'Record a payment; the total paid never exceeds the award (409)' })
  @ApiCreatedResponse({ type: PaymentRecordedDto })
  recordPayment(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RecordPaymentDto): Promise<PaymentRecordedDto> {
    return this.decisions.recordPayment(me, p.id, dto.amountPence, dto.paidOn);
  }

  @Staff({ roles: BID_CASEWORKERS })
  @Post(':id/evaluation')
  @ApiOperation({ summary: 'Record the end-of-project evaluation: approved → completed' })
  @ApiCreatedResponse({ type: EvaluationRecordedDto })
  evaluate(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RecordEvaluationDto): Promise<EvaluationRecordedDto> {
    return this.bids.evaluate(me, p.id, dto);
  }
}
