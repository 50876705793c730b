// The staff inbox rules of libs/engagement/src/inbox.service.ts on real PostgreSQL (issue 27,
// mutation testing): default status and page size, the cursor and staff-id checks, NPU scope on
// every action, which transitions answering and closing make, the channel a response is queued
// on, who a reply may be given to, read marks and open counts. The service is called as the
// controllers call it (the console's assign/markRead/openCounts have no bearer route).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { DomainException, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { InboxService } from '@beacon/engagement';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';

describe('inbox service rules (mutation-inbox)', () => {
  const { t } = useSuite({ geography: true });
  let inbox: InboxService;
  const staff: Record<string, StaffPrincipal> = {};
  let messageBE: string;

  const makeStaff = async (role: StaffRole, npuCode: string | null, name = `${role} ${npuCode ?? 'force'} ${randomBytes(2).toString('hex')}`): Promise<StaffPrincipal> => {
    // Straight into the table (no password: nobody signs in here, and hashing one costs seconds under load).
    const email = `mi.${role}.${npuCode ?? 'force'}.${randomBytes(4).toString('hex')}@test.local`;
    const [s] = await t.sql<{ id: string }>('INSERT INTO staff (email, name, role, npu_code) VALUES ($1, $2, $3, $4) RETURNING id', [email, name, role, npuCode]);
    return { kind: 'staff', id: s.id, email, name, role, npuCode };
  };
  /** A reply row straight in the table (what ReplyService would have written). */
  const reply = async (o: { npu: string; resident: string; message?: string | null; via?: 'web' | 'sms' | 'email'; status?: 'open' | 'answered' | 'closed'; body?: string }) =>
    (
      await t.sql<{ id: string }>(`INSERT INTO reply (message_id, resident_id, body, via, status, npu_code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [
        o.message ?? null,
        o.resident,
        o.body ?? 'A reply',
        o.via ?? 'web',
        o.status ?? 'open',
        o.npu,
      ])
    )[0].id;
  const statusOf = async (id: string) => (await t.sql<{ status: string }>('SELECT status FROM reply WHERE id = $1', [id]))[0].status;
  /** The error a call failed with: a DomainException's code and message, or anything else's class name. */
  const failure = async (call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (e) {
      return e instanceof DomainException ? { code: e.code, message: e.message } : { thrown: (e as Error).constructor.name };
    }
    return 'resolved';
  };
  const cursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
  const jobsFor = (responseId: string) =>
    t.sql<{ name: string }>(`SELECT name FROM pgboss.job WHERE data->'ref'->>'responseId' = $1 ORDER BY name`, [responseId]);

  beforeAll(async () => {
    inbox = t.app.get(InboxService);
    staff.ecoBE = await makeStaff('eco', 'BE');
    staff.ecoSW = await makeStaff('eco', 'SW');
    staff.admin = await makeStaff('admin', null);
    const [m] = await t.sql<{ id: string }>(
      `INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status, sent_at)
       VALUES ($1, 'BE', 'Mutation inbox message', 'Body', 'other', 'standard', '{email}', '{}', '{BE01}', 'sent', now()) RETURNING id`,
      [staff.ecoBE.id],
    );
    messageBE = m.id;
  });

  describe('list', () => {
    it('lists open replies by default, 50 a page with a cursor to the rest; assignedToMe narrows to the caller', async () => {
      const me = await makeStaff('officer', 'BE');
      const r = await makeResident(t, { ward: 'BE01' });
      await t.sql(
        `INSERT INTO reply (resident_id, body, via, status, npu_code, assigned_to_id, created_at)
         SELECT $1, 'Bulk ' || g, 'web', 'open', 'BE', $2, now() - g * interval '1 second' FROM generate_series(1, 51) g`,
        [r.id, me.id],
      );
      const answered = await reply({ npu: 'BE', resident: r.id, status: 'answered' });
      await t.sql('UPDATE reply SET assigned_to_id = $1 WHERE id = $2', [me.id, answered]);
      const other = await reply({ npu: 'BE', resident: r.id });

      const first = await inbox.list(me, {}, { assignedToMe: true });
      expect(first.items).toHaveLength(50);
      expect(first.items.map((i) => i.body)).toEqual(Array.from({ length: 50 }, (_, i) => `Bulk ${i + 1}`));
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await inbox.list(me, { cursor: first.nextCursor! }, { assignedToMe: true });
      expect(second).toEqual({ items: [expect.objectContaining({ body: 'Bulk 51', status: 'open' })], nextCursor: null });
      const mine = await inbox.list(me, { status: 'answered' }, { assignedToMe: true });
      expect(mine.items.map((i) => i.id)).toEqual([answered]);

      // Without assignedToMe (as the bearer route calls it): everyone's, the newest first.
      const all = await inbox.list(me, { limit: 200 });
      expect(all.items[0].id).toBe(other);
      expect(all.items.filter((i) => i.body.startsWith('Bulk '))).toHaveLength(51);
    });

    it('a cursor whose id is not a UUID or whose key is not a time is a VALIDATION error (never reaches SQL); an upper-case UUID is fine', async () => {
      const key = new Date().toISOString();
      const id = randomUUID();
      for (const bad of [cursor(key, `${id}0`), cursor(key, `0${id}`), cursor(key, 'not-a-uuid'), cursor('not a time', id)]) {
        expect(await failure(() => inbox.list(staff.admin, { cursor: bad }))).toEqual({ code: 'VALIDATION', message: 'cursor is not valid' });
      }
      await expect(inbox.list(staff.admin, { cursor: cursor(key, id.toUpperCase()) })).resolves.toEqual(expect.objectContaining({ items: expect.any(Array) }));
    });

    it('an item shows its message (or none), who has it, unread until marked read, and the rating of the message', async () => {
      const r = await makeResident(t, { ward: 'BE02', firstName: 'Ivy', email: `ivy.${randomBytes(3).toString('hex')}@example.org` });
      const withMessage = await reply({ npu: 'BE', resident: r.id, message: messageBE, body: 'With a message' });
      const bare = await reply({ npu: 'BE', resident: r.id, body: 'No message' });
      await t.sql(`INSERT INTO rating (message_id, resident_id, score, comment) VALUES ($1, $2, 5, 'Useful')`, [messageBE, r.id]);
      const holder = await makeStaff('eco', 'BE', 'Hana Holder');
      await inbox.assign(staff.ecoBE, withMessage, holder.id);

      const items = (await inbox.list(staff.ecoBE, { limit: 200 })).items;
      const a = items.find((i) => i.id === withMessage)!;
      const b = items.find((i) => i.id === bare)!;
      expect(a).toMatchObject({ message: { id: messageBE, title: 'Mutation inbox message' }, assignedTo: { id: holder.id, name: 'Hana Holder' }, unread: true, rating: { score: 5, comment: 'Useful' } });
      expect(b).toMatchObject({ message: null, assignedTo: null, unread: true, rating: null, resident: { id: r.id, firstName: 'Ivy' } });

      // Only the items still unread are marked (an item shown as read is left as the table has it).
      await inbox.markRead([{ id: withMessage, unread: true }, { id: bare, unread: false }]);
      const after = (await inbox.list(staff.ecoBE, { limit: 200 })).items;
      expect(after.find((i) => i.id === withMessage)!.unread).toBe(false);
      expect(after.find((i) => i.id === bare)!.unread).toBe(true);
    });
  });

  describe('detail', () => {
    it('is NOT_FOUND for an unknown reply, FORBIDDEN for another NPU, and shows no attachments and the responses without their reply id', async () => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const id = await reply({ npu: 'BE', resident: r.id, message: messageBE });
      expect(await failure(() => inbox.detail(staff.ecoBE, randomUUID()))).toEqual({ code: 'NOT_FOUND', message: 'Reply not found' });
      expect(await failure(() => inbox.detail(staff.ecoSW, id))).toEqual({ code: 'FORBIDDEN', message: 'Your role is limited to NPU SW' });
      const response = await inbox.respond(staff.ecoBE, id, { body: 'Seen it' });
      const d = await inbox.detail(staff.ecoBE, id);
      expect(d.attachments).toEqual([]);
      expect(d.responses).toEqual([{ id: response.id, staffId: staff.ecoBE.id, staffName: staff.ecoBE.name, body: 'Seen it', channel: 'email', createdAt: expect.any(Date) }]);
    });
  });

  describe('respond', () => {
    it('trims the text, answers an open, answered or closed reply, and queues the notification on the chosen channel', async () => {
      const byEmail = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const bySms = await makeResident(t, { ward: 'BE01', channels: ['sms'] });
      for (const status of ['open', 'answered', 'closed'] as const) {
        const id = await reply({ npu: 'BE', resident: byEmail.id, status });
        const res = await inbox.respond(staff.ecoBE, id, { body: `  Answer to ${status}  ` });
        expect(res).toMatchObject({ replyId: id, body: `Answer to ${status}`, channel: 'email' });
        expect(await statusOf(id)).toBe('answered');
        expect(await jobsFor(res.id)).toEqual([{ name: 'notify-email' }]);
      }
      const sms = await reply({ npu: 'BE', resident: bySms.id, via: 'sms' });
      const res = await inbox.respond(staff.ecoBE, sms, { body: 'By text' });
      expect(res.channel).toBe('sms');
      expect(await jobsFor(res.id)).toEqual([{ name: 'notify-sms' }]);
    });

    it("queues the notification in the response's own transaction, on either channel (the job's created_on is the response row's now())", async () => {
      // A job queued on its own connection would be stamped later than the transaction that wrote the response.
      for (const channels of [['email'], ['sms']] as const) {
        const r = await makeResident(t, { ward: 'BE01', channels: [...channels] });
        const id = await reply({ npu: 'BE', resident: r.id, via: channels[0] });
        const res = await inbox.respond(staff.ecoBE, id, { body: 'In one transaction' });
        const [row] = await t.sql<{ same: boolean }>(
          `SELECT j.created_on = x.created_at AS same FROM pgboss.job j, reply_response x WHERE j.data->'ref'->>'responseId' = $1 AND x.id = $1::uuid`,
          [res.id],
        );
        expect(row).toEqual({ same: true });
      }
    });

    it('NOT_FOUND, FORBIDDEN for another NPU, CONFLICT when unreachable: nothing written', async () => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'] });
      const id = await reply({ npu: 'BE', resident: r.id });
      expect(await failure(() => inbox.respond(staff.ecoBE, randomUUID(), { body: 'x' }))).toEqual({ code: 'NOT_FOUND', message: 'Reply not found' });
      expect(await failure(() => inbox.respond(staff.ecoSW, id, { body: 'x' }))).toEqual({ code: 'FORBIDDEN', message: 'Your role is limited to NPU SW' });
      await t.sql(`UPDATE resident_channel SET suspended_at = now(), suspended_reason = 'Hard bounce' WHERE resident_id = $1`, [r.id]);
      expect(await failure(() => inbox.respond(staff.ecoBE, id, { body: 'x' }))).toEqual({ code: 'CONFLICT', message: 'The resident cannot be reached by e-mail or SMS' });
      expect(await t.sql('SELECT 1 FROM reply_response WHERE reply_id = $1', [id])).toEqual([]);
      expect(await statusOf(id)).toBe('open');
    });
  });

  describe('close', () => {
    it('closes an open or answered reply; a closed one is INVALID_TRANSITION; NOT_FOUND and FORBIDDEN as elsewhere', async () => {
      const r = await makeResident(t, { ward: 'BE01' });
      for (const status of ['open', 'answered'] as const) {
        const id = await reply({ npu: 'BE', resident: r.id, status });
        expect(await inbox.close(staff.ecoBE, id)).toEqual({ id, status: 'closed' });
        expect(await statusOf(id)).toBe('closed');
        expect(await failure(() => inbox.close(staff.ecoBE, id))).toEqual({ code: 'INVALID_TRANSITION', message: 'This reply is already closed' });
      }
      const id = await reply({ npu: 'BE', resident: r.id });
      expect(await failure(() => inbox.close(staff.ecoBE, randomUUID()))).toEqual({ code: 'NOT_FOUND', message: 'Reply not found' });
      expect(await failure(() => inbox.close(staff.ecoSW, id))).toEqual({ code: 'FORBIDDEN', message: 'Your role is limited to NPU SW' });
      expect(await statusOf(id)).toBe('open');
    });
  });

  describe('assign and assignable', () => {
    const assignee = async (id: string) => (await t.sql<{ a: string | null }>('SELECT assigned_to_id AS a FROM reply WHERE id = $1', [id]))[0].a;
    const STAFF_ID_ERROR = { code: 'VALIDATION', message: 'staffId must be a colleague who can answer replies for this NPU' };

    it('gives a reply to an active colleague of any inbox role (its NPU or force-wide), and null takes it back', async () => {
      const r = await makeResident(t, { ward: 'BE01' });
      const id = await reply({ npu: 'BE', resident: r.id });
      for (const [role, npu] of [['admin', null], ['eco', 'BE'], ['officer', 'BE'], ['npu_lead', 'BE']] as const) {
        const s = await makeStaff(role, npu);
        await inbox.assign(staff.ecoBE, id, s.id);
        expect(await assignee(id)).toBe(s.id);
      }
      await inbox.assign(staff.ecoBE, id, null);
      expect(await assignee(id)).toBeNull();
    });

    it('refuses a non-UUID, another role or an unknown id (VALIDATION, nothing written); NOT_FOUND and FORBIDDEN for the reply', async () => {
      const r = await makeResident(t, { ward: 'BE01' });
      const id = await reply({ npu: 'BE', resident: r.id });
      const analyst = await makeStaff('analyst', 'BE');
      const uuid = randomUUID();
      for (const bad of ['not-a-uuid', `${uuid}0`, `0${uuid}`, analyst.id, uuid]) expect(await failure(() => inbox.assign(staff.ecoBE, id, bad))).toEqual(STAFF_ID_ERROR);
      expect(await assignee(id)).toBeNull();
      // Upper case is still a UUID.
      await inbox.assign(staff.ecoBE, id, staff.ecoBE.id.toUpperCase());
      expect(await assignee(id)).toBe(staff.ecoBE.id);
      expect(await failure(() => inbox.assign(staff.ecoBE, randomUUID(), staff.ecoBE.id))).toEqual({ code: 'NOT_FOUND', message: 'Reply not found' });
      expect(await failure(() => inbox.assign(staff.ecoSW, id, staff.ecoSW.id))).toEqual({ code: 'FORBIDDEN', message: 'Your role is limited to NPU SW' });
      expect(await assignee(id)).toBe(staff.ecoBE.id);
    });

    it('assignable lists the active inbox roles of that NPU and force-wide; FORBIDDEN for another NPU', async () => {
      const mine = [await makeStaff('admin', null), await makeStaff('eco', 'SW'), await makeStaff('officer', 'SW'), await makeStaff('npu_lead', 'SW')];
      const notMine = [await makeStaff('analyst', 'SW'), await makeStaff('cadet_leader', 'SW'), await makeStaff('eco', 'BE')];
      const ids = new Set([...mine, ...notMine].map((s) => s.id));
      const listed = (await inbox.assignable(staff.ecoSW, 'SW')).filter((s) => ids.has(s.id));
      expect(listed.map((s) => s.id).sort()).toEqual(mine.map((s) => s.id).sort());
      expect(await failure(() => inbox.assignable(staff.ecoSW, 'BE'))).toEqual({ code: 'FORBIDDEN', message: 'Your role is limited to NPU SW' });
    });
  });

  describe('openCounts', () => {
    it("counts open replies of the caller's NPU (every NPU force-wide), and the unread ones", async () => {
      const expected = async (npu: string | null) =>
        (
          await t.sql<{ open: number; unread: number }>(
            `SELECT count(*)::int AS open, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread FROM reply WHERE status = 'open' AND ($1::varchar IS NULL OR npu_code = $1)`,
            [npu],
          )
        )[0];
      const r = await makeResident(t, { ward: 'SW01' });
      await reply({ npu: 'SW', resident: r.id });
      const read = await reply({ npu: 'SW', resident: r.id });
      await inbox.markRead([{ id: read, unread: true }]);
      const sw = await inbox.openCounts(staff.ecoSW);
      expect(sw).toEqual(await expected('SW'));
      expect(sw.open).toBeGreaterThan(sw.unread);
      const all = await inbox.openCounts(staff.admin);
      expect(all).toEqual(await expected(null));
      expect(all.open).toBeGreaterThan(sw.open);
    });
  });
});
