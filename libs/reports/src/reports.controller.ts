import { Controller, Get, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentStaff } from '@beacon/auth';
import { reportCsv, type ReportFormatDto } from '@beacon/web';
import { ApiDocumentResponse, ApiJsonOrCsvResponse, Staff, type StaffPrincipal } from '@beacon/core';
import { AreaMonthQueryDto, MessagesReportQueryDto, QprQueryDto, RangeReportQueryDto, SignupsQueryDto, SimQueryDto } from './reports.dto';
import { QprService } from './qpr.service';
import { ReportStalenessInterceptor } from './report-staleness.interceptor';
import { ReportsService } from './reports.service';
import { AcfReportDto, AssistedReportDto, AttributionRowDto, MessageQualityRowDto, QprPackDto, RatingSummaryDto, ReachRowDto, RepresentationRowDto, SignupRowDto, SimPackDto } from './reports-response.dto';

const READERS = { roles: ['admin', 'analyst', 'npu_lead', 'eco', 'officer'] as const, npuFrom: ['query.npu'] as const };
const Reader = () => Staff({ roles: [...READERS.roles], npuFrom: [...READERS.npuFrom] });

/** Flattens nested report objects into one CSV table with a `section` column (a report's own scalars, such as `lastRefreshedAt`, are not tables). */
export function flattenForCsv(value: unknown, section = ''): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap((v) => (v && typeof v === 'object' && !Array.isArray(v) ? flattenRow(v as Record<string, unknown>, section) : []));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v instanceof Date
        ? []
        : Array.isArray(v) || (v && typeof v === 'object' && !isFlat(v as Record<string, unknown>))
          ? flattenForCsv(v, section ? `${section}.${k}` : k)
          : v && typeof v === 'object'
            ? flattenRow(v as Record<string, unknown>, section ? `${section}.${k}` : k)
            : [],
    );
  }
  return [];
}
const isFlat = (o: Record<string, unknown>) => Object.values(o).every((v) => v === null || typeof v !== 'object');
const flattenRow = (o: Record<string, unknown>, section: string) => [section ? { section, ...o } : o];

function send(res: Response, q: ReportFormatDto, name: string, data: unknown) {
  if (q.format !== 'csv') return data;
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return reportCsv(flattenForCsv(data), { headings: q.columns });
}

@ApiTags('reports')
@UseInterceptors(ReportStalenessInterceptor)
@Controller('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly qprs: QprService,
  ) {}

  @Reader()
  @Get('signups')
  @ApiJsonOrCsvResponse(SignupRowDto, { isArray: true })
  async signups(@CurrentStaff() me: StaffPrincipal, @Query() q: SignupsQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'signups', await this.reports.signups(me, q));
  }

  @Reader()
  @Get('reach')
  @ApiJsonOrCsvResponse(ReachRowDto, { isArray: true })
  async reach(@CurrentStaff() me: StaffPrincipal, @Query() q: AreaMonthQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'reach', await this.reports.reach(me, q));
  }

  @Reader()
  @Get('representation')
  @ApiJsonOrCsvResponse(RepresentationRowDto, { isArray: true })
  async representation(@CurrentStaff() me: StaffPrincipal, @Query() q: AreaMonthQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'representation', await this.reports.representation(me, q));
  }

  @Reader()
  @Get('attribution')
  @ApiJsonOrCsvResponse(AttributionRowDto, { isArray: true })
  async attribution(@CurrentStaff() me: StaffPrincipal, @Query() q: RangeReportQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'attribution', await this.reports.attribution(me, q));
  }

  @Reader()
  @Get('attribution/officers')
  @ApiJsonOrCsvResponse(AssistedReportDto, { description: 'JSON, or CSV with ?format=csv (byOfficer and byTeam, named in a section column)' })
  async assisted(@CurrentStaff() me: StaffPrincipal, @Query() q: RangeReportQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'attribution-officers', await this.reports.assisted(me, q));
  }

  @Reader()
  @Get('messages')
  @ApiJsonOrCsvResponse(MessageQualityRowDto, { isArray: true })
  async messages(@CurrentStaff() me: StaffPrincipal, @Query() q: MessagesReportQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'messages', await this.reports.messages(me, q));
  }

  @Reader()
  @Get('qpr')
  @ApiJsonOrCsvResponse(QprPackDto, { description: 'JSON, or CSV with ?format=csv (one line per figure)' })
  async qpr(@CurrentStaff() me: StaffPrincipal, @Query() q: QprQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, `qpr-${q.npu ?? me.npuCode ?? 'force'}-${q.quarter}`, await this.qprs.pack(me, q));
  }

  @Reader()
  @Get('ratings')
  @ApiJsonOrCsvResponse(RatingSummaryDto)
  async ratings(@CurrentStaff() me: StaffPrincipal, @Query() q: RangeReportQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'ratings', await this.reports.ratings(me, q));
  }

  @Reader()
  @Get('acf')
  @ApiJsonOrCsvResponse(AcfReportDto)
  async acf(@CurrentStaff() me: StaffPrincipal, @Query() q: SimQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, 'acf', await this.reports.acf(me, q));
  }

  @Reader()
  @Get('sim')
  @ApiJsonOrCsvResponse(SimPackDto, { description: 'JSON, or CSV with ?format=csv (each section flattened, named in a section column)' })
  async sim(@CurrentStaff() me: StaffPrincipal, @Query() q: SimQueryDto, @Res({ passthrough: true }) res: Response) {
    return send(res, q, `sim-${q.npu ?? me.npuCode ?? 'force'}-${q.month ?? 'current'}`, await this.reports.sim(me, q));
  }

  @Reader()
  @Get('charts/growth.svg')
  @ApiProduces('image/svg+xml')
  @ApiDocumentResponse('image/svg+xml', 'Line chart of cumulative subscribers')
  async growthChart(@CurrentStaff() me: StaffPrincipal, @Query() q: SignupsQueryDto, @Res() res: Response) {
    res.type('image/svg+xml').send(await this.reports.growthChart(me, q));
  }

  @Reader()
  @Get('charts/reach.svg')
  @ApiProduces('image/svg+xml')
  @ApiDocumentResponse('image/svg+xml', 'Bar chart of the 20 wards with the lowest reach')
  async reachChart(@CurrentStaff() me: StaffPrincipal, @Query() q: AreaMonthQueryDto, @Res() res: Response) {
    res.type('image/svg+xml').send(await this.reports.reachChart(me, q));
  }
}
