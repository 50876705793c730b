import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReportAggregatesService } from '@beacon/reports';
import { ResidentLinksService } from '@beacon/residents';
import { startSmtpSink, waitUntil, type CapturedMail, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, SMALL_GEOGRAPHY, type TestApp } from './utils/test-app';
import { startTwilioStub, twilioSignature, type TwilioStub } from './utils/twilio-stub';
import { makeResident } from './utils/factories';
import {
  buildNpuWorld,
  deref,
  FINANCIAL_YEAR,
  fillPath,
  futureWindow,
  loadOperations,
  nextSeq,
  ratingToken,
  residentAuth,
  type Auth,
  type NpuWorld,
  type OpenApiDoc,
  type Operation,
  type Schema,
} from './utils/world';

/**
 * Issue #10: every operation of /docs-json gets malformed requests (wrong JSON types, missing
 * and unknown fields, oversized bodies and strings, impossible dates, bad path parameters,
 * broken JSON, wrong content types) and injection / markup strings in every string field and
 * query parameter. Malformed input must be a 4xx in the standard error body and write nothing;
 * injection strings may be accepted, but only as data (stored and echoed verbatim in JSON,
 * escaped in HTML), never a 5xx.
 */

const SQLI = ["' OR 1=1 --", "'; DROP TABLE resident; --"];
const XSS_SCRIPT = '<script>alert(1)</script>';
const XSS_ATTR = '"><img src=x onerror=alert(1)>';
const NUL = 'a\u0000b';
// Both SQL strings and the script in one value, so every field gets all three in one request.
const COMBINED = `${SQLI[0]} ${SQLI[1]} ${XSS_SCRIPT}`;
const INJECTIONS = [...SQLI, XSS_SCRIPT, XSS_ATTR, COMBINED];
const MAX_CASES_PER_OPERATION = 30;
// Tables that legitimately record attempts (audit trail, rate-limit windows, receipts of signed webhooks:
// test/webhook-replay checks that an unsigned one leaves none).
const RECORDS_ATTEMPTS = new Set(['audit_event', 'rate_limit_bucket', 'webhook_receipt']);
// Derived from the tables above by the worker's 5-minute report refresh (libs/reports), on its own
// timer and not by any request: a refresh that ticked between two snapshots changed them (seen in a
// session-9 CI rehearsal). A request that wrote a rating, reply or resident still shows in those tables.
const REFRESHED_AGGREGATES = new Set([
  'message_engagement', 'message_engagement_dirty', 'message_npu_engagement', 'report_refresh',
  'resident_month_stats', 'resident_profile_month_stats', 'resident_profile_stats', 'resident_source_month_stats', 'resident_stats_dirty',
]);
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const DAY = 24 * 3600 * 1000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** supertest parser that keeps every response (JSON, HTML, SVG, CSV) as its text. */
const asText = (res: unknown, done: (err: Error | null, body: string) => void) => {
  const stream = res as NodeJS.ReadableStream;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.on('end', () => done(null, text));
};

type Expectation =
  /** 400 from validation whose details name each of these fields (top-level names or dotted paths). */
  | { kind: 'validation'; fields: string[] }
  | { kind: 'status'; statuses: number[]; message?: string }
  /** Injection / markup: anything but a 5xx; 2xx bodies hold the value verbatim as data. */
  | { kind: 'inject'; field?: string; value: string };

interface Case {
  op: Operation;
  name: string;
  method: Operation['method'];
  url: string;
  auth: Auth | null;
  contentType?: string;
  body?: string | Buffer;
  expect: Expectation;
}

