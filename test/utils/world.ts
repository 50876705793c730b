import { AccessTokenService } from '@beacon/auth';
import { MessageLinksService } from '@beacon/messaging';
import { makeResident } from './factories';
import type { TestApp } from './test-app';

export type Auth = [string, string];

/** Real resources of one NPU, so routes with ids in their paths reach real rows. */
export interface NpuWorld {
  npu: 'BE' | 'SW';
  ward: string;
  /** The NPU's ECO: author of its messages. */
  authorId: string;
  /** Active residents with a verified e-mail: the scheme coordinator and two members. */
  coordinatorId: string;
  memberIds: [string, string];
  /** A message marked sent, delivered (status sent) to the coordinator and the members. */
  sentMessageId: string;
  deliveryId: string;
  draftMessageId: string;
  /** A web reply by the coordinator to the sent message (routed to this NPU). */
  replyId: string;
  /** A submitted bid of the NPU's 2019-20 fund, on the (not yet open) voting round's ballot. */
  bidId: string;
  /** A Street Watch scheme in `ward`: the coordinator and the two members. */
  schemeId: string;
  /** A planned patrol (future) and one that has ended, both with the two members. */
  patrolId: string;
  pastPatrolId: string;
  /** A cadets unit with one child member. */
  unitId: string;
  cadetMemberId: string;
}

export const FINANCIAL_YEAR = '2019-20';
const DAY = 24 * 3600 * 1000;
let seq = 0;
export const nextSeq = () => ++seq;

export const residentAuth = (t: TestApp, residentId: string): Auth => ['Authorization', `Bearer ${t.app.get(AccessTokenService).signResident(residentId)}`];
export const staffAuth = (t: TestApp, staffId: string): Auth => ['Authorization', `Bearer ${t.app.get(AccessTokenService).signStaff(staffId)}`];
export const ratingToken = (t: TestApp, deliveryId: string) => t.app.get(MessageLinksService).ratingUrl(deliveryId).split('/r/')[1];

async function ok<T = Record<string, unknown>>(res: Promise<{ status: number; body: unknown; text: string }>, what: string): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.body as T;
}

export async function insertSentDelivery(t: TestApp, messageId: string, residentId: string): Promise<string> {
  const [d] = await t.sql<{ id: string }>(
    `INSERT INTO delivery (message_id, resident_id, channel, status, sent_at) VALUES ($1, $2, 'email', 'sent', now()) RETURNING id::text AS id`,
    [messageId, residentId],
  );
  return d.id;
}

/** A draft by `author` to the whole ward; topic road_safety, which no test resident chose, so sending reaches no one. */
export async function draftMessage(t: TestApp, author: Auth, ward: string, title = 'Draft'): Promise<string> {
  const body = await ok<{ id: string }>(
    t.http().post('/api/v1/messages').set(...author).send({ title, body: 'Body', category: 'community_update', channels: ['email'], audience: { wardCodes: [ward], topics: ['road_safety'] } }),
    'compose',
  );
  return body.id;
}

export async function insertBid(t: TestApp, npu: string, status: 'submitted' | 'under_review' = 'submitted'): Promise<string> {
  const [b] = await t.sql<{ id: string }>(
    `INSERT INTO bid (npu_code, financial_year, applicant_name, applicant_type, contact_email, title, summary, theme, amount_requested_pence, status)
     VALUES ($1, $2, 'Applicant', 'group', 'applicant@example.org', 'A bid', 'Summary', 'other', 10000, $3) RETURNING id`,
    [npu, FINANCIAL_YEAR, status],
  );
  return b.id;
}

export async function insertReply(t: TestApp, npu: string, messageId: string, residentId: string): Promise<string> {
  const [r] = await t.sql<{ id: string }>(
    `INSERT INTO reply (message_id, resident_id, body, via, status, npu_code) VALUES ($1, $2, 'A reply', 'web', 'open', $3) RETURNING id`,
    [messageId, residentId, npu],
  );
  return r.id;
}

/** An ended patrol (the API only plans future ones), for patrol reports. */
export async function insertPastPatrol(t: TestApp, schemeId: string, volunteerIds: string[]): Promise<string> {
  const n = nextSeq();
  const ends = new Date(Date.now() - n * 3600 * 1000 - DAY);
  const starts = new Date(ends.getTime() - 1800 * 1000);
  const [p] = await t.sql<{ id: string }>(`INSERT INTO patrol (scheme_id, starts_at, ends_at, route, created_by) VALUES ($1, $2, $3, 'Past route', 'test') RETURNING id`, [schemeId, starts, ends]);
  for (const v of volunteerIds) {
    await t.sql(`INSERT INTO patrol_volunteer (patrol_id, resident_id, during) VALUES ($1, $2, tstzrange($3, $4, '[)'))`, [p.id, v, starts, ends]);
  }
  return p.id;
}

export async function insertCadetMember(t: TestApp, unitId: string): Promise<string> {
  const n = nextSeq();
  const [m] = await t.sql<{ id: string }>(
    `INSERT INTO cadet_member (unit_id, first_name, last_name, date_of_birth, guardian_name, guardian_phone, role)
     VALUES ($1, $2, 'Cadet', (now() - interval '12 years')::date, 'Guardian', '+441214960123', 'cadet') RETURNING id`,
    [unitId, `Child${n}`],
  );
  return m.id;
}

/** Future patrol windows that never overlap each other (one day apart). */
export function futureWindow(): { startsAt: string; endsAt: string } {
  const n = nextSeq();
  const starts = new Date(Date.now() + (30 + n) * DAY);
  return { startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 2 * 3600 * 1000).toISOString() };
}

