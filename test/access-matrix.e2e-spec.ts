import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileStore, STAFF_ROLES, type StaffRole } from '@beacon/core';
import { OnsImportService } from '@beacon/geography';
import { makeResident } from './utils/factories';
import { createTestApp, loginAs, seedGeography, SMALL_GEOGRAPHY, type TestApp } from './utils/test-app';
import {
  buildNpuWorld,
  deref,
  draftMessage,
  FINANCIAL_YEAR,
  fillPath,
  futureWindow,
  insertBid,
  insertCadetMember,
  insertPastPatrol,
  insertReply,
  loadOperations,
  nextSeq,
  ratingToken,
  residentAuth,
  staffAuth,
  type Auth,
  type NpuWorld,
  type OpenApiDoc,
  type Operation,
  type Schema,
} from './utils/world';

/**
 * Issue #10: every staff route × role × own NPU (BE) / other NPU (SW) resource. The expected
 * answer comes from one declaration, written from each controller's @Staff decorator and the
 * service checks behind it; the test fails if /docs-json has a staff route it does not declare.
 */

type Npu = 'BE' | 'SW';
/**
 * How the route is bound to an NPU:
 * - none: force-wide data or reference data, the same for every caller;
 * - query: `?npu=` of another NPU is a 403 for NPU-bound staff (lists pin them to theirs);
 * - body: the NPU (or a ward of it) named in the body;
 * - params: the `{npuCode}` in the path;
 * - resource: the NPU of the row the path's id points at;
 * - force-wide: changes data of every NPU (or shares money between them): force-wide staff only.
 */
type Scope = 'none' | 'query' | 'body' | 'params' | 'resource' | 'force-wide';
interface Rule {
  roles: readonly StaffRole[];
  scope: Scope;
}

const ALL = STAFF_ROLES;
const WRITERS: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead']; // messages
const INBOX: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];
const CASEWORKERS: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer']; // bids
const DECIDERS: StaffRole[] = ['admin', 'npu_lead']; // money
const MANAGERS: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead']; // schemes, patrols
const CADET_WRITERS: StaffRole[] = ['admin', 'cadet_leader'];
const READERS: StaffRole[] = ['admin', 'analyst', 'npu_lead', 'eco', 'officer']; // reports

