import { Controller, Get, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { notFound, StaffPage } from '@beacon/core';
import { CampaignService } from '@beacon/reports';
import { CsrfGuard, labelFor } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, me, REPORT_READERS } from './console-pages';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
// Staff who sign residents up (door knock, street, event) get their own link; analysts read only.
const LINK_HOLDERS: readonly string[] = ['admin', 'npu_lead', 'eco', 'officer'];
const figure = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-GB'));

/**
 * A campaign (operation): its attribution report (target against control wards, by tactic, per
 * officer and per team) and the signed-in officer's own sign-up link with its QR code.
 */
@ApiExcludeController()
@StaffPage({ roles: REPORT_READERS })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/campaigns')
export class ConsoleCampaignsController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly campaigns: CampaignService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const rows = await this.campaigns.list(me(req));
    return this.pages.render(req, res, 'campaigns.njk', 'reports', {
      campaigns: rows.map((c) => ({ code: c.code, name: c.name, tacticText: labelFor('signupSource', c.tactic), startsOn: c.startsOn, endsOn: c.endsOn })),
    });
  }

  @Get(':code')
  async show(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('code') code: string) {
    if (!CODE.test(code)) throw notFound('Campaign');
    const staff = me(req);
    const r = await this.campaigns.report(staff, code);
    const link = LINK_HOLDERS.includes(staff.role) ? await this.campaigns.officerLink(staff, code) : null;
    const num = (n: number | null) => ({ text: figure(n), format: 'numeric' });
    return this.pages.render(req, res, 'campaign.njk', 'reports', {
      campaign: { code: r.code, name: r.name, tacticText: labelFor('signupSource', r.tactic), startsOn: r.startsOn, endsOn: r.endsOn },
      link: link ? { url: link.url, qrSvg: await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) } : null,
      groups: [
        { text: 'Target wards', g: r.target },
        ...(r.control ? [{ text: 'Control wards', g: r.control }] : []),
      ].map(({ text, g }) => [{ text }, num(g.signups), num(g.households), num(g.per1000Households), num(g.per1000Residents)]),
      ratio: r.ratio,
      tactics: r.byTactic.map((t) => [{ text: labelFor('signupSource', t.tactic) }, num(t.target), num(t.control)]),
      officers: r.byOfficer.map((o) => [{ text: o.officerName }, num(o.signups), num(o.target), num(o.control), num(o.withCode)]),
      teams: r.byTeam.map((t) => [{ text: t.teamName }, num(t.signups), num(t.target), num(t.control), num(t.withCode), num(t.officers)]),
    });
  }
}