/** Builds the NPU's resources through the API where it is cheap, and SQL where the API needs the worker. */
export async function buildNpuWorld(t: TestApp, root: Auth, npu: 'BE' | 'SW'): Promise<NpuWorld> {
  const ward = npu === 'BE' ? 'BE01' : 'SW01';
  const authorId = (await ok<{ id: string }>(
    t.http().post('/api/v1/staff').set(...root).send({ email: `author.${npu.toLowerCase()}.${nextSeq()}@test.local`, name: `Author ${npu}`, password: 'author-password-1', role: 'eco', npuCode: npu }),
    'staff',
  )).id;
  const author = staffAuth(t, authorId);
  const coordinatorId = (await makeResident(t, { ward })).id;
  const memberIds: [string, string] = [(await makeResident(t, { ward })).id, (await makeResident(t, { ward })).id];

  const sentMessageId = await draftMessage(t, author, ward, `Sent ${npu}`);
  await t.sql(`UPDATE message SET status = 'sent', sent_at = now(), send_requested_at = now() WHERE id = $1`, [sentMessageId]);
  const deliveryId = await insertSentDelivery(t, sentMessageId, coordinatorId);
  for (const m of memberIds) await insertSentDelivery(t, sentMessageId, m);
  const draftMessageId = await draftMessage(t, author, ward, `Draft ${npu}`);
  const replyId = (await ok<{ id: string }>(
    t.http().post(`/api/v1/messages/${sentMessageId}/replies`).set(...residentAuth(t, coordinatorId)).send({ body: 'Thanks' }),
    'reply',
  )).id;

  await ok(t.http().put(`/api/v1/funds/${npu}/${FINANCIAL_YEAR}`).set(...root).send({ budgetPence: 50_000_000 }), 'fund');
  const bidId = await insertBid(t, npu);
  const opensAt = new Date(Date.now() + 300 * DAY).toISOString();
  const closesAt = new Date(Date.now() + 310 * DAY).toISOString();
  await ok(t.http().post(`/api/v1/funds/${npu}/${FINANCIAL_YEAR}/voting`).set(...root).send({ opensAt, closesAt, maxVotesPerResident: 1, bidIds: [bidId] }), 'voting round');

  const scheme = await ok<{ id: string }>(
    t.http().post('/api/v1/schemes').set(...root).send({ type: 'street_watch', name: `Street Watch ${npu}`, wardCode: ward, coordinatorResidentId: coordinatorId, coordinatorConsent: 'in_person' }),
    'scheme',
  );
  for (const m of memberIds) await ok(t.http().post(`/api/v1/schemes/${scheme.id}/members`).set(...root).send({ residentId: m, consent: 'in_person' }), 'member');
  const patrol = await ok<{ id: string }>(
    t.http().post(`/api/v1/schemes/${scheme.id}/patrols`).set(...root).send({ ...futureWindow(), route: 'High Street', volunteerResidentIds: memberIds }),
    'patrol',
  );
  const pastPatrolId = await insertPastPatrol(t, scheme.id, [coordinatorId, ...memberIds]);

  const unit = await ok<{ id: string }>(t.http().post('/api/v1/cadet-units').set(...root).send({ npuCode: npu, name: `Cadets ${npu}`, kind: 'cadets' }), 'cadet unit');
  const cadetMemberId = await insertCadetMember(t, unit.id);

  return {
    npu,
    ward,
    authorId,
    coordinatorId,
    memberIds,
    sentMessageId,
    deliveryId,
    draftMessageId,
    replyId,
    bidId,
    schemeId: scheme.id,
    patrolId: patrol.id,
    pastPatrolId,
    unitId: unit.id,
    cadetMemberId,
  };
}

/** Every operation of the OpenAPI document, with its path and query parameters. */
export interface Operation {
  key: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** From the document's security requirement; public routes have none. */
  security: 'public' | 'staff' | 'resident';
  pathParams: string[];
  queryParams: { name: string; schema: Record<string, unknown> }[];
  bodyTypes: string[];
  bodySchema?: Schema;
}

export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  $ref?: string;
  allOf?: Schema[];
  maxLength?: number;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
};

export interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: Record<string, unknown>[]; parameters?: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

/** Follows `$ref` and single-element `allOf` to the schema itself. */
export function deref(doc: OpenApiDoc, s: Schema | undefined): Schema | undefined {
  if (!s) return s;
  if (s.$ref) return deref(doc, doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]);
  if (s.allOf?.length === 1) return deref(doc, s.allOf[0]);
  return s;
}

export async function loadOperations(t: TestApp): Promise<{ doc: OpenApiDoc; ops: Operation[] }> {
  const res = await t.http().get('/docs-json');
  if (res.status !== 200) throw new Error(`/docs-json: ${res.status}`);
  const doc = res.body as OpenApiDoc;
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const sec = Object.keys(op.security?.[0] ?? {})[0];
      const content = op.requestBody?.content ?? {};
      const bodyTypes = Object.keys(content);
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method as Operation['method'],
        path,
        security: sec === 'staff' ? 'staff' : sec === 'resident' ? 'resident' : 'public',
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        bodyTypes,
        bodySchema: bodyTypes.length ? deref(doc, content[bodyTypes[0]].schema) : undefined,
      });
    }
  }
  return { doc, ops };
}

/** `/api/v1/schemes/{id}` → `/api/v1/schemes/<value>`, values URI-encoded. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`No value for {${name}} in ${path}`);
    return encodeURIComponent(values[name]);
  });
}