/** The declaration: every staff route of /docs-json, who may call it, and how it is NPU-bound. */
const ACCESS: Record<string, Rule> = {
  'POST /api/v1/geography/import': { roles: ['admin'], scope: 'force-wide' }, // wards decide who reaches whom
  // Issue 17: ONS geography and the postcode directory (force-wide reference data), postcodes and ward moves.
  'POST /api/v1/geography/ons-lookup': { roles: ['admin'], scope: 'force-wide' },
  'POST /api/v1/geography/ward-mapping': { roles: ['admin'], scope: 'force-wide' },
  'POST /api/v1/geography/populations': { roles: ['admin'], scope: 'force-wide' },
  'POST /api/v1/geography/postcodes': { roles: ['admin'], scope: 'force-wide' },
  'GET /api/v1/postcodes': { roles: ALL, scope: 'none' }, // public reference data, listed for staff
  'GET /api/v1/ward-moves': { roles: READERS, scope: 'none' }, // counts; NPU-bound staff get their NPU's wards
  // Issue 17: named areas of an NPU.
  'POST /api/v1/areas': { roles: MANAGERS, scope: 'body' },
  'GET /api/v1/areas': { roles: ALL, scope: 'query' },
  'GET /api/v1/areas/{id}': { roles: ALL, scope: 'resource' },
  'PATCH /api/v1/areas/{id}': { roles: MANAGERS, scope: 'resource' },
  'DELETE /api/v1/areas/{id}': { roles: MANAGERS, scope: 'resource' },
  'POST /api/v1/staff': { roles: ['admin'], scope: 'body' }, // NPU-bound admins: own NPU only
  'GET /api/v1/staff': { roles: ['admin', 'npu_lead', 'eco'], scope: 'query' },
  'GET /api/v1/staff/me': { roles: ALL, scope: 'none' },
  'GET /api/v1/residents': { roles: ALL, scope: 'query' }, // contacts masked for analysts and cadet leaders
  'POST /api/v1/messages': { roles: WRITERS, scope: 'body' }, // audience areas
  'GET /api/v1/messages': { roles: ALL, scope: 'query' },
  'GET /api/v1/messages/{id}': { roles: ALL, scope: 'resource' },
  'GET /api/v1/messages/{id}/audience': { roles: WRITERS, scope: 'resource' },
  'POST /api/v1/messages/audience-preview': { roles: WRITERS, scope: 'body' }, // audience areas, nothing written
  'GET /api/v1/messages/{id}/preview': { roles: ALL, scope: 'resource' },
  'GET /api/v1/outbox': { roles: ['admin', 'eco'], scope: 'none' }, // dev outbox (404 in production)
  'POST /api/v1/messages/{id}/send': { roles: WRITERS, scope: 'resource' },
  'POST /api/v1/messages/{id}/approve': { roles: ['admin', 'npu_lead'], scope: 'resource' }, // never the author
  'POST /api/v1/messages/{id}/cancel': { roles: ['admin', 'eco', 'npu_lead'], scope: 'resource' }, // officers: their own only
  'POST /api/v1/messages/{id}/resume': { roles: ['admin', 'eco', 'npu_lead'], scope: 'resource' },
  'POST /api/v1/messages/{id}/withdraw': { roles: ['admin', 'eco', 'npu_lead'], scope: 'resource' }, // issue 23; officers: their own only
  // Issue 23: images and PDFs of a draft (as editing the draft).
  'POST /api/v1/messages/{id}/attachments': { roles: WRITERS, scope: 'resource' },
  'DELETE /api/v1/messages/{id}/attachments/{attachmentId}': { roles: WRITERS, scope: 'resource' },
  // Issue 23: message templates (force-wide ones: force-wide admins only, see test/rich-messages.e2e-spec.ts).
  'GET /api/v1/templates': { roles: ALL, scope: 'query' },
  'POST /api/v1/templates': { roles: WRITERS, scope: 'body' },
  'PATCH /api/v1/templates/{id}': { roles: WRITERS, scope: 'resource' },
  'DELETE /api/v1/templates/{id}': { roles: WRITERS, scope: 'resource' },
  'GET /api/v1/inbox': { roles: INBOX, scope: 'query' },
  'GET /api/v1/replies/{id}': { roles: INBOX, scope: 'resource' },
  'POST /api/v1/replies/{id}/responses': { roles: INBOX, scope: 'resource' },
  'POST /api/v1/replies/{id}/close': { roles: INBOX, scope: 'resource' },
  'GET /api/v1/replies/{id}/attachments/{attachmentId}': { roles: INBOX, scope: 'resource' },
  'GET /api/v1/funds/{year}/position': { roles: ['admin', 'analyst', 'npu_lead', 'eco'], scope: 'none' }, // force-wide MI
  'PUT /api/v1/funds/{npuCode}/{year}': { roles: ['admin'], scope: 'force-wide' }, // the force shares the fund out
  'GET /api/v1/bids': { roles: ALL, scope: 'query' },
  'GET /api/v1/bids/{id}': { roles: ALL, scope: 'resource' },
  'POST /api/v1/bids/{id}/review': { roles: CASEWORKERS, scope: 'resource' },
  'POST /api/v1/bids/{id}/withdraw': { roles: CASEWORKERS, scope: 'resource' },
  'POST /api/v1/bids/{id}/assign': { roles: ['admin', 'npu_lead', 'eco', 'officer', 'cadet_leader'], scope: 'resource' },
  'POST /api/v1/bids/{id}/approve': { roles: DECIDERS, scope: 'resource' },
  'POST /api/v1/bids/{id}/reject': { roles: DECIDERS, scope: 'resource' },
  'POST /api/v1/bids/{id}/payments': { roles: DECIDERS, scope: 'resource' },
  'POST /api/v1/bids/{id}/evaluation': { roles: CASEWORKERS, scope: 'resource' },
  'POST /api/v1/funds/{npuCode}/{year}/voting': { roles: ['admin', 'npu_lead'], scope: 'params' },
  'GET /api/v1/funds/{npuCode}/{year}/voting/results': { roles: ALL, scope: 'params' },
  'GET /api/v1/scheme-types': { roles: ALL, scope: 'none' },
  'POST /api/v1/scheme-types': { roles: ['admin'], scope: 'force-wide' }, // reference data of every NPU
  'POST /api/v1/schemes': { roles: MANAGERS, scope: 'body' }, // ward
  'GET /api/v1/schemes': { roles: ALL, scope: 'query' },
  'GET /api/v1/schemes/{id}': { roles: ALL, scope: 'resource' },
  'PATCH /api/v1/schemes/{id}': { roles: MANAGERS, scope: 'resource' },
  'GET /api/v1/schemes/{id}/members': { roles: ALL, scope: 'resource' },
  'POST /api/v1/schemes/{id}/members': { roles: MANAGERS, scope: 'resource' },
  'DELETE /api/v1/schemes/{id}/members/{residentId}': { roles: MANAGERS, scope: 'resource' },
  'POST /api/v1/schemes/{id}/patrols': { roles: MANAGERS, scope: 'resource' },
  'GET /api/v1/patrols': { roles: ALL, scope: 'query' },
  'GET /api/v1/patrols/{id}': { roles: ALL, scope: 'resource' },
  'POST /api/v1/patrols/{id}/report': { roles: MANAGERS, scope: 'resource' },
  'POST /api/v1/patrols/{id}/cancel': { roles: MANAGERS, scope: 'resource' }, // before it starts
  'PUT /api/v1/scheme-targets': { roles: ['admin', 'npu_lead'], scope: 'body' },
  'GET /api/v1/scheme-targets': { roles: ALL, scope: 'query' },
  'GET /api/v1/reports/schemes': { roles: ALL, scope: 'query' },
  'POST /api/v1/cadet-units': { roles: ['admin', 'npu_lead', 'cadet_leader'], scope: 'body' },
  'GET /api/v1/cadet-units': { roles: ALL, scope: 'query' },
  'GET /api/v1/cadet-units/{id}': { roles: ALL, scope: 'resource' },
  'POST /api/v1/cadet-units/{id}/members': { roles: CADET_WRITERS, scope: 'resource' },
  'GET /api/v1/cadet-units/{id}/members': { roles: ALL, scope: 'resource' }, // children's details for admins and cadet leaders only
  'GET /api/v1/cadet-units/{id}/members/{memberId}': { roles: ALL, scope: 'resource' },
  'DELETE /api/v1/cadet-units/{id}/members/{memberId}': { roles: CADET_WRITERS, scope: 'resource' },
  'POST /api/v1/cadet-units/{id}/sessions': { roles: CADET_WRITERS, scope: 'resource' },
  'GET /api/v1/cadet-units/{id}/sessions': { roles: ALL, scope: 'resource' },
  'GET /api/v1/reports/cadets': { roles: ALL, scope: 'query' },
  'GET /api/v1/reports/signups': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/reach': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/representation': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/attribution': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/messages': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/acf': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/sim': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/ratings': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/qpr': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/charts/growth.svg': { roles: READERS, scope: 'query' },
  'GET /api/v1/reports/charts/reach.svg': { roles: READERS, scope: 'query' },
  // Surveys (issue 21)
  'POST /api/v1/surveys': { roles: WRITERS, scope: 'body' }, // npuCode
  'GET /api/v1/surveys/{id}': { roles: ALL, scope: 'resource' },
  'POST /api/v1/surveys/{id}/open': { roles: WRITERS, scope: 'resource' }, // force-wide: an admin other than the author
  'POST /api/v1/surveys/{id}/close': { roles: WRITERS, scope: 'resource' },
  'POST /api/v1/surveys/{id}/messages': { roles: WRITERS, scope: 'resource' }, // and the audience, as compose
  'POST /api/v1/surveys/{id}/link': { roles: WRITERS, scope: 'resource' },
  'GET /api/v1/surveys/{id}/results': { roles: READERS, scope: 'resource' },
  'POST /api/v1/population-shares': { roles: ['admin'], scope: 'none' }, // census shares: force-wide reference data
  // Campaign attribution (issue 22)
  'POST /api/v1/campaigns': { roles: ['admin', 'npu_lead', 'eco'], scope: 'body' }, // npuCode, wards of it
  'GET /api/v1/reports/campaigns/{code}': { roles: READERS, scope: 'resource' },
  'GET /api/v1/campaigns/{code}/officer-link': { roles: ['admin', 'npu_lead', 'eco', 'officer'], scope: 'resource' },
  'GET /api/v1/reports/attribution/officers': { roles: READERS, scope: 'query' }, // sign-ups per officer and team
  'POST /api/v1/imports/residents': { roles: ['admin'], scope: 'none' }, // NPU admins: rows of other NPUs' wards are rejected
  'POST /api/v1/imports/schemes': { roles: ['admin'], scope: 'none' }, // the same for scheme lines
  'POST /api/v1/imports/{id}/commit': { roles: ['admin'], scope: 'resource' }, // the uploader's NPU
  'GET /api/v1/imports/{id}': { roles: ['admin'], scope: 'resource' },
  'GET /api/v1/imports/{id}/rejected.csv': { roles: ['admin'], scope: 'resource' },
};