interface Sent {
  c: Case;
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

/** The hand-written valid body of every operation that takes one (the fuzzer mutates it). */
type BodyFactory = (w: NpuWorld, x: { extraResidentId: string }) => Record<string, unknown> | string;
const VALID_BODIES: Record<string, BodyFactory> = {
  'POST /api/v1/geography/import': () => SMALL_GEOGRAPHY,
  'POST /api/v1/geography/ons-lookup': () => 'WD24CD,WD24NM,LAD24CD,LAD24NM\nE05099002,Fuzz Ward,E08000025,Birmingham',
  'POST /api/v1/geography/ward-mapping': () => 'ward_code,neighbourhood,npu_code\nE05099002,Fuzz,BE',
  'POST /api/v1/geography/populations': () => 'ward_code,population\nBE01,27000',
  'POST /api/v1/geography/postcodes': () => 'pcds,osward,lat,long,doterm\nB33 8TH,BE01,52.47,-1.79,',
  'POST /api/v1/areas': (w) => ({ name: `Fuzz Area ${nextSeq()}`, kind: 'hotspot', npuCode: w.npu, wardCodes: [w.ward] }),
  'PATCH /api/v1/areas/{id}': () => ({ name: `Fuzz Area Renamed ${nextSeq()}` }),
  'POST /api/v1/imports/residents': () =>
    `email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\nfuzz.import.${nextSeq()}@example.org,,Pat,Fuzz,B33 8TH,BE01,email,appeals,,2019-03-02,2019-03-02,true,false,wmnow`,
  'POST /api/v1/imports/{id}/commit': () => ({ welcome: false }),
  'POST /api/v1/imports/schemes': () =>
    `scheme_type,scheme_name,ward_code,email,phone,role,joined_at,consent_at,source\nneighbourhood_watch,Fuzz NW ${nextSeq()},BE01,fuzz.nobody@example.org,,member,2019-03-02,,wmnow`,
  'POST /api/v1/auth/staff/login': () => ({ email: 'nobody@test.local', password: 'not-the-password' }),
  'POST /api/v1/staff': () => ({ email: `fuzz.staff.${nextSeq()}@test.local`, name: 'Fuzz Staff', password: 'fuzz-password-123', role: 'eco', npuCode: 'BE' }),
  'POST /api/v1/residents': () => ({
    email: `fuzz.signup.${nextSeq()}@example.org`,
    firstName: 'Pat',
    lastName: 'Fuzz',
    postcode: 'B33 8TH',
    wardCode: 'BE01',
    channels: ['email'],
    topics: ['appeals'],
    interestGroups: ['student'],
    source: 'online',
    campaignCode: 'FUZZ-1',
    demographics: { ageBand: '25-34', ethnicity: 'prefer_not_to_say', language: 'English' },
    consent: true,
  }),
  'POST /api/v1/residents/verify': () => ({ phone: '07911 123456', code: '123456' }),
  'POST /api/v1/residents/verify/resend': () => ({ email: 'nobody@example.org' }),
  'POST /api/v1/auth/resident/magic-link': () => ({ email: 'nobody@example.org' }),
  'POST /api/v1/auth/resident/exchange': () => ({ token: 'not-a-real-token' }),
  'PATCH /api/v1/me': () => ({
    firstName: 'Pat',
    lastName: 'Fuzz',
    postcode: 'B33 8TH',
    wardCode: 'BE01',
    channels: [{ channel: 'email', enabled: true, minPriority: 'information' }],
    topics: ['appeals'],
    interestGroups: ['student'],
    demographics: { language: 'English' },
    quietStart: '22:00',
    quietEnd: '07:00',
  }),
  'POST /api/v1/messages/audience-preview': (w) => ({ channels: ['email'], priority: 'standard', audience: { wardCodes: [w.ward], topics: ['road_safety'] } }),
  'POST /api/v1/messages': (w) => ({
    title: 'Fuzz title',
    body: 'Fuzz body',
    category: 'community_update',
    priority: 'standard',
    channels: ['email'],
    audience: { wardCodes: [w.ward], topics: ['road_safety'] },
    scheduledAt: new Date(Date.now() + 30 * DAY).toISOString(),
  }),
  // Multipart (issue 23): fuzzed as a text body, which the route refuses (400) before any file is read;
  // malformed forms and files are in test/message-attachments.e2e-spec.ts.
  'POST /api/v1/messages/{id}/attachments': () => 'not,a,multipart,form',
  'POST /api/v1/templates': () => ({ name: `Fuzz Template ${nextSeq()}`, category: 'appeal', title: 'Appeal in {{location}}', body: 'On {{date}} at {{location}}', npuCode: 'BE' }),
  'PATCH /api/v1/templates/{id}': () => ({ name: `Fuzz Template Renamed ${nextSeq()}` }),
  'POST /r/{token}': () => ({ score: 5, comment: 'Useful' }),
  'POST /r/{token}/reply': () => ({ body: 'A reply' }),
  'POST /api/v1/messages/{id}/rating': () => ({ score: 5, comment: 'Useful' }),
  'POST /api/v1/messages/{id}/replies': () => ({ body: 'A reply' }),
  'POST /api/v1/replies/{id}/responses': () => ({ body: 'A response' }),
  'PUT /api/v1/funds/{npuCode}/{year}': () => ({ budgetPence: 50_000_000 }),
  'POST /api/v1/bids': () => ({
    npuCode: 'BE',
    financialYear: FINANCIAL_YEAR,
    applicantName: 'Fuzz Group',
    applicantType: 'group',
    contactEmail: `fuzz.bid.${nextSeq()}@example.org`,
    title: 'Fuzz bid',
    summary: 'A summary',
    theme: 'other',
    amountRequestedPence: 10000,
  }),
  'POST /api/v1/bids/{id}/assign': (w) => ({ staffId: w.authorId }),
  'POST /api/v1/bids/{id}/approve': () => ({ amountAwardedPence: 5000 }),
  'POST /api/v1/bids/{id}/reject': () => ({ reason: 'Not eligible' }),
  'POST /api/v1/bids/{id}/payments': () => ({ amountPence: 100, paidOn: '2019-11-30' }),
  'POST /api/v1/bids/{id}/evaluation': () => ({ outcome: 'achieved', notes: 'Went well' }),
  'POST /api/v1/funds/{npuCode}/{year}/voting': (w) => ({
    opensAt: new Date(Date.now() + 300 * DAY).toISOString(),
    closesAt: new Date(Date.now() + 310 * DAY).toISOString(),
    maxVotesPerResident: 1,
    bidIds: [w.bidId],
  }),
  'POST /api/v1/funds/{npuCode}/{year}/votes': (w) => ({ bidIds: [w.bidId] }),
  'POST /api/v1/scheme-types': () => ({ code: `fuzz_${nextSeq()}`, name: 'Fuzz Watch' }),
  'POST /api/v1/schemes': (w) => ({ type: 'neighbourhood_watch', name: `Fuzz Watch ${nextSeq()}`, wardCode: w.ward }),
  'PATCH /api/v1/schemes/{id}': (w) => ({ name: 'Renamed', status: 'active', coordinatorResidentId: w.coordinatorId }),
  'POST /api/v1/schemes/{id}/members': (_w, x) => ({ residentId: x.extraResidentId, consent: 'in_person' }),
  'POST /api/v1/schemes/{id}/patrols': (w) => ({ ...futureWindow(), route: 'High Street', volunteerResidentIds: w.memberIds }),
  'POST /api/v1/patrols/{id}/report': () => ({ observations: 'All quiet' }),
  'POST /api/v1/patrols/{id}/cancel': () => ({ reason: 'Rained off' }),
  'POST /api/v1/me/schemes/{id}/members': (_w, x) => ({ residentId: x.extraResidentId }),
  'POST /api/v1/me/schemes/{id}/patrols': (w) => ({ ...futureWindow(), route: 'High Street', volunteerResidentIds: w.memberIds }),
  'POST /api/v1/me/patrols/{id}/report': () => ({ observations: 'All quiet' }),
  'POST /api/v1/me/patrols/{id}/cancel': () => ({ reason: 'Rained off' }),
  'PUT /api/v1/scheme-targets': () => ({ npuCode: 'BE', type: 'neighbourhood_watch', target: 5, dueDate: '2027-03-31' }),
  'POST /api/v1/cadet-units': () => ({ npuCode: 'BE', name: `Fuzz Cadets ${nextSeq()}`, kind: 'cadets' }),
  'POST /api/v1/cadet-units/{id}/members': () => ({
    firstName: 'Sam',
    lastName: `Cadet${nextSeq()}`,
    dateOfBirth: isoDate(Date.now() - 12 * 365 * DAY),
    guardianName: 'Guardian',
    guardianPhone: '0121 496 0123',
    role: 'cadet',
  }),
  'POST /api/v1/cadet-units/{id}/sessions': (w) => ({ heldOn: isoDate(Date.now() - nextSeq() * DAY), attendeeIds: [w.cadetMemberId] }),
  'POST /api/v1/surveys': () => ({
    title: 'Fuzz survey',
    intro: 'Tell us',
    npuCode: 'BE',
    templates: ['confidence'],
    questions: [{ kind: 'single_choice', text: 'Yes or no?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] }],
    opensAt: new Date(Date.now() + 30 * DAY).toISOString(),
    closesAt: new Date(Date.now() + 60 * DAY).toISOString(),
    publicLink: false,
  }),
  'POST /api/v1/surveys/{id}/messages': (w) => ({ title: 'Fuzz survey message', body: 'Tell us', category: 'community_update', channels: ['email'], audience: { wardCodes: [w.ward] } }),
  'POST /api/v1/surveys/{id}/link': (w) => ({ messageId: w.draftMessageId }),
  'POST /api/v1/population-shares': () => 'area_code,dimension,category,share_percent\nFORCE,ethnicity,white,70.1',
  'POST /api/v1/campaigns': (w) => ({
    code: `FUZZ-${nextSeq()}`, name: 'Fuzz operation', npuCode: w.npu, tactic: 'door_knock', startsOn: '2019-10-01', endsOn: '2019-10-31',
    targetWards: [{ wardCode: w.ward, households: 100 }], controlWards: [],
  }),
};

/** The survey the survey routes are fuzzed against (BE, open). */
let fuzzSurveyId = '';

/** The real resource each path parameter points at (BE). */
function pathValues(t: TestApp, op: Operation, w: NpuWorld): Record<string, string> {
  const p = op.path;
  const v: Record<string, string> = { npuCode: w.npu, year: FINANCIAL_YEAR, token: ratingToken(t, w.deliveryId), postcode: 'B33 8TH' };
  if (p.startsWith('/api/v1/messages/')) Object.assign(v, { id: w.sentMessageId, attachmentId: NIL_UUID }); // the sent message has no attachment: a well-formed unknown id
  else if (p.startsWith('/api/v1/replies/')) Object.assign(v, { id: w.replyId, attachmentId: NIL_UUID }); // the world's reply has no attachment: a well-formed unknown id
  else if (p.startsWith('/api/v1/bids/')) v.id = w.bidId;
  else if (/\/schemes\/\{id\}/.test(p)) Object.assign(v, { id: w.schemeId, residentId: w.memberIds[1] });
  else if (/\/patrols\/\{id\}\/report$/.test(p)) v.id = w.pastPatrolId;
  else if (/\/patrols\/\{id\}/.test(p)) v.id = w.patrolId; // staff and resident routes (cancel)
  else if (p.startsWith('/api/v1/cadet-units/')) Object.assign(v, { id: w.unitId, memberId: w.cadetMemberId });
  else if (p.startsWith('/api/v1/surveys/')) v.id = fuzzSurveyId;
  else if (p.startsWith('/api/v1/areas/')) v.id = NIL_UUID; // well-formed unknown id (no area in the world)
  else if (p.startsWith('/api/v1/imports/')) v.id = NIL_UUID; // no import in the world: a well-formed unknown id
  else if (p.startsWith('/api/v1/templates/')) v.id = NIL_UUID; // no template in the world: a well-formed unknown id
  else if (p.startsWith('/api/v1/reports/campaigns/')) v.code = 'FUZZ-NONE'; // no campaign in the world: a well-formed unknown code
  else if (p.startsWith('/api/v1/campaigns/')) v.code = 'FUZZ-NONE'; // an officer's link for a campaign not in the world
  return v;
}

/** Malformed values for a path parameter, with the status each must get. */
function badPathValues(name: string, security: Operation['security']): [string, number[]][] {
  if (name === 'year') return [['2019-21', [400]], ['2019/20', [400, 404]], [SQLI[0], [400]], ['9'.repeat(300), [400]]];
  if (name === 'npuCode') return [['be', [400]], [SQLI[1], [400]], ['X'.repeat(300), [400]]];
  if (name === 'token') return [['garbage', [400]], [SQLI[0], [400]], [`${'a'.repeat(3000)}.b.c`, [400]]];
  // Not a postcode → 400; a well-formed postcode outside the force → 404.
  // A campaign code: letters, digits, - and _, up to 40.
  if (name === 'code') return [['not a code', [400]], [SQLI[0], [400]], ['A'.repeat(2000), [400]], ['FUZZ-NONE', [404]]];
  if (name === 'postcode') return [['not-a-postcode', [400]], [SQLI[0], [400]], ['A'.repeat(2000), [400]], ['ZZ99 9ZZ', [404]]];
  return [
    ['not-a-uuid', [400]],
    [SQLI[0], [400]],
    [`${NIL_UUID}' OR '1'='1`, [400]],
    ['A'.repeat(2000), [400]],
    // Resident routes may answer 403 for any message not sent to them, so existence is not revealed.
    [NIL_UUID, security === 'resident' ? [403, 404] : [404]],
  ];
}

/** A value of the wrong JSON type for a property (the valid value decides when there is one). */
function wrongType(valid: unknown, schema: Schema | undefined): unknown {
  if (valid !== undefined && valid !== null) return typeof valid === 'string' ? 12345 : typeof valid === 'object' && !Array.isArray(valid) ? ['x'] : 'not-the-right-type';
  return schema?.type === 'number' || schema?.type === 'integer' || schema?.type === 'boolean' || schema?.type === 'array' ? 'not-the-right-type' : 12345;
}

const looksLikeDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v);

function caseUrl(op: Operation, values: Record<string, string>, query = ''): string {
  return fillPath(op.path, values) + (query ? `?${query}` : '');
}

function malformedCases(t: TestApp, doc: OpenApiDoc, op: Operation, w: NpuWorld, auth: Auth, valid?: Record<string, unknown> | string): Case[] {
  const values = pathValues(t, op, w);
  const url = caseUrl(op, values);
  const cases: Case[] = [];
  const add = (name: string, c: Partial<Case> & Pick<Case, 'expect'>) => cases.push({ op, name, method: op.method, url, auth, ...c });

  for (const param of op.pathParams) {
    for (const [bad, statuses] of badPathValues(param, op.security)) {
      add(`path ${param}=${bad.slice(0, 40)}`, {
        url: caseUrl(op, { ...values, [param]: bad }),
        ...(typeof valid === 'object' ? { contentType: 'application/json', body: JSON.stringify(valid) } : {}),
        expect: { kind: 'status', statuses },
      });
    }
  }
  if (op.queryParams.length) {
    for (const q of op.queryParams) {
      add(`query ${q.name} oversized`, { url: `${url}?${q.name}=${'9'.repeat(5000)}`, expect: { kind: 'validation', fields: [q.name] } });
      add(`query ${q.name} twice (array)`, { url: `${url}?${q.name}=1&${q.name}=2`, expect: { kind: 'validation', fields: [q.name] } });
      if (['from', 'to', 'month'].includes(q.name)) add(`query ${q.name} impossible date`, { url: `${url}?${q.name}=2019-W01`, expect: { kind: 'validation', fields: [q.name] } });
    }
    add('unknown query parameter', { url: `${url}?fuzzExtra=1`, expect: { kind: 'validation', fields: ['fuzzExtra'] } });
  }
  if (!op.bodyTypes.length) return cases;

  if (typeof valid === 'string') {
    // text/csv (geography import)
    add('csv: unterminated quote', { contentType: 'text/csv', body: `${valid}\n"BE,x`, expect: { kind: 'status', statuses: [400] } });
    add('csv: wrong header', { contentType: 'text/csv', body: 'a,b,c\n1,2,3', expect: { kind: 'status', statuses: [400] } });
    add('csv: 1 MB of junk', { contentType: 'text/csv', body: 'x'.repeat(1024 * 1024), expect: { kind: 'status', statuses: [400] } });
    // Imports stream the body (no 5 MB cap, libs/imports): there these lines have the wrong number of fields.
    add('csv: 6 MB', { contentType: 'text/csv', body: `${valid}\n${'BE,Birmingham East,Hodge Hill,BE01,Hodge Hill,1\n'.repeat(130_000)}`, expect: { kind: 'status', statuses: op.path.startsWith('/api/v1/imports/') || op.path === '/api/v1/geography/postcodes' ? [400] : [413] } });
    add('csv: JSON object instead', { contentType: 'application/json', body: JSON.stringify({ csv: valid }), expect: { kind: 'status', statuses: [400] } });
    add('csv: SQL in cells', { contentType: 'text/csv', body: `${valid.split('\n')[0]}\nBE,Birmingham East,Hodge Hill,BE01,Hodge Hill,${SQLI[1]}`, expect: { kind: 'status', statuses: [400] } });
    add('csv: malformed JSON content type', { contentType: 'application/json', body: '{"csv": ', expect: { kind: 'status', statuses: [400] } });
    return cases;
  }

  const body = valid ?? {};
  const json = (o: unknown) => JSON.stringify(o);
  const schema = op.bodySchema;
  add('malformed JSON', { contentType: 'application/json', body: '{"fuzz": [1, 2,', expect: { kind: 'status', statuses: [400], message: 'Malformed request body' } });
  // The JSON API answers 415 to a body no parser reads (libs/core README); text/plain is read (as CSV text) and fails validation.
  add('wrong content type (XML)', { contentType: 'application/xml', body: '<fuzz><a>1</a></fuzz>', expect: { kind: 'status', statuses: [op.path.startsWith('/api/') ? 415 : 400] } });
  add('wrong content type (text/plain JSON)', { contentType: 'text/plain', body: json(body), expect: { kind: 'status', statuses: [400] } });
  add('body is an array', { contentType: 'application/json', body: json([body]), expect: { kind: 'status', statuses: [400] } });
  add('1 MB body', { contentType: 'application/json', body: json({ ...body, fuzzPadding: 'x'.repeat(1024 * 1024) }), expect: { kind: 'status', statuses: [413] } });
  add('unknown field', { contentType: 'application/json', body: json({ ...body, fuzzExtra: 'x' }), expect: { kind: 'validation', fields: ['fuzzExtra'] } });
  add('UTF-8 sent as charset=utf-16', { contentType: 'application/json; charset=utf-16', body: json(body), expect: { kind: 'status', statuses: [400], message: 'Malformed request body' } });
  add('charset=latin-1', { contentType: 'application/json; charset=latin-1', body: json(body), expect: { kind: 'status', statuses: [415] } });
  add('20 000 levels of nesting', { contentType: 'application/json', body: `${json(body).slice(0, -1)}, "fuzzDeep": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`, expect: { kind: 'status', statuses: [400] } });
  add('__proto__ field', { contentType: 'application/json', body: `{"__proto__": {"fuzzPolluted": true}, ${json(body).slice(1)}`, expect: { kind: 'status', statuses: [400] } });

  const stringFields = Object.entries(body).filter(([, v]) => typeof v === 'string').map(([k]) => k);
  if (stringFields.length) {
    const long = Object.fromEntries(stringFields.map((k) => [k, 'x'.repeat(20_000)]));
    add('every string field 20 000 characters', { contentType: 'application/json', body: json({ ...body, ...long }), expect: { kind: 'validation', fields: stringFields } });
  }
  // Dates that do not exist, and ISO 8601 week dates that JavaScript's Date cannot read.
  const dates = Object.entries(body).filter(([, v]) => looksLikeDate(v));
  if (dates.length) {
    const fields = dates.map(([k]) => k);
    const impossible = Object.fromEntries(dates.map(([k, v]) => [k, (v as string).includes('T') ? '2030-02-30T10:00:00Z' : '2019-02-30']));
    add(`${fields.join(', ')}: 30 February`, { contentType: 'application/json', body: json({ ...body, ...impossible }), expect: { kind: 'validation', fields } });
    add(`${fields.join(', ')}: week date`, { contentType: 'application/json', body: json({ ...body, ...Object.fromEntries(fields.map((k) => [k, '2030-W01'])) }), expect: { kind: 'validation', fields } });
  }
  // Numbers out of every range: Infinity (1e999 in JSON), past 32 bits, negative, fractional.
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'number') continue;
    for (const n of ['1e999', '2147483648', '-1', '1.5']) {
      add(`${k}=${n}`, { contentType: 'application/json', body: json({ ...body, [k]: '__N__' }).replace('"__N__"', n), expect: { kind: 'validation', fields: [k] } });
    }
  }
  const props = Object.keys(schema?.properties ?? {});
  for (const k of props) {
    add(`${k}: wrong type`, { contentType: 'application/json', body: json({ ...body, [k]: wrongType(body[k], deref(doc, schema!.properties![k])) }), expect: { kind: 'validation', fields: [k] } });
  }
  // All required fields left out at once: the 400 must name each of them.
  const required = (schema?.required ?? []).filter((k) => k in body);
  if (required.length) {
    const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !required.includes(k)));
    add(`missing ${required.join(', ')}`, { contentType: 'application/json', body: json(rest), expect: { kind: 'validation', fields: required } });
  }
  // One level down: the first object-valued property gets a wrong-typed and an unknown nested field.
  const nested = Object.entries(body).find(([, v]) => v && typeof v === 'object' && !Array.isArray(v));
  if (nested) {
    const [k, v] = nested as [string, Record<string, unknown>];
    const inner = Object.keys(v)[0];
    add(`${k}.${inner}: wrong type, ${k}.fuzzExtra`, {
      contentType: 'application/json',
      body: json({ ...body, [k]: { ...v, [inner]: wrongType(v[inner], undefined), fuzzExtra: 1 } }),
      expect: { kind: 'validation', fields: [`${k}.${inner}`, `${k}.fuzzExtra`] },
    });
  }
  return cases;
}

