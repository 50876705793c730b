export * from './charts';
export * from './population-share.entity';
export * from './report-period';
export * from './reports.module';
export * from './reports.service';
export { PopulationShareService } from './population-share.service';
export { QPR_FIGURES, QprService, type QprFigureName } from './qpr.service';
export { CampaignService } from './campaigns/campaign.service';
export type { CampaignOfficerLinkDto, CampaignReportDto } from './campaigns/campaign.dto';
