import { AUTH_ENTITIES } from '@beacon/auth';
import { CADET_ENTITIES } from '@beacon/cadets';
import { CORE_ENTITIES } from '@beacon/core';
import { ENGAGEMENT_ENTITIES } from '@beacon/engagement';
import { FUNDING_ENTITIES } from '@beacon/funding';
import { GEOGRAPHY_ENTITIES } from '@beacon/geography';
import { IMPORT_ENTITIES } from '@beacon/imports';
import { MESSAGING_ENTITIES } from '@beacon/messaging';
import { REPORT_ENTITIES } from '@beacon/reports';
import { RESIDENT_ENTITIES, RESIDENT_IMPORT_ENTITIES } from '@beacon/residents';
import { SCHEME_ENTITIES } from '@beacon/schemes';
import { SURVEY_ENTITIES } from '@beacon/surveys';

/** Every entity of every lib, one lib per line: what migrations are generated from and checked against. */
export const ALL_ENTITIES = [
  ...CORE_ENTITIES,
  ...GEOGRAPHY_ENTITIES,
  ...AUTH_ENTITIES,
  ...RESIDENT_ENTITIES,
  ...MESSAGING_ENTITIES,
  ...ENGAGEMENT_ENTITIES,
  ...FUNDING_ENTITIES,
  ...REPORT_ENTITIES,
  ...SCHEME_ENTITIES,
  ...CADET_ENTITIES,
  ...SURVEY_ENTITIES,
  ...RESIDENT_IMPORT_ENTITIES,
  ...IMPORT_ENTITIES,
];