interface Ctx {
  t: TestApp;
  root: Auth;
  /** The NPU the request is aimed at. */
  npu: Npu;
  w: NpuWorld;
}
interface Call {
  path?: Record<string, string>;
  query?: string;
  body?: Record<string, unknown> | string;
  contentType?: string;
}
const DAY = 24 * 3600 * 1000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const npuQuery = ({ npu }: Ctx): Call => ({ query: `npu=${npu}` });
const id = (pick: (w: NpuWorld) => string) => ({ w }: Ctx): Call => ({ path: { id: pick(w) } });
const author = ({ t, w }: Ctx) => staffAuth(t, w.authorId);
const withStatus = async (c: Ctx, status: string) => {
  const msg = await draftMessage(c.t, author(c), c.w.ward);
  await c.t.sql('UPDATE message SET status = $2 WHERE id = $1', [msg, status]);
  return msg;
};
/** An under-review bid approved (5 000p) by the force-wide admin. */
async function approvedBid(c: Ctx): Promise<string> {
  const bid = await insertBid(c.t, c.npu, 'under_review');
  const res = await c.t.http().post(`/api/v1/bids/${bid}/approve`).set(...c.root).send({ amountAwardedPence: 5000 });
  if (res.status !== 200) throw new Error(`approve: ${res.status} ${res.text}`);
  return bid;
}

/** A fresh future patrol of the NPU's scheme (planned by the force-wide admin), to cancel. */
async function planPatrol(t: TestApp, root: Auth, w: NpuWorld): Promise<string> {
  const res = await t.http().post(`/api/v1/schemes/${w.schemeId}/patrols`).set(...root).send({ ...futureWindow(), route: 'To be cancelled', volunteerResidentIds: w.memberIds });
  if (res.status !== 201) throw new Error(`plan patrol: ${res.status} ${res.text}`);
  return res.body.id;
}

/** A fresh survey of the NPU (created by the force-wide admin), optionally moved to a status. */
async function surveyOf(c: Ctx, status?: 'open'): Promise<string> {
  const res = await c.t.http().post('/api/v1/surveys').set(...c.root).send({ title: `Matrix survey ${nextSeq()}`, npuCode: c.npu, templates: ['confidence'] });
  if (res.status !== 201) throw new Error(`survey: ${res.status} ${res.text}`);
  if (status) await c.t.sql('UPDATE survey SET status = $2, opened_at = now() WHERE id = $1', [res.body.id, status]);
  return res.body.id;
}

const importCsv = (ward: string) =>
  `email,phone,first_name,last_name,postcode,ward_code,channels,topics,interest_groups,consent_at,signed_up_at,email_verified,phone_verified,source\nmatrix.import.${nextSeq()}@example.org,,Pat,Matrix,,${ward},email,,,2019-03-02,2019-03-02,true,false,wmnow\n`;
/** A dry run of a one-line file uploaded by an admin of the target NPU (so the import is that NPU's). */
async function dryRun({ t, npu, w }: Ctx): Promise<string> {
  const res = await t.http().post('/api/v1/imports/residents').set(...(await loginAs(t, 'admin', npu)).auth).set('Content-Type', 'text/csv').send(importCsv(w.ward));
  if (res.status !== 201) throw new Error(`import dry run: ${res.status} ${res.text}`);
  return res.body.id;
}

/** A fresh area of the NPU (straight into the table: the route under test may be the one that creates them). */
async function insertArea(t: TestApp, npu: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>(`INSERT INTO area (name, kind, npu_code) VALUES ($1, 'hotspot', $2) RETURNING id`, [`Matrix Area ${nextSeq()}`, npu]);
  return row.id;
}

/** A one-file multipart form holding a plain ASCII PDF, so the body travels as a string. */
const pdfForm = (): Call => ({
  body: `--matrix\r\nContent-Disposition: form-data; name="file"; filename="matrix.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n\r\n--matrix--\r\n`,
  contentType: 'multipart/form-data; boundary=matrix',
});
/** A fresh draft of the NPU carrying one PDF (uploaded by the force-wide admin). */
async function draftWithAttachment(c: Ctx): Promise<{ id: string; attachmentId: string }> {
  const id = await draftMessage(c.t, author(c), c.w.ward);
  const form = pdfForm();
  const res = await c.t.http().post(`/api/v1/messages/${id}/attachments`).set(...c.root).set('Content-Type', form.contentType!).send(form.body as string);
  if (res.status !== 201) throw new Error(`attachment: ${res.status} ${res.text}`);
  return { id, attachmentId: res.body.id };
}

