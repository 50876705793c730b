import { describe, expect, it } from '@jest/globals';
import { LANGUAGE_CODES, LANGUAGES_KNOWN, STAFF_ROLES } from '@beacon/core';
import { CADET_ROLES, CADET_UNIT_KINDS } from '@beacon/cadets';
import { REPLY_STATUSES, REPLY_VIA } from '@beacon/engagement';
import { APPLICANT_TYPES, BID_STATUSES, BID_THEMES, EVALUATION_OUTCOMES } from '@beacon/funding';
import { DELIVERY_STATUSES, MESSAGE_CATEGORIES, MESSAGE_STATUSES } from '@beacon/messaging';
import { QPR_FIGURES } from '@beacon/reports';
import { AGE_BANDS, CHANNELS, ETHNICITIES, INTEREST_GROUPS, PRIORITIES, RESIDENT_STATUSES, SIGNUP_SOURCES, TOPICS } from '@beacon/residents';
import { BUILT_IN_SCHEME_TYPES, PATROL_STATUSES, SCHEME_STATUSES } from '@beacon/schemes';
import { humanise, labelFor, VOCABULARY, type VocabularyName } from './vocabulary';

// Every code a domain lib can store has a label: a new enum value without one fails here.
const ENUMS: [VocabularyName, readonly string[]][] = [
  ['role', STAFF_ROLES],
  ['language', LANGUAGE_CODES],
  ['channel', CHANNELS],
  ['topic', TOPICS],
  ['interestGroup', INTEREST_GROUPS],
  ['interestSelf', INTEREST_GROUPS],
  ['ageBand', AGE_BANDS],
  ['ethnicity', ETHNICITIES],
  ['priority', PRIORITIES],
  ['minPriority', PRIORITIES],
  ['residentStatus', RESIDENT_STATUSES],
  ['signupSource', SIGNUP_SOURCES],
  ['messageCategory', MESSAGE_CATEGORIES],
  ['messageStatus', MESSAGE_STATUSES],
  ['deliveryStatus', DELIVERY_STATUSES],
  ['replyStatus', REPLY_STATUSES],
  ['replyVia', REPLY_VIA],
  ['schemeStatus', SCHEME_STATUSES],
  ['patrolStatus', PATROL_STATUSES],
  ['schemeType', BUILT_IN_SCHEME_TYPES],
  ['cadetUnitKind', CADET_UNIT_KINDS],
  ['cadetRole', CADET_ROLES],
  ['bidStatus', BID_STATUSES],
  ['bidTheme', BID_THEMES],
  ['applicantType', APPLICANT_TYPES],
  ['evaluationOutcome', EVALUATION_OUTCOMES],
  ['qprFigure', QPR_FIGURES],
];

describe('vocabulary', () => {
  it.each(ENUMS)('labels every %s code, and nothing else', (name, codes) => {
    expect(Object.keys(VOCABULARY[name]).sort()).toEqual([...codes].sort());
  });

  it('strict lookups (tests) throw on an unknown code; otherwise it is humanised, never raw', () => {
    expect(labelFor('messageStatus', 'pending_approval', true)).toBe('Waiting for approval');
    expect(() => labelFor('messageStatus', 'on_hold', true)).toThrow('No label for on_hold in messageStatus');
    expect(labelFor('messageStatus', 'on_hold')).toBe('On hold');
    expect(humanise('door_knock')).toBe('Door knock');
  });
});

describe('language labels', () => {
  it('are the English names of core\'s LANGUAGES_KNOWN, for every code', () => {
    expect(VOCABULARY.language).toEqual(Object.fromEntries(LANGUAGE_CODES.map((c) => [c, LANGUAGES_KNOWN[c].name])));
  });
});
