// Retention (docs/data-protection.md): the housekeeping job deletes what is older than its period,
// and nothing younger, nor what is still needed (an open reply, a message still sending).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, HousekeepingService } from '@beacon/core';
import { DeliveryRetention } from '../libs/messaging/src/delivery-retention';
import { makeResident } from './utils/factories';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import { draftMessage, insertSentDelivery, type Auth } from './utils/world';

const DAY = 24 * 3600 * 1000;

describe('retention purges, run by housekeeping', () => {
  let t: TestApp;
  let eco: Auth;
  const dataDir = join(tmpdir(), `beacon-retention-${process.pid}`);
  const run = () => t.app.get(HousekeepingService).run();

  beforeAll(async () => {
    t = await createTestApp({
      DATA_DIR: dataDir,
      RUN_WORKER: 'false',
      DELIVERY_RETENTION_MONTHS: '13',
      AUDIT_RETENTION_MONTHS: '24',
      REPLY_RETENTION_DAYS: '365',
      OUTBOX_RETENTION_DAYS: '14',
      INACTIVE_RESIDENT_RETENTION_DAYS: '365',
      INBOUND_EMAIL_RETENTION_DAYS: '7',
    });
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('inbound e-mails as received go INBOUND_EMAIL_RETENTION_DAYS after they arrived, read or not; younger ones stay', async () => {
    const row = (days: number, outcome: string) =>
      t.sql<{ id: string }>(`INSERT INTO inbound_email (via, raw, size, outcome, received_at) VALUES ('smtp', $1, 5, $2, now() - make_interval(days => $3)) RETURNING id`, [Buffer.from('hello'), outcome, days]);
    const [old] = await row(8, 'reply');
    const [oldPending] = await row(8, 'pending');
    const [young] = await row(6, 'reply');
    await run();
    const left = (await t.sql<{ id: string }>(`SELECT id FROM inbound_email WHERE id = ANY($1::uuid[])`, [[old.id, oldPending.id, young.id]])).map((r) => r.id);
    expect(left).toEqual([young.id]);
  });

  // Issue 24: by whole monthly partitions (test/partitioning.e2e-spec.ts has the partition details).
  it('audit events in a month that ended more than AUDIT_RETENTION_MONTHS whole months ago go; younger ones stay', async () => {
    await t.sql(`INSERT INTO audit_event (actor, action, subject, at) VALUES ('retention-test', 'old', 'x', now() - interval '25 months'), ('retention-test', 'young', 'x', now() - interval '23 months')`);
    await t.app.get(HousekeepingService).ensureAuditPartitions();
    const purged = await run();
    expect(purged['audit events']).toBe(1);
    expect((await t.sql<{ action: string }>(`SELECT action FROM audit_event WHERE actor = 'retention-test'`)).map((r) => r.action)).toEqual(['young']);
  });

  it('deliveries go DELIVERY_RETENTION_MONTHS whole months after the month their message was released; a recent or still-sending message keeps them', async () => {
    const resident = await makeResident(t, { ward: 'BE01' });
    const oldMessage = await draftMessage(t, eco, 'BE01', 'Old');
    const recentMessage = await draftMessage(t, eco, 'BE01', 'Recent');
    const sendingMessage = await draftMessage(t, eco, 'BE01', 'Still sending');
    await t.sql(`UPDATE message SET status = 'sent', sent_at = now() - interval '15 months', send_requested_at = now() - interval '15 months' WHERE id = $1`, [oldMessage]);
    await t.sql(`UPDATE message SET status = 'sent', sent_at = now() - interval '12 months', send_requested_at = now() - interval '12 months' WHERE id = $1`, [recentMessage]);
    await t.sql(`UPDATE message SET status = 'sending', updated_at = now() - interval '16 months', send_requested_at = now() - interval '16 months' WHERE id = $1`, [sendingMessage]);
    for (const m of [oldMessage, recentMessage, sendingMessage]) await insertSentDelivery(t, m, resident.id);
    // created_at is the partition key: the message's release time, as the fan-out writes it; the
    // still-sending message's row is still being sent.
    await t.sql(`UPDATE delivery d SET created_at = m.send_requested_at, status = CASE WHEN m.status = 'sending' THEN 'sending' ELSE d.status END FROM message m WHERE m.id = d.message_id AND d.resident_id = $1`, [resident.id]);
    await t.app.get(DeliveryRetention).ensurePartitions();
    const purged = await run();
    expect(purged.deliveries).toBe(1);
    const left = await t.sql<{ title: string }>(`SELECT m.title FROM delivery d JOIN message m ON m.id = d.message_id WHERE d.resident_id = $1 ORDER BY 1`, [resident.id]);
    expect(left.map((r) => r.title)).toEqual(['Recent', 'Still sending']);
    expect(await t.sql(`SELECT 1 FROM message WHERE id = $1`, [oldMessage])).toHaveLength(1); // the message itself stays
  });

  it('answered and closed replies go REPLY_RETENTION_DAYS after they were sent, with their answers; open ones stay', async () => {
    const resident = await makeResident(t, { ward: 'BE01' });
    const insert = (status: string, days: number) =>
      t.sql<{ id: string }>(`INSERT INTO reply (resident_id, body, via, status, npu_code, created_at) VALUES ($1, $2, 'web', $3, 'BE', now() - $4 * interval '1 day') RETURNING id`, [resident.id, `${status} ${days}`, status, days]);
    const [oldClosed] = await insert('closed', 366);
    await insert('answered', 366);
    await insert('open', 366);
    await insert('closed', 364);
    await t.sql(`INSERT INTO reply_response (reply_id, staff_id, body, channel) VALUES ($1, $2, 'Thanks', 'email')`, [oldClosed.id, (await t.sql<{ id: string }>(`SELECT id FROM staff LIMIT 1`))[0].id]);
    const purged = await run();
    expect(purged.replies).toBe(2);
    expect((await t.sql<{ body: string }>(`SELECT body FROM reply WHERE resident_id = $1 ORDER BY body`, [resident.id])).map((r) => r.body)).toEqual(['closed 364', 'open 366']);
    expect(await t.sql(`SELECT 1 FROM reply_response WHERE reply_id = $1`, [oldClosed.id])).toHaveLength(0);
  });

  it('a purged reply takes its kept attachments with it: the row and the stored file; a kept reply keeps its file', async () => {
    const resident = await makeResident(t, { ward: 'BE01' });
    const insert = (status: string, days: number) =>
      t.sql<{ id: string }>(`INSERT INTO reply (resident_id, body, via, status, npu_code, created_at) VALUES ($1, $2, 'email', $3, 'BE', now() - $4 * interval '1 day') RETURNING id`, [resident.id, `${status} ${days}`, status, days]);
    const [gone] = await insert('closed', 366);
    const [kept] = await insert('open', 366);
    const files = t.app.get(FileStore);
    const attach = async (replyId: string) => {
      const file = await files.put({ bytes: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf' });
      await t.sql(`INSERT INTO reply_attachment (reply_id, file_id, filename, content_type, size) VALUES ($1, $2, 'a.pdf', 'application/pdf', $3)`, [replyId, file.key, file.size]);
      return file.key;
    };
    const goneFile = await attach(gone.id);
    const keptFile = await attach(kept.id);
    await run();
    expect(await files.read(goneFile)).toBeNull();
    expect(await t.sql(`SELECT 1 FROM reply_attachment WHERE reply_id = $1`, [gone.id])).toEqual([]);
    expect((await files.read(keptFile))?.bytes.toString()).toBe('%PDF-1.4 test');
  });

  it('outbox files older than OUTBOX_RETENTION_DAYS are deleted', async () => {
    const dir = join(dataDir, 'outbox');
    mkdirSync(dir, { recursive: true });
    const old = join(dir, 'old-email.json');
    writeFileSync(old, '{"to":"old@example.org"}');
    const oldTime = new Date(Date.now() - 15 * DAY);
    utimesSync(old, oldTime, oldTime);
    writeFileSync(join(dir, 'new-email.json'), '{"to":"new@example.org"}');
    const purged = await run();
    expect(purged['outbox files']).toBe(1);
    expect(readdirSync(dir)).toEqual(['new-email.json']);
  });

  it('residents who left more than INACTIVE_RESIDENT_RETENTION_DAYS ago are erased; recent leavers and active residents stay', async () => {
    const gone = await makeResident(t, { ward: 'BE02', status: 'unsubscribed' });
    const recent = await makeResident(t, { ward: 'BE02', status: 'unsubscribed' });
    const active = await makeResident(t, { ward: 'BE02' });
    await t.sql(`UPDATE resident SET left_at = now() - interval '366 days' WHERE id = $1`, [gone.id]);
    await t.sql(`UPDATE resident SET left_at = now() - interval '364 days' WHERE id = $1`, [recent.id]);
    await t.sql(`UPDATE resident SET left_at = now() - interval '900 days' WHERE id = $1`, [active.id]); // not unsubscribed: kept
    const purged = await run();
    expect(purged['inactive residents']).toBe(1);
    const rows = await t.sql<{ id: string; status: string; email: string | null }>(`SELECT id, status, email FROM resident WHERE id = ANY($1::uuid[])`, [[gone.id, recent.id, active.id]]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(gone.id)).toMatchObject({ status: 'erased', email: null });
    expect(byId.get(recent.id)).toMatchObject({ status: 'unsubscribed', email: recent.email });
    expect(byId.get(active.id)).toMatchObject({ status: 'active', email: active.email });
    expect(await t.sql(`SELECT 1 FROM audit_event WHERE action = 'resident.erased' AND subject = $1`, [`resident:${gone.id}`])).toHaveLength(1);
  });
});
