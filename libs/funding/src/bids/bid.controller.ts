import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, scopedNpu } from '@beacon/auth';
import { Public, RateLimit, Staff, type StaffPrincipal, type StaffRole } from '@beacon/core';
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

/** Work a bid through its review (not analysts: they only read). */
const CASEWORKERS: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer'];
/** Decide on money: approvals, rejections, payments. */
const DECIDERS: StaffRole[] = ['admin', 'npu_lead'];

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
  submit(@Body() dto: SubmitBidDto) {
    return this.bids.submit(dto);
  }

  @Staff({ npuFrom: ['query.npu'] })
  @Get()
  @ApiOperation({ summary: 'Bids, newest first; NPU-bound staff see their NPU only' })
  list(@CurrentStaff() me: StaffPrincipal, @Query() q: BidListQueryDto) {
    return this.bids.list(me, { npuCode: scopedNpu(me, q.npu), financialYear: q.year, status: q.status }, q.cursor, q.limit);
  }

  @Staff()
  @Get(':id')
  @ApiOperation({ summary: 'A bid with its payments and evaluation' })
  get(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto) {
    return this.bids.get(me, p.id);
  }

  @Staff({ roles: CASEWORKERS })
  @Post(':id/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'submitted → under_review' })
  review(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto) {
    return this.bids.review(me, p.id);
  }

  @Staff({ roles: CASEWORKERS })
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'submitted | under_review → withdrawn' })
  withdraw(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto) {
    return this.bids.withdraw(me, p.id);
  }

  @Staff({ roles: ['admin', 'npu_lead', 'eco', 'officer', 'cadet_leader'] })
  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Align the bid to an active staff member of its NPU' })
  assign(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: AssignBidDto) {
    return this.bids.assign(me, p.id, dto.staffId);
  }

  @Staff({ roles: DECIDERS })
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'under_review → approved; 409 BUDGET_EXCEEDED when the fund cannot cover the award' })
  approve(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: ApproveBidDto) {
    return this.decisions.approve(me, p.id, dto.amountAwardedPence);
  }

  @Staff({ roles: DECIDERS })
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'under_review → rejected' })
  reject(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RejectBidDto) {
    return this.decisions.reject(me, p.id, dto.reason);
  }

  @Staff({ roles: DECIDERS })
  @Post(':id/payments')
  @ApiOperation({ summary: 'Record a payment; the total paid never exceeds the award (409)' })
  recordPayment(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RecordPaymentDto) {
    return this.decisions.recordPayment(me, p.id, dto.amountPence, dto.paidOn);
  }

  @Staff({ roles: CASEWORKERS })
  @Post(':id/evaluation')
  @ApiOperation({ summary: 'Record the end-of-project evaluation: approved → completed' })
  evaluate(@CurrentStaff() me: StaffPrincipal, @Param() p: BidIdParamsDto, @Body() dto: RecordEvaluationDto) {
    return this.bids.evaluate(me, p.id, dto);
  }
}