/** A fresh template of the NPU (straight into the table), by the NPU world's author. */
async function insertTemplate({ t, npu, w }: Ctx): Promise<string> {
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO message_template (npu_code, name, category, title, body, fields, created_by) VALUES ($1, $2, 'appeal', 'Appeal', 'At {{location}}', '{location}', $3) RETURNING id`,
    [npu, `Matrix Template ${nextSeq()}`, w.authorId],
  );
  return row.id;
}

/**
 * How to call each route so that an allowed caller succeeds: real rows of the target NPU,
 * and a fresh row for each call that changes state (a draft to send, a bid to approve…).
 */
const CALLS: Record<string, (c: Ctx) => Call | Promise<Call>> = {
  'POST /api/v1/geography/import': () => ({ body: SMALL_GEOGRAPHY, contentType: 'text/csv' }),
  'POST /api/v1/geography/ons-lookup': () => ({ body: 'WD24CD,WD24NM,LAD24CD,LAD24NM\nE05099001,Matrix Ward,E08000025,Birmingham', contentType: 'text/csv' }),
  'POST /api/v1/geography/ward-mapping': async (c) => {
    await c.t.app.get(OnsImportService).importLookup('WD24CD,WD24NM,LAD24CD,LAD24NM\nE05099001,Matrix Ward,E08000025,Birmingham');
    return { body: 'ward_code,neighbourhood,npu_code\nE05099001,Matrix,BE', contentType: 'text/csv' };
  },
  'POST /api/v1/geography/populations': () => ({ body: 'ward_code,population\nBE01,27000', contentType: 'text/csv' }),
  'POST /api/v1/geography/postcodes': () => ({ body: 'pcds,osward,lat,long,doterm\nB33 8TH,BE01,52.47,-1.79,', contentType: 'text/csv' }),
  'GET /api/v1/postcodes': () => ({ query: 'ward=BE01' }),
  'GET /api/v1/ward-moves': () => ({}),
  'POST /api/v1/areas': ({ npu, w }) => ({ body: { name: `Matrix Area ${nextSeq()}`, kind: 'hotspot', npuCode: npu, wardCodes: [w.ward] } }),
  'GET /api/v1/areas': npuQuery,
  'GET /api/v1/areas/{id}': async ({ t, npu }) => ({ path: { id: await insertArea(t, npu) } }),
  'PATCH /api/v1/areas/{id}': async ({ t, npu }) => ({ path: { id: await insertArea(t, npu) }, body: { name: `Matrix Renamed ${nextSeq()}` } }),
  'DELETE /api/v1/areas/{id}': async ({ t, npu }) => ({ path: { id: await insertArea(t, npu) } }),
  'POST /api/v1/staff': ({ npu }) => ({ body: { email: `matrix.${nextSeq()}@test.local`, name: 'New Officer', password: 'new-password-123', role: 'officer', npuCode: npu } }),
  'GET /api/v1/staff': npuQuery,
  'GET /api/v1/staff/me': () => ({}),
  'GET /api/v1/residents': npuQuery,
  'POST /api/v1/messages': ({ w }) => ({ body: { title: 'Matrix', body: 'Body', category: 'event', channels: ['email'], audience: { wardCodes: [w.ward], topics: ['road_safety'] } } }),
  'GET /api/v1/messages': npuQuery,
  'GET /api/v1/messages/{id}': id((w) => w.sentMessageId),
  'GET /api/v1/messages/{id}/audience': id((w) => w.draftMessageId),
  'POST /api/v1/messages/audience-preview': ({ w }) => ({ body: { channels: ['email'], audience: { wardCodes: [w.ward], topics: ['road_safety'] } } }),
  'GET /api/v1/messages/{id}/preview': id((w) => w.sentMessageId),
  'GET /api/v1/outbox': () => ({}),
  'POST /api/v1/messages/{id}/send': async (c) => ({ path: { id: await draftMessage(c.t, author(c), c.w.ward) } }),
  'POST /api/v1/messages/{id}/approve': async (c) => ({ path: { id: await withStatus(c, 'pending_approval') } }),
  'POST /api/v1/messages/{id}/cancel': async (c) => ({ path: { id: await draftMessage(c.t, author(c), c.w.ward) } }),
  'POST /api/v1/messages/{id}/resume': async (c) => ({ path: { id: await withStatus(c, 'paused') } }),
  'POST /api/v1/messages/{id}/withdraw': async (c) => ({ path: { id: await withStatus(c, 'sent') } }),
  'POST /api/v1/messages/{id}/attachments': async (c) => ({ path: { id: await draftMessage(c.t, author(c), c.w.ward) }, ...pdfForm() }),
  'DELETE /api/v1/messages/{id}/attachments/{attachmentId}': async (c) => ({ path: await draftWithAttachment(c) }),
  'GET /api/v1/templates': npuQuery,
  'POST /api/v1/templates': ({ npu }) => ({ body: { name: `Matrix Template ${nextSeq()}`, category: 'event', title: 'Event at {{place}}', body: 'Come along on {{date}}', npuCode: npu } }),
  'PATCH /api/v1/templates/{id}': async (c) => ({ path: { id: await insertTemplate(c) }, body: { name: `Matrix Renamed ${nextSeq()}` } }),
  'DELETE /api/v1/templates/{id}': async (c) => ({ path: { id: await insertTemplate(c) } }),
  'GET /api/v1/inbox': npuQuery,
  'GET /api/v1/replies/{id}': id((w) => w.replyId),
  'GET /api/v1/replies/{id}/attachments/{attachmentId}': async ({ t, w }) => {
    const file = await t.app.get(FileStore).put({ bytes: Buffer.from('%PDF-1.4 matrix'), contentType: 'application/pdf' });
    const [a] = await t.sql<{ id: string }>(`INSERT INTO reply_attachment (reply_id, file_id, filename, content_type, size) VALUES ($1, $2, 'a.pdf', 'application/pdf', $3) RETURNING id`, [w.replyId, file.key, file.size]);
    return { path: { id: w.replyId, attachmentId: a.id } };
  },
  'POST /api/v1/replies/{id}/responses': ({ w }) => ({ path: { id: w.replyId }, body: { body: 'Thank you for telling us' } }),
  'POST /api/v1/replies/{id}/close': async ({ t, npu, w }) => ({ path: { id: await insertReply(t, npu, w.sentMessageId, w.coordinatorId) } }),
  'GET /api/v1/funds/{year}/position': () => ({}),
  'PUT /api/v1/funds/{npuCode}/{year}': () => ({ body: { budgetPence: 50_000_000 } }),
  'GET /api/v1/bids': npuQuery,
  'GET /api/v1/bids/{id}': id((w) => w.bidId),
  'POST /api/v1/bids/{id}/review': async ({ t, npu }) => ({ path: { id: await insertBid(t, npu) } }),
  'POST /api/v1/bids/{id}/withdraw': async ({ t, npu }) => ({ path: { id: await insertBid(t, npu) } }),
  'POST /api/v1/bids/{id}/assign': ({ w }) => ({ path: { id: w.bidId }, body: { staffId: w.authorId } }),
  'POST /api/v1/bids/{id}/approve': async ({ t, npu }) => ({ path: { id: await insertBid(t, npu, 'under_review') }, body: { amountAwardedPence: 5000 } }),
  'POST /api/v1/bids/{id}/reject': async ({ t, npu }) => ({ path: { id: await insertBid(t, npu, 'under_review') }, body: { reason: 'Outside the fund’s themes' } }),
  'POST /api/v1/bids/{id}/payments': async (c) => ({ path: { id: await approvedBid(c) }, body: { amountPence: 100, paidOn: '2019-11-30' } }),
  'POST /api/v1/bids/{id}/evaluation': async (c) => ({ path: { id: await approvedBid(c) }, body: { outcome: 'achieved', notes: 'Done' } }),
  'POST /api/v1/funds/{npuCode}/{year}/voting': ({ w }) => ({
    body: { opensAt: new Date(Date.now() + 300 * DAY).toISOString(), closesAt: new Date(Date.now() + 310 * DAY).toISOString(), maxVotesPerResident: 1, bidIds: [w.bidId] },
  }),
  'GET /api/v1/funds/{npuCode}/{year}/voting/results': () => ({}),
  'GET /api/v1/scheme-types': () => ({}),
  'POST /api/v1/scheme-types': () => ({ body: { code: `matrix_${nextSeq()}`, name: 'Matrix Watch' } }),
  'POST /api/v1/schemes': ({ w }) => ({ body: { type: 'neighbourhood_watch', name: `Matrix Watch ${nextSeq()}`, wardCode: w.ward } }),
  'GET /api/v1/schemes': npuQuery,
  'GET /api/v1/schemes/{id}': id((w) => w.schemeId),
  'PATCH /api/v1/schemes/{id}': ({ w }) => ({ path: { id: w.schemeId }, body: { name: `Street Watch ${w.npu}` } }),
  'GET /api/v1/schemes/{id}/members': id((w) => w.schemeId),
  'POST /api/v1/schemes/{id}/members': async ({ t, w }) => ({ path: { id: w.schemeId }, body: { residentId: (await makeResident(t, { ward: w.ward })).id, consent: 'in_person' } }),
  'DELETE /api/v1/schemes/{id}/members/{residentId}': async ({ t, w }) => {
    const r = await makeResident(t, { ward: w.ward });
    await t.sql('INSERT INTO scheme_member (scheme_id, resident_id) VALUES ($1, $2)', [w.schemeId, r.id]);
    return { path: { id: w.schemeId, residentId: r.id } };
  },
  'POST /api/v1/schemes/{id}/patrols': ({ w }) => ({ path: { id: w.schemeId }, body: { ...futureWindow(), route: 'Park and shops', volunteerResidentIds: w.memberIds } }),
  'GET /api/v1/patrols': npuQuery,
  'GET /api/v1/patrols/{id}': id((w) => w.patrolId),
  'POST /api/v1/patrols/{id}/report': async ({ t, w }) => ({ path: { id: await insertPastPatrol(t, w.schemeId, w.memberIds) }, body: { observations: 'Quiet' } }),
  'POST /api/v1/patrols/{id}/cancel': async ({ t, root, w }) => ({ path: { id: await planPatrol(t, root, w) }, body: { reason: 'Rained off' } }),
  'PUT /api/v1/scheme-targets': ({ npu }) => ({ body: { npuCode: npu, type: 'street_watch', target: 4, dueDate: '2027-03-31' } }),
  'GET /api/v1/scheme-targets': npuQuery,
  'GET /api/v1/reports/schemes': npuQuery,
  'POST /api/v1/cadet-units': ({ npu }) => ({ body: { npuCode: npu, name: `Matrix Cadets ${nextSeq()}`, kind: 'cadets' } }),
  'GET /api/v1/cadet-units': npuQuery,
  'GET /api/v1/cadet-units/{id}': id((w) => w.unitId),
  'POST /api/v1/cadet-units/{id}/members': ({ w }) => ({
    path: { id: w.unitId },
    body: { firstName: 'Alex', lastName: `Matrix${nextSeq()}`, dateOfBirth: isoDate(Date.now() - 12 * 365 * DAY), guardianName: 'Parent', guardianPhone: '0121 496 0123', role: 'cadet' },
  }),
  'GET /api/v1/cadet-units/{id}/members': id((w) => w.unitId),
  'GET /api/v1/cadet-units/{id}/members/{memberId}': ({ w }) => ({ path: { id: w.unitId, memberId: w.cadetMemberId } }),
  'DELETE /api/v1/cadet-units/{id}/members/{memberId}': async ({ t, w }) => ({ path: { id: w.unitId, memberId: await insertCadetMember(t, w.unitId) } }),
  'POST /api/v1/cadet-units/{id}/sessions': ({ w }) => ({ path: { id: w.unitId }, body: { heldOn: isoDate(Date.now() - nextSeq() * DAY), attendeeIds: [w.cadetMemberId] } }),
  'GET /api/v1/cadet-units/{id}/sessions': id((w) => w.unitId),
  'GET /api/v1/reports/cadets': npuQuery,
  'GET /api/v1/reports/signups': npuQuery,
  'GET /api/v1/reports/reach': npuQuery,
  'GET /api/v1/reports/representation': npuQuery,
  'GET /api/v1/reports/attribution': npuQuery,
  'GET /api/v1/reports/messages': npuQuery,
  'GET /api/v1/reports/acf': npuQuery,
  'GET /api/v1/reports/sim': npuQuery,
  'GET /api/v1/reports/ratings': npuQuery,
  'GET /api/v1/reports/qpr': ({ npu }) => ({ query: `npu=${npu}&quarter=2019-Q3` }),
  'GET /api/v1/reports/charts/growth.svg': npuQuery,
  'GET /api/v1/reports/charts/reach.svg': npuQuery,
  'GET /api/v1/reports/attribution/officers': npuQuery,
  'POST /api/v1/surveys': ({ npu }) => ({ body: { title: `Matrix survey ${nextSeq()}`, npuCode: npu, templates: ['confidence'] } }),
  'GET /api/v1/surveys/{id}': async (c) => ({ path: { id: await surveyOf(c) } }),
  'POST /api/v1/surveys/{id}/open': async (c) => ({ path: { id: await surveyOf(c) } }),
  'POST /api/v1/surveys/{id}/close': async (c) => ({ path: { id: await surveyOf(c, 'open') } }),
  'POST /api/v1/surveys/{id}/messages': async (c) => ({
    path: { id: await surveyOf(c, 'open') },
    body: { title: 'Survey', body: 'Tell us', category: 'community_update', channels: ['email'], audience: { wardCodes: [c.w.ward] } },
  }),
  'POST /api/v1/surveys/{id}/link': async (c) => ({ path: { id: await surveyOf(c, 'open') }, body: { messageId: await draftMessage(c.t, author(c), c.w.ward) } }),
  'GET /api/v1/surveys/{id}/results': async (c) => ({ path: { id: await surveyOf(c, 'open') } }),
  'POST /api/v1/population-shares': () => ({ body: 'area_code,dimension,category,share_percent\nFORCE,ethnicity,white,70.1', contentType: 'text/csv' }),
  'POST /api/v1/campaigns': ({ npu, w }) => ({
    body: { code: `MX-${npu}-${nextSeq()}`, name: 'Matrix operation', npuCode: npu, tactic: 'door_knock', startsOn: '2019-10-01', endsOn: '2019-10-31', targetWards: [{ wardCode: w.ward }] },
  }),
  'GET /api/v1/reports/campaigns/{code}': async ({ t, npu, w }) => {
    const code = `MX-${npu}-${nextSeq()}`;
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO campaign (code, name, npu_code, tactic, starts_on, ends_on, created_by) VALUES ($1, 'Matrix operation', $2, 'street', '2019-10-01', '2019-10-31', gen_random_uuid()) RETURNING id`,
      [code, npu],
    );
    await t.sql(`INSERT INTO campaign_area (campaign_id, ward_code, role) VALUES ($1, $2, 'target')`, [id, w.ward]);
    return { path: { code } };
  },
  'GET /api/v1/campaigns/{code}/officer-link': async ({ t, npu }) => {
    const code = `MX-${npu}-${nextSeq()}`;
    await t.sql(`INSERT INTO campaign (code, name, npu_code, tactic, starts_on, ends_on, created_by) VALUES ($1, 'Matrix operation', $2, 'door_knock', '2019-10-01', '2019-10-31', gen_random_uuid())`, [code, npu]);
    return { path: { code } };
  },
  'POST /api/v1/imports/residents': ({ w }) => ({ body: importCsv(w.ward), contentType: 'text/csv' }),
  'POST /api/v1/imports/schemes': ({ w }) => ({
    body: `scheme_type,scheme_name,ward_code,email,phone,role,joined_at,consent_at,source\nneighbourhood_watch,Matrix NW ${nextSeq()},${w.ward},matrix.nobody@example.org,,member,2019-03-02,,wmnow\n`,
    contentType: 'text/csv',
  }),
  'POST /api/v1/imports/{id}/commit': async (c) => ({ path: { id: await dryRun(c) } }),
  'GET /api/v1/imports/{id}': async (c) => ({ path: { id: await dryRun(c) } }),
  'GET /api/v1/imports/{id}/rejected.csv': async (c) => ({ path: { id: await dryRun(c) } }),
};