function injectionCases(t: TestApp, op: Operation, w: NpuWorld, auth: Auth, valid?: Record<string, unknown> | string, fresh?: () => Record<string, unknown>): Case[] {
  const url = caseUrl(op, pathValues(t, op, w));
  const cases: Case[] = [];
  // Each field gets both SQL strings and the script together, a NUL byte, and each single one in turn.
  const payloads = (i: number) => [COMBINED, NUL, [...SQLI, XSS_SCRIPT, XSS_ATTR][i % 4]];
  op.queryParams.forEach((q, i) => {
    for (const value of payloads(i)) {
      cases.push({ op, name: `query ${q.name}=${JSON.stringify(value)}`, method: op.method, url: `${url}?${q.name}=${encodeURIComponent(value)}`, auth, expect: { kind: 'inject', value } });
    }
  });
  if (valid && typeof valid === 'object') {
    const strings = Object.entries(valid).filter(([, v]) => typeof v === 'string');
    for (const [i, [k]] of strings.entries()) {
      for (const value of payloads(i)) {
        cases.push({
          op,
          name: `${k}=${JSON.stringify(value)}`,
          method: op.method,
          url,
          auth,
          contentType: 'application/json',
          body: JSON.stringify({ ...(fresh?.() ?? valid), [k]: value }),
          expect: { kind: 'inject', field: k, value },
        });
      }
    }
  }
  return cases;
}

