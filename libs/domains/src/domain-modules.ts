import { AuthModule } from '@beacon/auth';
import { CadetsModule } from '@beacon/cadets';
import { ChannelsModule } from '@beacon/channels';
import { EngagementModule } from '@beacon/engagement';
import { FundingModule } from '@beacon/funding';
import { GeographyModule } from '@beacon/geography';
import { ImportsModule } from '@beacon/imports';
import { MessagingModule } from '@beacon/messaging';
import { ReportsModule } from '@beacon/reports';
import { ResidentsModule } from '@beacon/residents';
import { SchemesModule } from '@beacon/schemes';
import { SurveysModule } from '@beacon/surveys';

/** Every domain module, one per line; the API and the worker import the same list. */
export const DOMAIN_MODULES = [
  GeographyModule,
  AuthModule,
  ChannelsModule,
  ResidentsModule,
  MessagingModule,
  EngagementModule,
  FundingModule,
  SchemesModule,
  CadetsModule,
  SurveysModule,
  ReportsModule,
  ImportsModule,
];