interface Principal {
  label: string;
  role: StaffRole;
  /** null = force-wide */
  npu: Npu | null;
  auth: Auth;
}

/** What the declaration says this caller gets for this route aimed at that NPU. */
function expected(rule: Rule, p: Principal, target: Npu): 'allowed' | 403 {
  if (!rule.roles.includes(p.role)) return 403;
  if (rule.scope === 'force-wide' && p.npu !== null) return 403;
  if (rule.scope !== 'none' && p.npu !== null && p.npu !== target) return 403;
  return 'allowed';
}

describe('access matrix: every staff route × role × own / other NPU', () => {
  let t: TestApp;
  let ops: Operation[];
  let doc: OpenApiDoc;
  let root: Auth;
  const worlds = {} as Record<Npu, NpuWorld>;
  const principals: Principal[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await seedGeography(t);
    root = (await loginAs(t, 'admin')).auth as Auth;
    ({ ops, doc } = await loadOperations(t));
    worlds.BE = await buildNpuWorld(t, root, 'BE');
    worlds.SW = await buildNpuWorld(t, root, 'SW');
    for (const role of STAFF_ROLES) principals.push({ label: `${role} BE`, role, npu: 'BE', auth: (await loginAs(t, role, 'BE')).auth as Auth });
    for (const role of ['admin', 'eco', 'analyst'] as const) principals.push({ label: `${role} force-wide`, role, npu: null, auth: (await loginAs(t, role)).auth as Auth });
  });
  afterAll(async () => {
    await t?.close();
  });

  const ctx = (npu: Npu): Ctx => ({ t, root, npu, w: worlds[npu] });

  async function request(op: Operation, call: Call, npu: Npu, auth: Auth | null) {
    // Only public routes are rate limited (the probes call them).
    if (op.security === 'public') await t.sql('DELETE FROM rate_limit_bucket');
    const path = fillPath(op.path, { npuCode: npu, year: FINANCIAL_YEAR, token: ratingToken(t, worlds.BE.deliveryId), ...call.path });
    let req = t.http()[op.method](call.query ? `${path}?${call.query}` : path).set('Accept', 'application/json');
    if (auth) req = req.set(...auth);
    if (call.body !== undefined) req = req.set('Content-Type', call.contentType ?? 'application/json').send(typeof call.body === 'string' ? call.body : JSON.stringify(call.body));
    return req;
  }

  it('declares every staff route of /docs-json, and nothing else', () => {
    const staffOps = ops.filter((op) => op.security === 'staff').map((op) => op.key).sort();
    expect(Object.keys(ACCESS).sort()).toEqual(staffOps);
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it('every route of /docs-json says what it answers: a 2xx with a schema, or a described 204', () => {
    const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
    const described = (s: Schema | undefined): boolean => {
      const d = deref(doc, s);
      if (!d) return false;
      if (d.type === 'array') return described(d.items);
      return Object.keys(d.properties ?? {}).length > 0;
    };
    const missing: string[] = [];
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) {
        const key = `${method.toUpperCase()} ${path}`;
        const ok = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('2'));
        const fine =
          ok.length > 0 &&
          ok.every(([status, r]) => {
            const content = Object.entries(r.content ?? {});
            if (status === '204') return content.length === 0 && !!r.description;
            return content.length > 0 && content.every(([type, c]) => (isJson(type) ? described(c.schema) : !!c.schema && !!r.description));
          });
        if (!fine) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });

  it('undeclared routes are public or resident-only (probed: without a token, and with a resident token)', async () => {
    const problems: string[] = [];
    for (const op of ops.filter((o) => !ACCESS[o.key])) {
      const call: Call = { path: { id: worlds.BE.schemeId, residentId: worlds.BE.memberIds[0], postcode: 'B33 8TH' } };
      const anonymous = await request(op, call, 'BE', null);
      if (anonymous.status !== 401) {
        if (op.security !== 'public') problems.push(`${op.key}: answers ${anonymous.status} without a token but the document says ${op.security}`);
        continue;
      }
      // A fresh resident each time: DELETE /me erases whoever calls it.
      const resident = residentAuth(t, (await makeResident(t, { ward: 'BE01' })).id);
      const res = await request(op, call, 'BE', resident);
      if (res.status === 401) problems.push(`${op.key}: 401 with and without a resident token, yet not declared as a staff route`);
      else if (op.security !== 'resident') problems.push(`${op.key}: resident-only but the document says ${op.security}`);
      if (res.status >= 500) problems.push(`${op.key}: ${res.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('staff routes answer 401 without a token, with a resident token and with a token of a deactivated account', async () => {
    const resident = residentAuth(t, worlds.BE.coordinatorId);
    const gone = await loginAs(t, 'eco', 'BE');
    await t.sql('UPDATE staff SET active = false WHERE id = $1', [gone.id]);
    const problems: string[] = [];
    for (const key of Object.keys(ACCESS)) {
      const op = ops.find((o) => o.key === key)!;
      const call = await CALLS[key](ctx('BE'));
      for (const [label, auth] of [['no token', null], ['resident token', resident], ['deactivated staff', gone.auth as Auth]] as const) {
        const res = await request(op, call, 'BE', auth);
        if (res.status !== 401 || res.body?.statusCode !== 401 || typeof res.body?.message !== 'string') problems.push(`${key} with ${label}: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every role gets exactly what the declaration says, on its own NPU and on another', async () => {
    const rows: string[] = [];
    const problems: string[] = [];
    for (const [key, rule] of Object.entries(ACCESS)) {
      const op = ops.find((o) => o.key === key)!;
      const targets: Npu[] = rule.scope === 'none' ? ['BE'] : ['BE', 'SW'];
      for (const target of targets) {
        const cells: string[] = [];
        const check = async (p: Principal) => {
          const want = expected(rule, p, target);
          const res = await request(op, await CALLS[key](ctx(target)), target, p.auth);
          const got = res.status;
          cells.push(`${p.label}:${got}`);
          const ok = want === 'allowed' ? got >= 200 && got < 300 : got === 403 && res.body?.statusCode === 403 && typeof res.body?.message === 'string';
          if (!ok) problems.push(`${key} → ${target} as ${p.label}: expected ${want}, got ${got} ${(res.text ?? '').slice(0, 160)}`);
        };
        // Reads share nothing, so the callers of a GET go together; writes one at a time.
        if (op.method === 'get') await Promise.all(principals.map(check));
        else for (const p of principals) await check(p);
        rows.push(`${key} → ${target}: ${cells.join(' ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(rows.length).toBeGreaterThan(100);
  }, 240_000); // ~110 routes × 14 role cells; raised for a loaded machine (was the 60 s default)

  it('what each staff route answers (as a force-wide admin) has the shape /docs-json declares', async () => {
    /** Where `value` departs from `schema`: a missing required field, an undeclared one, a wrong type. */
    const departures = (value: unknown, schema: Schema | undefined, at: string): string[] => {
      const s = deref(doc, schema);
      if (!s) return [];
      if (value === null) return schema?.nullable || s.nullable ? [] : [`${at}: null`]; // nullable sits beside allOf: [$ref]
      if (s.type === 'array') return Array.isArray(value) ? value.slice(0, 5).flatMap((v, i) => departures(v, s.items, `${at}[${i}]`)) : [`${at}: not an array`];
      if (s.properties) {
        if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
        const obj = value as Record<string, unknown>;
        const missing = (s.required ?? []).filter((k) => !(k in obj)).map((k) => `${at}.${k}: missing`);
        const undeclared = s.additionalProperties ? [] : Object.keys(obj).filter((k) => !(k in s.properties!)).map((k) => `${at}.${k}: not declared`);
        return [...missing, ...undeclared, ...Object.entries(obj).flatMap(([k, v]) => (k in s.properties! ? departures(v, s.properties![k], `${at}.${k}`) : []))];
      }
      const jsType = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' }[s.type ?? ''];
      return jsType && typeof value !== jsType ? [`${at}: ${typeof value}, declared ${s.type}`] : [];
    };
    const problems: string[] = [];
    for (const key of Object.keys(ACCESS)) {
      const op = ops.find((o) => o.key === key)!;
      const res = await request(op, await CALLS[key](ctx('BE')), 'BE', root);
      const declared = doc.paths[op.path][op.method].responses?.[String(res.status)];
      if (!declared) {
        problems.push(`${key}: answered ${res.status}, not a declared status`);
        continue;
      }
      const type = String(res.headers['content-type'] ?? '').split(';')[0];
      if (!type) continue; // 204
      const content = declared.content?.[type];
      if (!content) problems.push(`${key}: answered ${type}, not a declared content type`);
      else if (type === 'application/json') problems.push(...departures(res.body, content.schema, key));
    }
    expect(problems).toEqual([]);
  });

  describe('what the matrix cannot show by status alone', () => {
    it('an NPU-bound admin creates staff of their own NPU only, never a force-wide account', async () => {
      const adminBE = principals.find((p) => p.label === 'admin BE')!;
      const body = (npuCode?: string) => ({ email: `escalate.${nextSeq()}@test.local`, name: 'Escalation', password: 'escalate-password-1', role: 'admin', ...(npuCode ? { npuCode } : {}) });
      const before = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM staff'))[0].n;
      await t.http().post('/api/v1/staff').set(...adminBE.auth).send(body()).expect(403);
      await t.http().post('/api/v1/staff').set(...adminBE.auth).send(body('SW')).expect(403);
      expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM staff'))[0].n).toBe(before);
      await t.http().post('/api/v1/staff').set(...root).send(body()).expect(201);
    });

    it('officers cancel their own messages only; nobody approves their own', async () => {
      const officer = principals.find((p) => p.label === 'officer BE')!;
      const own = await draftMessage(t, officer.auth, 'BE01');
      await t.http().post(`/api/v1/messages/${own}/cancel`).set(...officer.auth).expect(200);
      const lead = principals.find((p) => p.label === 'npu_lead BE')!;
      const mine = await draftMessage(t, lead.auth, 'BE01');
      await t.sql(`UPDATE message SET status = 'pending_approval' WHERE id = $1`, [mine]);
      await t.http().post(`/api/v1/messages/${mine}/approve`).set(...lead.auth).expect(403);
    });

    it('children’s details reach admins and cadet leaders of the NPU only', async () => {
      const { unitId, cadetMemberId } = worlds.BE;
      for (const p of principals) {
        const res = await t.http().get(`/api/v1/cadet-units/${unitId}/members/${cadetMemberId}`).set(...p.auth).expect(200);
        const sees = ['admin', 'cadet_leader'].includes(p.role);
        expect({ who: p.label, dateOfBirth: 'dateOfBirth' in res.body, guardianPhone: 'guardianPhone' in res.body }).toEqual({ who: p.label, dateOfBirth: sees, guardianPhone: sees });
      }
    });

    it('contact details in the resident list are masked for analysts and cadet leaders', async () => {
      // Found by name: the masking roles may not search by contact (see "search by masked fields").
      const [{ email, first_name: name }] = await t.sql<{ email: string; first_name: string }>('SELECT email, first_name FROM resident WHERE id = $1', [worlds.BE.coordinatorId]);
      for (const p of principals) {
        const res = await t.http().get(`/api/v1/residents?npu=BE&limit=200&q=${encodeURIComponent(name)}`).set(...p.auth).expect(200);
        const masked = ['analyst', 'cadet_leader'].includes(p.role);
        const items = res.body.items.filter((r: { id: string }) => r.id === worlds.BE.coordinatorId);
        expect({ who: p.label, items: items.length, email: items[0].email === email }).toEqual({ who: p.label, items: 1, email: !masked });
      }
    });

    it('an erased resident’s still-unexpired token no longer does anything on any resident route', async () => {
      // SW's coordinator: coordinates a scheme, volunteered on an ended patrol, was sent a message.
      const w = worlds.SW;
      const token = residentAuth(t, w.coordinatorId);
      await t.http().delete('/api/v1/me').set(...token).expect(204);
      const bodies: Record<string, Record<string, unknown>> = {
        'PATCH /api/v1/me': { firstName: 'Back' },
        'POST /api/v1/messages/{id}/rating': { score: 6 },
        'POST /api/v1/messages/{id}/replies': { body: 'Still here' },
        'POST /api/v1/funds/{npuCode}/{year}/votes': { bidIds: [w.bidId] },
        'POST /api/v1/me/schemes/{id}/members': { residentId: w.memberIds[0] },
        'POST /api/v1/me/schemes/{id}/patrols': { ...futureWindow(), route: 'Round the block', volunteerResidentIds: w.memberIds },
        'POST /api/v1/me/patrols/{id}/report': { observations: 'Reported after erasure' },
        'POST /api/v1/me/patrols/{id}/cancel': { reason: 'Cancelled after erasure' },
      };
      const ids: Record<string, string> = { messages: w.sentMessageId, schemes: w.schemeId, patrols: w.pastPatrolId };
      const problems: string[] = [];
      const residentOps = ops.filter((o) => o.security === 'resident');
      expect(residentOps.length).toBeGreaterThan(10);
      for (const op of residentOps) {
        const resource = Object.keys(ids).find((k) => op.path.includes(`/${k}/`));
        const call: Call = { path: { id: resource ? ids[resource] : w.schemeId, residentId: w.memberIds[1] }, body: bodies[op.key] };
        const res = await request(op, call, 'SW', token);
        // An erased resident's token is a 401 on every resident route, as no token (libs/schemes README, docs/architecture.md).
        if (res.status !== 401) problems.push(`${op.key}: ${res.status} ${(res.text ?? '').slice(0, 120)}`);
      }
      expect(problems).toEqual([]);
      expect(await t.sql('SELECT observations FROM patrol_report WHERE patrol_id = $1', [w.pastPatrolId])).toEqual([]);
    });

    it('lists pin NPU-bound staff to their NPU when they name none', async () => {
      const ecoBE = principals.find((p) => p.label === 'eco BE')!;
      const bids = await t.http().get('/api/v1/bids').set(...ecoBE.auth).expect(200);
      expect(new Set(bids.body.items.map((b: { npuCode: string }) => b.npuCode))).toEqual(new Set(['BE']));
      const schemes = await t.http().get('/api/v1/schemes').set(...ecoBE.auth).expect(200);
      expect(new Set(schemes.body.items.map((s: { npuCode: string }) => s.npuCode))).toEqual(new Set(['BE']));
      const units = await t.http().get('/api/v1/cadet-units').set(...ecoBE.auth).expect(200);
      expect(new Set(units.body.items.map((u: { npuCode: string }) => u.npuCode))).toEqual(new Set(['BE']));
      const residents = await t.http().get('/api/v1/residents').set(...ecoBE.auth).expect(200);
      expect(new Set(residents.body.items.map((r: { npuCode: string }) => r.npuCode))).toEqual(new Set(['BE']));
    });
  });

  /**
   * Issue 14 (Medium 3): the roles that see contacts masked could still search by them, so the
   * answers revealed the hidden value (an e-mail in ~550 prefix probes). For each masking role
   * and each masked field that a staff search can match, the answer must not depend on the
   * hidden value: a contact-shaped query is refused (403, same for a right and a wrong value)
   * and any other query matches names only.
   */
  describe('search by masked fields', () => {
    const MASKED_FIELDS: Record<string, string[]> = { 'GET /api/v1/residents': ['email', 'phone'] };
    const secret = { email: 'zk.hidden.mail@example.org', phone: '+447911123456', national: '07911 123456' };
    // Right-value probes, each paired with a wrong value of the same shape.
    const PROBES: Record<string, [string, string][]> = {
      email: [
        [secret.email, 'zq.hidden.mail@example.org'],
        ['zk.hidden.mail@', 'zq.hidden.mail@'],
        ['zk.hid', 'zq.hid'],
        ['zk', 'zq'],
        [secret.email.toUpperCase(), 'ZQ.HIDDEN.MAIL@EXAMPLE.ORG'],
      ],
      phone: [
        [secret.phone, '+447911123457'],
        [secret.national, '07911 123457'],
        ['+44 7911 123456', '+44 7911 123457'],
      ],
    };
    let targetId: string;
    beforeAll(async () => {
      targetId = (await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], email: secret.email, phone: secret.phone, firstName: 'Quentin' })).id;
    });
    const search = (auth: Auth, q: string) => t.http().get(`/api/v1/residents?npu=BE&q=${encodeURIComponent(q)}`).set(...auth);
    const answer = (res: { status: number; body: { items?: { id: string }[] } }) => ({ status: res.status, ids: (res.body.items ?? []).map((r) => r.id) });

    it('the declaration names every masked field of the searchable routes', () => {
      expect(Object.keys(MASKED_FIELDS).every((key) => ACCESS[key])).toBe(true);
      expect(Object.keys(PROBES).sort()).toEqual([...new Set(Object.values(MASKED_FIELDS).flat())].sort());
    });

    it('roles that see contacts unmasked find the resident by each probe (so the probes can tell)', async () => {
      const eco = principals.find((p) => p.label === 'eco BE')!;
      for (const [right] of Object.values(PROBES).flat()) {
        const res = await search(eco.auth, right).expect(200);
        expect({ q: right, found: answer(res).ids.includes(targetId) }).toEqual({ q: right, found: true });
      }
    });

    it('for every masking role, the answer does not depend on the masked value', async () => {
      const masking = principals.filter((p) => ['analyst', 'cadet_leader'].includes(p.role));
      expect(masking.map((p) => p.label).sort()).toEqual(['analyst BE', 'analyst force-wide', 'cadet_leader BE']);
      const problems: string[] = [];
      for (const p of masking) {
        for (const [field, pairs] of Object.entries(PROBES)) {
          for (const [right, wrong] of pairs) {
            const [a, b] = [answer(await search(p.auth, right)), answer(await search(p.auth, wrong))];
            if (a.status !== 200 && a.status !== 403) problems.push(`${p.label} ${field} ${right}: ${a.status}`);
            if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${p.label} ${field} ${right}: ${JSON.stringify(a)} but wrong value ${JSON.stringify(b)}`);
            if (a.ids.includes(targetId)) problems.push(`${p.label} ${field} ${right}: found the resident by a masked field`);
          }
        }
        // Name search still works for them.
        const byName = answer(await search(p.auth, 'Quent'));
        if (!byName.ids.includes(targetId)) problems.push(`${p.label}: name search did not find the resident`);
      }
      expect(problems).toEqual([]);
    });

    it('a contact-shaped query from a masking role is a 403 that says why', async () => {
      const analyst = principals.find((p) => p.label === 'analyst BE')!;
      for (const q of [secret.email, secret.national]) {
        const res = await search(analyst.auth, q).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        expect(res.body.message).toContain('by name');
      }
    });
  });

  // Issue 14 (Lower 17): analysts and cadet leaders read ACF applicants' contact e-mails.
  describe('ACF applicants’ contact e-mail', () => {
    it('is masked for the roles that see residents’ contacts masked, in the list, the detail and the assign answer', async () => {
      const { bidId, authorId } = worlds.BE;
      const [{ contact_email: email }] = await t.sql<{ contact_email: string }>('SELECT contact_email FROM bid WHERE id = $1', [bidId]);
      const masked = `${email[0]}***${email.slice(email.lastIndexOf('@'))}`;
      const seen: string[] = [];
      for (const p of principals) {
        const want = ['analyst', 'cadet_leader'].includes(p.role) ? masked : email;
        const list = await t.http().get('/api/v1/bids?npu=BE&limit=200').set(...p.auth).expect(200);
        const inList = list.body.items.find((b: { id: string }) => b.id === bidId);
        const detail = await t.http().get(`/api/v1/bids/${bidId}`).set(...p.auth).expect(200);
        seen.push(`${p.label}: ${inList.contactEmail === want} ${detail.body.contactEmail === want}`);
        if (p.role === 'cadet_leader') {
          const assigned = await t.http().post(`/api/v1/bids/${bidId}/assign`).set(...p.auth).send({ staffId: authorId }).expect(200);
          seen.push(`${p.label} assign: ${assigned.body.contactEmail === want}`);
        }
      }
      expect(seen).toEqual(seen.map((line) => line.replace(/false/g, 'true')));
      expect(masked).not.toBe(email);
    });
  });
});