function isStandardErrorBody(s: Sent): boolean {
  const b = s.body as Record<string, unknown> | undefined;
  return (
    /^application\/json/.test(s.contentType) &&
    !!b &&
    b.statusCode === s.status &&
    typeof b.error === 'string' &&
    b.error.length > 0 &&
    typeof b.message === 'string' &&
    !('stack' in b)
  );
}

describe('fuzz: every operation of /docs-json against malformed and hostile input', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let stub: TwilioStub;
  let doc: OpenApiDoc;
  let ops: Operation[];
  let admin: Auth;
  let be: NpuWorld;
  let residentBe: Auth;
  const extraResidents: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stub = await startTwilioStub();
    t = await createTestApp({ SMTP_URL: smtp.url, ...stub.env() });
    await seedGeography(t);
    admin = (await loginAs(t, 'admin')).auth as Auth;
    ({ doc, ops } = await loadOperations(t));
    be = await buildNpuWorld(t, admin, 'BE');
    // The fuzzing resident coordinates BE's scheme and was sent BE's message: resident routes reach their checks.
    residentBe = residentAuth(t, be.coordinatorId);
    for (let i = 0; i < 3; i++) extraResidents.push((await makeResident(t, { ward: 'BE02' })).id);
    await t.app.get(ReportAggregatesService).refresh();
    const survey = await t.http().post('/api/v1/surveys').set(...admin).send({ title: 'Fuzzed survey', npuCode: 'BE', templates: ['confidence'] }).expect(201);
    await t.http().post(`/api/v1/surveys/${survey.body.id}/open`).set(...admin).expect(200);
    fuzzSurveyId = survey.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await stub?.close();
  });

  const authFor = (op: Operation): Auth => (op.security === 'resident' ? residentBe : admin);
  const validBody = (op: Operation) => VALID_BODIES[op.key]?.(be, { extraResidentId: extraResidents[0] });

  async function send(c: Case): Promise<Sent> {
    // Public rate limits would answer 429 before validation: each case starts with fresh windows
    // (the one resident route with a limit, PATCH /me, allows 120 an hour: more than it gets here).
    if (c.op.security === 'public') await t.sql('DELETE FROM rate_limit_bucket');
    let req = t.http()[c.method](c.url).set('Accept', 'application/json').buffer(true).parse(asText);
    if (c.auth) req = req.set(...c.auth);
    if (c.contentType) req = req.set('Content-Type', c.contentType);
    const res = c.body !== undefined ? await req.send(c.body) : await req;
    const text = res.body as string;
    const contentType = res.headers['content-type'] ?? '';
    let body: unknown;
    if (/^application\/json/.test(contentType)) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    return { c, status: res.status, contentType, body, text };
  }

  /** Row counts and contents of every public table but the two that record attempts. */
  async function snapshot(): Promise<Record<string, string>> {
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const out: Record<string, string> = {};
    for (const { table_name: name } of tables) {
      if (RECORDS_ATTEMPTS.has(name) || REFRESHED_AGGREGATES.has(name)) continue;
      const [row] = await t.sql<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM public."${name}" x`);
      out[name] = `${row.n} rows, ${row.h}`;
    }
    return out;
  }

  function problems(results: Sent[]): string[] {
    const out: string[] = [];
    for (const s of results) {
      const { c } = s;
      const label = `${c.op.key} [${c.name}] → ${s.status}`;
      if (s.status >= 500) {
        out.push(`${label}: server error ${s.text.slice(0, 200)}`);
        continue;
      }
      if (s.status >= 400 && !isStandardErrorBody(s)) out.push(`${label}: not the standard error body: ${s.contentType} ${s.text.slice(0, 200)}`);
      const e = c.expect;
      if (e.kind === 'status' && !e.statuses.includes(s.status)) out.push(`${label}: expected ${e.statuses.join(' or ')}: ${s.text.slice(0, 200)}`);
      if (e.kind === 'status' && e.message && (s.body as { message?: string } | undefined)?.message !== e.message) out.push(`${label}: expected message ${e.message}: ${s.text.slice(0, 200)}`);
      if (e.kind === 'validation') {
        if (s.status !== 400) out.push(`${label}: expected 400 naming ${e.fields.join(', ')}: ${s.text.slice(0, 200)}`);
        else {
          const details = ((s.body as { details?: string[] }).details ?? []).join('\n');
          const missing = e.fields.filter((f) => !new RegExp(`(^|\\n)${f.replace('.', '\\.')}\\b`).test(details));
          if (missing.length) out.push(`${label}: 400 does not name ${missing.join(', ')}: ${s.text.slice(0, 300)}`);
        }
      }
      if (e.kind === 'inject') {
        if (s.status === 401 && c.op.key !== 'POST /api/v1/auth/staff/login') out.push(`${label}: an authorised caller got 401`);
        if (s.status >= 200 && s.status < 300) {
          if (/^text\/html/.test(s.contentType) && (s.text.includes('<script>alert(1)') || s.text.includes('<img src=x'))) out.push(`${label}: raw markup in HTML`);
          if (/^image\/svg/.test(s.contentType) && (s.text.includes('<script>alert(1)') || s.text.includes('<img src=x'))) out.push(`${label}: raw markup in SVG`);
          if (/^application\/json/.test(s.contentType) && e.field && s.body && typeof s.body === 'object' && !Array.isArray(s.body)) {
            const echoed = (s.body as Record<string, unknown>)[e.field];
            if (typeof echoed === 'string' && echoed !== e.value) out.push(`${label}: ${e.field} echoed as ${JSON.stringify(echoed)}, not verbatim`);
          }
        }
      }
    }
    return out;
  }

  it('has a valid body for every operation that takes one, and every body-less route is reachable', () => {
    const withBody = ops.filter((op) => op.bodyTypes.length).map((op) => op.key);
    expect(withBody.filter((k) => !VALID_BODIES[k])).toEqual([]);
    expect(Object.keys(VALID_BODIES).filter((k) => !withBody.includes(k))).toEqual([]);
    expect(ops.length).toBeGreaterThan(80);
  });

  it('malformed requests get a 4xx in the standard error body and write nothing', async () => {
    const before = await snapshot();
    const results: Sent[] = [];
    let total = 0;
    const counts: Record<string, number> = {};
    for (const op of ops) {
      const cases = malformedCases(t, doc, op, be, authFor(op), validBody(op));
      counts[op.key] = cases.length;
      expect({ op: op.key, cases: Math.min(cases.length, MAX_CASES_PER_OPERATION) }).toEqual({ op: op.key, cases: cases.length });
      for (const c of cases) results.push(await send(c));
      total += cases.length;
    }
    expect(problems(results)).toEqual([]);
    expect(Object.getPrototypeOf({}).fuzzPolluted).toBeUndefined();
    expect(await snapshot()).toEqual(before);
    // Every operation with a path parameter, query or body was exercised.
    expect(ops.filter((op) => (op.pathParams.length || op.queryParams.length || op.bodyTypes.length) && !counts[op.key]).map((op) => op.key)).toEqual([]);
    expect(total).toBeGreaterThan(500);
  }, 240_000);

  it('without a token, every staff and resident route answers 401 (and bad tokens too), writing nothing', async () => {
    const before = await snapshot();
    const results: Sent[] = [];
    const forged = [
      null,
      ['Authorization', 'Bearer not-a-jwt'] as Auth,
      // alg "none": must never be accepted
      ['Authorization', `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"sub":"${be.authorId}","typ":"staff"}`).toString('base64url')}.`] as Auth,
      ['Authorization', `Basic ${Buffer.from('admin:admin').toString('base64')}`] as Auth,
    ];
    for (const op of ops.filter((o) => o.security !== 'public')) {
      const valid = validBody(op);
      for (const auth of forged) {
        results.push(
          await send({
            op,
            name: `auth ${auth ? auth[1].slice(0, 12) : 'none'}`,
            method: op.method,
            url: caseUrl(op, pathValues(t, op, be)),
            auth,
            ...(valid === undefined ? {} : { contentType: typeof valid === 'string' ? 'text/csv' : 'application/json', body: typeof valid === 'string' ? valid : JSON.stringify({ ...valid, fuzzExtra: 1 }) }),
            expect: { kind: 'status', statuses: [401] },
          }),
        );
      }
    }
    expect(problems(results)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('SQL and markup in every string field and query parameter: never a 5xx; accepted only as verbatim data', async () => {
    const tablesBefore = (await t.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.table_name);
    const results: Sent[] = [];
    for (const op of ops) {
      if (op.key === 'DELETE /api/v1/me') continue; // no input to inject, and it would erase the fuzzing resident
      const valid = validBody(op);
      const fresh = VALID_BODIES[op.key] ? () => VALID_BODIES[op.key](be, { extraResidentId: extraResidents[1] }) as Record<string, unknown> : undefined;
      const cases = injectionCases(t, op, be, authFor(op), valid, fresh);
      expect({ op: op.key, cases: Math.min(cases.length, MAX_CASES_PER_OPERATION) }).toEqual({ op: op.key, cases: cases.length });
      for (const c of cases) results.push(await send(c));
    }
    expect(problems(results)).toEqual([]);
    // Nothing was dropped, and the strings were stored as typed: not escaped on the way in.
    const tablesAfter = (await t.sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.table_name);
    expect(tablesAfter).toEqual(tablesBefore);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM resident'))[0].n).toBeGreaterThan(0);
    const columns = await t.sql<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables tb USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying') AND c.table_name <> 'audit_event'`,
    );
    let verbatim = 0;
    for (const { table_name: tn, column_name: cn } of columns) {
      const [row] = await t.sql<{ raw: number; escaped: number }>(
        `SELECT count(*) FILTER (WHERE "${cn}" = ANY($1))::int AS raw, count(*) FILTER (WHERE "${cn}" LIKE '%&lt;%' OR "${cn}" LIKE '%&#39;%' OR "${cn}" LIKE '%&quot;%')::int AS escaped FROM public."${tn}"`,
        [INJECTIONS],
      );
      verbatim += row.raw;
      expect({ column: `${tn}.${cn}`, escaped: row.escaped }).toEqual({ column: `${tn}.${cn}`, escaped: 0 });
    }
    expect(verbatim).toBeGreaterThan(20);
    // Every operation × every field: about a minute on a loaded machine.
  }, 240_000);

  it('the resident pages (outside /docs-json) answer junk, NUL bytes and markup with a 4xx page, writing nothing', async () => {
    const links = t.app.get(ResidentLinksService);
    const full = links.manageToken(be.memberIds[0], 'full');
    const prefs = links.manageToken(be.memberIds[0], 'prefs');
    const junk = [NUL, SQLI[1], XSS_ATTR, 'x'.repeat(5000)];
    const forms: [string, [string, string][], number[]][] = [];
    // Free-text fields refuse only NUL (control characters) and length; markup and quotes are data.
    for (const v of [NUL, 'x'.repeat(5000)]) {
      forms.push(['/signup', [['firstName', 'Pat'], ['email', 'pat.page@example.org'], ['wardCode', 'BE01'], ['channels', 'email'], ['consent', 'yes'], ['language', v]], [400]]);
    }
    for (const v of junk) {
      forms.push(
        ['/signup', [['firstName', v], ['lastName', v], ['email', `${v}@example.org`], ['phone', v], ['postcode', v], ['wardCode', v], ['channels', v], ['topics', v], ['language', v], ['consent', 'yes']], [400]],
        ['/verify', [['phone', v], ['code', v]], [400]],
        ['/verify', [['phone', '07911 123456'], ['code', v]], [400]],
        ['/verify/resend', [['phone', v]], [400]],
        ['/me', [['token', v]], [400]],
        ['/me', [['token', full], ['firstName', v], ['wardCode', 'BE01'], ['channels', 'email']], [400]],
        ['/me', [['token', full], ['wardCode', v], ['channels', v], [`minPriority-email`, v], ['topics', v], ['quietStart', v]], [400]],
        ['/me', [['token', prefs], ['wardCode', v], ['quietEnd', v]], [400]],
        ['/me/delete', [['token', v], ['confirm', 'yes']], [400]],
        ['/me/delete', [['token', prefs], ['confirm', 'yes']], [403]],
        ['/me/delete', [['token', full], ['confirm', v]], [400]],
        ['/me/export', [['token', v]], [400]],
        ['/me/link', [['email', v]], [400]],
        [`/u/${encodeURIComponent(v)}`, [['List-Unsubscribe', 'One-Click']], [400, 404]],
      );
    }
    const before = await snapshot();
    const failures: string[] = [];
    for (const [path, fields, statuses] of forms) {
      await t.sql('DELETE FROM rate_limit_bucket');
      const res = await t.http().post(path).type('form').send(new URLSearchParams(fields).toString());
      const label = `POST ${path.slice(0, 40)} ${JSON.stringify(fields).slice(0, 80)} → ${res.status}`;
      if (!statuses.includes(res.status)) failures.push(`${label}: expected ${statuses.join(' or ')}`);
      if (!/^text\/html/.test(res.headers['content-type'] ?? '')) failures.push(`${label}: not an HTML page`);
      if ((res.text ?? '').includes('<img src=x') || (res.text ?? '').includes('"><img')) failures.push(`${label}: raw markup`);
    }
    for (const url of [...junk.map((v) => `/verify?token=${encodeURIComponent(v)}`), ...junk.map((v) => `/me?token=${encodeURIComponent(v)}`), ...junk.map((v) => `/u/${encodeURIComponent(v)}`)]) {
      const res = await t.http().get(url);
      if (![400, 404].includes(res.status) || !/^text\/html/.test(res.headers['content-type'] ?? '') || (res.text ?? '').includes('<img src=x')) failures.push(`GET ${url.slice(0, 60)} → ${res.status} ${res.headers['content-type']}`);
    }
    // No file is served from the console's paths, wherever the path points (its old browser modules are gone).
    for (const file of ['..%2F..%2Fpackage.json', '..%2Fmain.js', 'index.html', `${encodeURIComponent(XSS_SCRIPT)}.js`, 'api.js%00.txt']) {
      const res = await t.http().get(`/console/${file}`);
      if (res.status !== 404 || (res.text ?? '').includes('"dependencies"')) failures.push(`GET /console/${file} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  describe('Twilio webhooks', () => {
    const junk: [string, string, string | Buffer][] = [
      ['form', 'application/x-www-form-urlencoded', 'MessageSid=SM00000000000000000000000000000000&MessageStatus=delivered&From=%2B447911123456&Body=STOP'],
      ['sql form', 'application/x-www-form-urlencoded', `MessageSid=${encodeURIComponent(SQLI[1])}&From=${encodeURIComponent(SQLI[0])}&Body=${encodeURIComponent(XSS_SCRIPT)}`],
      ['json', 'application/json', JSON.stringify({ MessageSid: 'SMx', MessageStatus: 'failed', ErrorCode: '21610' })],
      ['text', 'text/plain', 'hello'],
      ['xml', 'application/xml', '<Response/>'],
      ['empty', 'application/x-www-form-urlencoded', ''],
      ['binary', 'application/octet-stream', Buffer.from([0, 1, 2, 255])],
    ];

    it('answer 403 to unsigned or wrongly signed junk, writing nothing', async () => {
      const before = await snapshot();
      for (const path of ['/webhooks/twilio/status', '/webhooks/twilio/inbound']) {
        for (const [name, type, body] of junk) {
          for (const signature of [undefined, 'bm90LWEtc2lnbmF0dXJl', twilioSignature('wrong-auth-token', `http://beacon.test${path}`, {})]) {
            let req = t.http().post(path).set('Content-Type', type);
            if (signature) req = req.set('X-Twilio-Signature', signature);
            const res = await req.send(body);
            expect({ path, name, signature: !!signature, status: res.status }).toEqual({ path, name, signature: !!signature, status: 403 });
            expect(res.body).toEqual(expect.objectContaining({ statusCode: 403, error: 'Forbidden', message: 'Invalid Twilio signature' }));
          }
        }
        // A signature for other parameters than those sent (replayed and tampered).
        const params = { MessageSid: 'SM11111111111111111111111111111111', MessageStatus: 'delivered' };
        const sig = twilioSignature(stub.authToken, `http://beacon.test${path}`, params);
        await t.http().post(path).type('form').set('X-Twilio-Signature', sig).send({ ...params, MessageStatus: 'failed', ErrorCode: '21610' }).expect(403);
        const bad = await t.http().post(path).set('Content-Type', 'application/json').send('{"MessageSid": ');
        expect(bad.status).toBe(400);
      }
      expect(await snapshot()).toEqual(before);
    });

    it('signed junk is answered without storing anything', async () => {
      const before = await snapshot();
      const status = { MessageSid: `${SQLI[1]}`, MessageStatus: 'delivered', ErrorCode: XSS_SCRIPT };
      await t.http().post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', twilioSignature(stub.authToken, 'http://beacon.test/webhooks/twilio/status', status)).send(status).expect(204);
      const inbound = { MessageSid: SQLI[0], From: SQLI[1], Body: XSS_SCRIPT, To: '+447700900001' };
      const res = await t.http().post('/webhooks/twilio/inbound').type('form').set('X-Twilio-Signature', twilioSignature(stub.authToken, 'http://beacon.test/webhooks/twilio/inbound', inbound)).send(inbound).expect(200);
      expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('markup typed by residents, staff and applicants is escaped in every page and e-mail', () => {
    const NAME = XSS_SCRIPT;
    const LAST = XSS_ATTR;
    const raw = (html: string) => html.includes('<script>alert(1)') || html.includes('<img src=x') || html.includes('"><img');
    const htmlOf = (m: CapturedMail) => (typeof m.parsed.html === 'string' ? m.parsed.html : '');
    const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
    const waitMail = async (address: string, n = 1) => {
      await waitUntil(() => mailsTo(address).length >= n, 20_000, `${n} e-mail(s) to ${address}`);
      return mailsTo(address)[n - 1];
    };
    const expectPage = (res: { status: number; text: string; headers: Record<string, string> }, status: number) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(raw(res.text)).toBe(false);
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    };

    it('sign-up page re-render, verification e-mail, verified page and /me', async () => {
      await t.sql('DELETE FROM rate_limit_bucket');
      const rerender = await t
        .http()
        .post('/signup')
        .type('form')
        .send(new URLSearchParams([['firstName', NAME], ['lastName', LAST], ['email', `${XSS_SCRIPT}@x`], ['postcode', XSS_ATTR], ['language', NAME], ['wardCode', XSS_ATTR], ['channels', 'email'], ['consent', 'yes'], ['campaignCode', XSS_SCRIPT]]).toString());
      expectPage(rerender, 400);
      const get = await t.http().get(`/signup?source=${encodeURIComponent(XSS_ATTR)}&campaign=${encodeURIComponent(XSS_SCRIPT)}`).expect(200);
      expect(raw(get.text)).toBe(false);

      const email = `xss.${nextSeq()}@example.org`;
      await t.http().post('/api/v1/residents').send({ email, firstName: NAME, lastName: LAST, wardCode: 'BE01', channels: ['email'], consent: true }).expect(202);
      const [stored] = await t.sql<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM resident WHERE email = $1', [email]);
      expect(stored).toEqual({ first_name: NAME, last_name: LAST });
      const verifyMail = await waitMail(email);
      expect(raw(htmlOf(verifyMail))).toBe(false);
      const token = /\/verify\?token=([A-Za-z0-9_.-]+)/.exec(verifyMail.parsed.text ?? '')![1];
      const verified = await t.http().get(`/verify?token=${token}`);
      expectPage(verified, 200);
      const manage = /href="(\/me\?token=[^"]+)"/.exec(verified.text)![1].replace(/&amp;/g, '&');
      expectPage(await t.http().get(manage), 200);
    });

    it('a broadcast titled with markup: e-mail, rating page, thank-you and reply pages, unsubscribe page; the staff response e-mail', async () => {
      const email = `xss.reader.${nextSeq()}@example.org`;
      const reader = await makeResident(t, { ward: 'BE03', email, firstName: NAME });
      const eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
      const composed = await t
        .http()
        .post('/api/v1/messages')
        .set(...eco)
        .send({ title: NAME, body: `${LAST}\n${XSS_SCRIPT} https://example.org/?q=<script>`, category: 'appeal', channels: ['email'], audience: { wardCodes: ['BE03'] } })
        .expect(201);
      expect(composed.headers['content-type']).toMatch(/^application\/json/);
      expect(composed.body.title).toBe(NAME);
      await t.http().post(`/api/v1/messages/${composed.body.id}/send`).set(...eco).expect(202);
      const mail = await waitMail(email);
      expect(raw(htmlOf(mail))).toBe(false);
      expect(htmlOf(mail)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.parsed.subject).toContain(NAME); // a header is text, not markup

      const rating = /\/r\/([^\s?"]+)/.exec(mail.parsed.text!)![1];
      expectPage(await t.http().get(`/r/${rating}`), 200);
      expectPage(await t.http().get(`/r/${rating}?score=3`), 200);
      const rated = await t.http().post(`/r/${rating}`).type('form').send({ score: '4', comment: LAST });
      expect([rated.status, rated.headers.location]).toEqual([303, `/r/${rating}/rated`]);
      expectPage(await t.http().get(rated.headers.location), 200);
      const replied = await t.http().post(`/r/${rating}/reply`).type('form').send({ body: `${NAME} ${LAST}` });
      expect([replied.status, replied.headers.location]).toEqual([303, `/r/${rating}/replied`]);
      const repliedPage = await t.http().get(replied.headers.location).expect(200);
      expect(repliedPage.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(raw(repliedPage.text)).toBe(false);
      const [reply] = await t.sql<{ id: string; body: string }>('SELECT id, body FROM reply WHERE resident_id = $1', [reader.id]);
      expect(reply.body).toBe(`${NAME} ${LAST}`);

      const unsubscribe = /^Unsubscribe: http:\/\/beacon\.test(\S+)$/m.exec(mail.parsed.text!)![1];
      const unsubPage = await t.http().get(unsubscribe).expect(200);
      expect(raw(unsubPage.text)).toBe(false);

      await t.http().post(`/api/v1/replies/${reply.id}/responses`).set(...eco).send({ body: `${XSS_SCRIPT} ${XSS_ATTR}` }).expect(201);
      const response = await waitMail(email, 2);
      expect(raw(htmlOf(response))).toBe(false);
      expect(htmlOf(response)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it('an ACF bid with markup: the applicant e-mail; schemes and cadet units keep the name as JSON data', async () => {
      const contactEmail = `xss.bid.${nextSeq()}@example.org`;
      await t.sql('DELETE FROM rate_limit_bucket');
      await t
        .http()
        .post('/api/v1/bids')
        .send({ npuCode: 'BE', financialYear: FINANCIAL_YEAR, applicantName: NAME, applicantType: 'group', contactEmail, title: LAST, summary: XSS_SCRIPT, theme: 'other', amountRequestedPence: 500 })
        .expect(201);
      const ack = await waitMail(contactEmail);
      expect(raw(htmlOf(ack))).toBe(false);

      const scheme = await t.http().post('/api/v1/schemes').set(...admin).send({ type: 'neighbourhood_watch', name: NAME, wardCode: 'BE02' }).expect(201);
      expect(scheme.headers['content-type']).toMatch(/^application\/json/);
      expect(scheme.headers['x-content-type-options']).toBe('nosniff');
      expect(scheme.body.name).toBe(NAME);
      expect((await t.http().get(`/api/v1/schemes/${scheme.body.id}`).set(...admin).expect(200)).body.name).toBe(NAME);
      const unit = await t.http().post('/api/v1/cadet-units').set(...admin).send({ npuCode: 'BE', name: `${LAST} ${nextSeq()}`, kind: 'junior_pcso' }).expect(201);
      expect(unit.body.name).toMatch(/^"><img src=x onerror=alert\(1\)> \d+$/);
    });

    it('ward names with markup (CSV import) are escaped on the sign-up page and in the SVG chart', async () => {
      const csv = ['npu_code,npu_name,neighbourhood,ward_code,ward_name,population', `XS,${NAME},"${LAST.replace(/"/g, '""')}",XS01,${NAME},1000`].join('\n');
      await t.http().post('/api/v1/geography/import').set(...admin).set('Content-Type', 'text/csv').send(csv).expect(200);
      const page = await t.http().get('/signup').expect(200);
      expect(raw(page.text)).toBe(false);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const svg = await t.http().get('/api/v1/reports/charts/reach.svg?npu=XS').set(...admin).buffer(true).parse(asText).expect(200);
      expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(raw(svg.body as string)).toBe(false);
      expect(svg.body as string).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });
});
