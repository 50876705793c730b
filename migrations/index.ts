import { Baseline1796300000000 } from './1796300000000-Baseline';
import { StaffSignInThrottle1796304000001 } from './1796304000001-StaffSignInThrottle';
import { RadiusTargeting1796305000001 } from './1796305000001-RadiusTargeting';
import { SchemeImport1796306000001 } from './1796306000001-SchemeImport';
import { InboundEmail1796307000001 } from './1796307000001-InboundEmail';
import { AsAtHistory1796308000001 } from './1796308000001-AsAtHistory';
import { ReplyAssignment1796311000001 } from './1796311000001-ReplyAssignment';
import { MessageTemplates1796312000001 } from './1796312000001-MessageTemplates';
import { MessageTranslations1796312000002 } from './1796312000002-MessageTranslations';
import { Campaigns1796405000001 } from './1796405000001-Campaigns';
import { MessageNpuEngagement1796405000002 } from './1796405000002-MessageNpuEngagement';
import { FundBudgetHistory1796405000003 } from './1796405000003-FundBudgetHistory';
import { WebhookReceipts1796407000001 } from './1796407000001-WebhookReceipts';
import { StoredFilesAndReplyAttachments1796408000001 } from './1796408000001-StoredFilesAndReplyAttachments';
import { ResidentCampaignCodeIndex1796411000001 } from './1796411000001-ResidentCampaignCodeIndex';
import { MessageAttachments1796501000001 } from './1796501000001-MessageAttachments';
import { IncrementalReportAggregates1796503000001 } from './1796503000001-IncrementalReportAggregates';
import { ResidentAssistedBy1796503000002 } from './1796503000002-ResidentAssistedBy';
import { AudienceCells1796504000001 } from './1796504000001-AudienceCells';
import { MessageDeliveryCounts1796504000002 } from './1796504000002-MessageDeliveryCounts';
import { MonthlyPartitions1796505000001 } from './1796505000001-MonthlyPartitions';
import { DeliveryCountTriggersOnPartitions1796505000002 } from './1796505000002-DeliveryCountTriggersOnPartitions';
import { ReplicaHeartbeat1796506000001 } from './1796506000001-ReplicaHeartbeat';
import { FanOutSlices1796507000001 } from './1796507000001-FanOutSlices';
import { AppendOnlyDeliveryCounts1796512000001 } from './1796512000001-AppendOnlyDeliveryCounts';
import { AudienceSyncChangedOnly1796512000002 } from './1796512000002-AudienceSyncChangedOnly';
import { AudienceRefreshSetBased1796512000003 } from './1796512000003-AudienceRefreshSetBased';
import { AudienceRefreshNoNestedLoops1796512000004 } from './1796512000004-AudienceRefreshNoNestedLoops';
import { AudienceRefreshAnalyseBulk1796512000005 } from './1796512000005-AudienceRefreshAnalyseBulk';
import { AudienceRefreshLoopsForSmall1796607000001 } from './1796607000001-AudienceRefreshLoopsForSmall';
import { MaintainedReportCounts1796608000001 } from './1796608000001-MaintainedReportCounts';
import { MaintainedRatingCounts1796800000001 } from './1796800000001-MaintainedRatingCounts';
import { AudienceRefreshPerResidentForSmall1796900000001 } from './1796900000001-AudienceRefreshPerResidentForSmall';

// Migrations in the order they run (written by `npm run migration:generate`). Never edit one that has landed.
// The first 22 were squashed into the baseline before the first release (its header says how).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [
  Baseline1796300000000,
  StaffSignInThrottle1796304000001,
  RadiusTargeting1796305000001,
  SchemeImport1796306000001,
  InboundEmail1796307000001,
  AsAtHistory1796308000001,
  ReplyAssignment1796311000001,
  MessageTemplates1796312000001,
  MessageTranslations1796312000002,
  Campaigns1796405000001,
  MessageNpuEngagement1796405000002,
  FundBudgetHistory1796405000003,
  WebhookReceipts1796407000001,
  StoredFilesAndReplyAttachments1796408000001,
  ResidentCampaignCodeIndex1796411000001,
  MessageAttachments1796501000001,
  IncrementalReportAggregates1796503000001,
  ResidentAssistedBy1796503000002,
  AudienceCells1796504000001,
  MessageDeliveryCounts1796504000002,
  MonthlyPartitions1796505000001,
  DeliveryCountTriggersOnPartitions1796505000002,
  ReplicaHeartbeat1796506000001,
  FanOutSlices1796507000001,
  AppendOnlyDeliveryCounts1796512000001,
  AudienceSyncChangedOnly1796512000002,
  AudienceRefreshSetBased1796512000003,
  AudienceRefreshNoNestedLoops1796512000004,
  AudienceRefreshAnalyseBulk1796512000005,
  AudienceRefreshLoopsForSmall1796607000001,
  MaintainedReportCounts1796608000001,
  MaintainedRatingCounts1796800000001,
  AudienceRefreshPerResidentForSmall1796900000001,
];
