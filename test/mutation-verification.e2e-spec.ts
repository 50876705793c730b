// Address verification (libs/residents/src/verification.service.ts) rule by rule, for issue 27's
// mutation run: SMS codes (six digits, only an HMAC bound to the resident stored, 15 minutes, five
// guesses counted against every live code of the number, one use), e-mail links (a UUID and the
// address they were sent to), reminders (a verification to a pending claim, "already signed up"
// to a verified holder, nothing for an erased one) and the resend job. The service is called as
// its callers call it, on the real database; the queue is read from pg-boss's table.
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenService } from '../libs/auth/src/tokens/access-token.service';
import { LinkTokenService } from '../libs/auth/src/tokens/link-token.service';
import { APP_CONFIG, type AppConfig } from '../libs/core/src/config/app-config';
import type { ResidentEntity } from '../libs/residents/src/resident.entity';
import { ResidentRepository } from '../libs/residents/src/resident.repository';
import { DEAD_CODE, reminderTarget, SMS_CODE_TTL_MS, VerificationOutbox, VerificationService, WRONG_CODE } from '../libs/residents/src/verification.service';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';

// Pure: no app (Stryker runs only these for the mutants they reach).
describe('reminderTarget', () => {
  const row = (over: Partial<ResidentEntity>) => ({ email: null, phoneE164: null, emailVerifiedAt: null, phoneVerifiedAt: null, status: 'pending', ...over }) as ResidentEntity;
  const at = new Date('2026-01-01T00:00:00Z');

  it('the verified holder first (not erased), else the newest pending claim, by e-mail or by phone', () => {
    const claim = row({ email: 'a@example.org' });
    const holder = row({ email: 'a@example.org', emailVerifiedAt: at, status: 'active' });
    expect(reminderTarget([claim, holder], 'email', 'a@example.org')).toBe(holder);
    expect(reminderTarget([claim], 'email', 'a@example.org')).toBe(claim);
    expect(reminderTarget([claim, row({ email: 'a@example.org' })], 'email', 'a@example.org')).toBe(claim);
    const phoneClaim = row({ phoneE164: '+447700900001' });
    const phoneHolder = row({ phoneE164: '+447700900001', phoneVerifiedAt: at, status: 'unsubscribed' });
    expect(reminderTarget([phoneClaim, phoneHolder], 'sms', '+447700900001')).toBe(phoneHolder);
    expect(reminderTarget([phoneClaim], 'sms', '+447700900001')).toBe(phoneClaim);
  });

  it('never a row that does not hold the address, nor a claim inside a non-pending resident, nor an erased one', () => {
    // Verified for the other channel only: not a holder of this address.
    expect(reminderTarget([row({ email: 'a@example.org', phoneVerifiedAt: at, status: 'active' })], 'email', 'a@example.org')).toBeUndefined();
    expect(reminderTarget([row({ phoneE164: '+447700900001', emailVerifiedAt: at, status: 'active' })], 'sms', '+447700900001')).toBeUndefined();
    // Verified, but another address.
    expect(reminderTarget([row({ email: 'b@example.org', emailVerifiedAt: at, status: 'active' })], 'email', 'a@example.org')).toBeUndefined();
    expect(reminderTarget([row({ phoneE164: '+447700900002', phoneVerifiedAt: at, status: 'active' })], 'sms', '+447700900001')).toBeUndefined();
    expect(reminderTarget([row({ email: 'b@example.org' })], 'email', 'a@example.org')).toBeUndefined();
    expect(reminderTarget([row({ phoneE164: '+447700900002' })], 'sms', '+447700900001')).toBeUndefined();
    expect(reminderTarget([row({ email: 'a@example.org', emailVerifiedAt: at, status: 'erased' })], 'email', 'a@example.org')).toBeUndefined();
    expect(reminderTarget([row({ email: 'a@example.org', status: 'active' })], 'email', 'a@example.org')).toBeUndefined();
  });
});

describe('verification rules', () => {
  const { t } = useSuite({ geography: true, smtp: true, twilio: true });
  const service = () => t.app.get(VerificationService);
  const repo = () => t.app.get(ResidentRepository);
  const tx = <T>(run: (m: EntityManager) => Promise<T>) => t.app.get(DataSource).transaction(run);
  let n = 0;
  const phone = () => `+44770091${String(1000 + ++n)}`;
  const pendingSms = (p: string, email: string | null = null) => makeResident(t, { ward: 'BE01', channels: ['sms'], phone: p, email, status: 'pending', phoneVerified: false, emailVerified: false });
  const pendingEmail = () => makeResident(t, { ward: 'BE01', channels: ['email'], status: 'pending', emailVerified: false });
  /** Notification jobs queued about this resident: [queue, template, code?] (one transaction's jobs share created_on: then by queue). */
  const jobs = async (id: string) =>
    (
      await t.sql<{ name: string; template: string; code: string | null }>(
        `SELECT name, data->>'template' AS template, data->'ref'->>'code' AS code FROM pgboss.job WHERE name LIKE 'notify-%' AND data->'ref'->>'residentId' = $1 ORDER BY created_on, name`,
        [id],
      )
    ).map((j) => [j.name, j.template, ...(j.code === null ? [] : [j.code])]);
  const codeRow = async (id: string) =>
    (await t.sql<{ code_hash: string; expires_at: Date; attempts: number }>('SELECT code_hash, expires_at, attempts FROM resident_sms_code WHERE resident_id = $1', [id]))[0];
  const lastCode = async (id: string) => (await jobs(id)).filter((j) => j[1] === 'resident.sms-code').at(-1)![2];
  const refused = async (run: () => Promise<unknown>, message: string, details?: string[]) => {
    const err = await run().then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'DomainException', code: 'VALIDATION', message });
    expect((err as { details?: string[] }).details).toEqual(details);
  };
  const status = async (id: string) => (await t.sql<{ status: string; phone_verified_at: Date | null }>('SELECT status, phone_verified_at FROM resident WHERE id = $1', [id]))[0];

  it('an SMS code: six digits (leading zeros kept), queued with the resident id only, stored as an HMAC bound to the resident, for 15 minutes', async () => {
    const out = new VerificationOutbox();
    for (let i = 0; i < 300; i++) service().addSmsCode(out, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, '+447700900000');
    const codes = out.sms.map((j) => j.ref.code);
    expect(codes.every((c) => /^\d{6}$/.test(c!))).toBe(true);
    expect(codes).toHaveLength(300);
    expect(codes.some((c) => c!.startsWith('0'))).toBe(true); // 300 draws: P(no code below 100000) = 0.9^300
    expect(out.smsCodes.size).toBe(300);

    const p = phone();
    const r = await pendingSms(p);
    const before = Date.now();
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const after = Date.now();
    const code = await lastCode(r.id);
    expect(await jobs(r.id)).toEqual([['notify-sms', 'resident.sms-code', code]]);
    const row = await codeRow(r.id);
    const secret = t.app.get<symbol, AppConfig>(APP_CONFIG).auth.linkSecret;
    expect(row.code_hash).toBe(createHmac('sha256', secret).update(`sms-code:${r.id}:${code}`).digest('base64url'));
    expect(SMS_CODE_TTL_MS).toBe(15 * 60 * 1000);
    expect(row.expires_at.getTime()).toBeGreaterThanOrEqual(before + 15 * 60 * 1000);
    expect(row.expires_at.getTime()).toBeLessThanOrEqual(after + 15 * 60 * 1000);
    expect(row.attempts).toBe(0);
  });

  it('a new code replaces the earlier one (fresh attempts), and the earlier one stops working', async () => {
    const p = phone();
    const r = await pendingSms(p);
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const first = await lastCode(r.id);
    await refused(() => service().verifySmsCode(p, first === '000000' ? '000001' : '000000'), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    expect((await codeRow(r.id)).attempts).toBe(1);
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const second = await lastCode(r.id);
    expect((await codeRow(r.id)).attempts).toBe(0);
    if (second !== first) await refused(() => service().verifySmsCode(p, first), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    const v = await service().verifySmsCode(p, second);
    expect(v).toEqual({ residentId: r.id, status: 'active', firstName: expect.stringMatching(/^Resident\d+$/), accessToken: expect.any(String) });
    expect(t.app.get(AccessTokenService).verify(v.accessToken)).toMatchObject({ sub: r.id });
    expect(await status(r.id)).toEqual({ status: 'active', phone_verified_at: expect.any(Date) });
  });

  it('a code works once; an unknown number and a wrong code get the same answer; a wrong code never verifies', async () => {
    await refused(() => service().verifySmsCode('+447700919999', '123456'), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    const p = phone();
    const r = await pendingSms(p);
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const code = await lastCode(r.id);
    const wrong = code === '999999' ? '999998' : String(Number(code) + 1).padStart(6, '0');
    await refused(() => service().verifySmsCode(p, wrong), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    expect(await status(r.id)).toEqual({ status: 'pending', phone_verified_at: null });
    await service().verifySmsCode(p, code);
    expect(await codeRow(r.id)).toBeUndefined();
    await refused(() => service().verifySmsCode(p, code), WRONG_CODE, [`code: ${WRONG_CODE}`]);
  });

  it('five wrong guesses kill the code (dead, not wrong); four leave it usable; an expired code is dead', async () => {
    const p = phone();
    const r = await pendingSms(p);
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const code = await lastCode(r.id);
    const wrong = code === '111111' ? '222222' : '111111';
    for (let i = 0; i < 4; i++) await refused(() => service().verifySmsCode(p, wrong), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    expect((await codeRow(r.id)).attempts).toBe(4);
    await t.sql('UPDATE resident_sms_code SET attempts = 5 WHERE resident_id = $1', [r.id]);
    await refused(() => service().verifySmsCode(p, code), DEAD_CODE, [`code: ${DEAD_CODE}`]);
    expect((await codeRow(r.id)).attempts).toBe(5); // a dead code counts no more guesses
    await t.sql('UPDATE resident_sms_code SET attempts = 4 WHERE resident_id = $1', [r.id]);
    await service().verifySmsCode(p, code);
    expect(await status(r.id)).toEqual({ status: 'active', phone_verified_at: expect.any(Date) });

    const q = phone();
    const s = await pendingSms(q);
    await tx((m) => service().sendSmsCode(s.id, q, m));
    const sCode = await lastCode(s.id);
    await t.sql(`UPDATE resident_sms_code SET expires_at = now() - interval '1 second' WHERE resident_id = $1`, [s.id]);
    await refused(() => service().verifySmsCode(q, sCode), DEAD_CODE, [`code: ${DEAD_CODE}`]);
    expect(await status(s.id)).toEqual({ status: 'pending', phone_verified_at: null });
  });

  it('two claims on one number: a wrong guess counts against both; each code verifies only its own resident', async () => {
    const p = phone();
    const a = await pendingSms(p);
    const b = await pendingSms(p, `claim.${n}@example.org`); // a second claim differs in something (uq_resident_pending_claim)
    await tx((m) => service().sendSmsCode(a.id, p, m));
    await tx((m) => service().sendSmsCode(b.id, p, m));
    const aCode = await lastCode(a.id);
    const bCode = await lastCode(b.id);
    const wrong = ['000000', '000001', '000002'].find((c) => c !== aCode && c !== bCode)!;
    await refused(() => service().verifySmsCode(p, wrong), WRONG_CODE, [`code: ${WRONG_CODE}`]);
    expect([(await codeRow(a.id)).attempts, (await codeRow(b.id)).attempts]).toEqual([1, 1]);
    const v = await service().verifySmsCode(p, bCode);
    expect(v.residentId).toBe(b.id);
    expect(await status(b.id)).toEqual({ status: 'active', phone_verified_at: expect.any(Date) });
    expect(await t.sql('SELECT 1 FROM resident WHERE id = $1', [a.id])).toEqual([]); // the bare claim went with the number
  });

  it('a stored hash of another length is a wrong code, not a crash', async () => {
    const p = phone();
    const r = await pendingSms(p);
    await tx((m) => service().sendSmsCode(r.id, p, m));
    const code = await lastCode(r.id);
    await t.sql(`UPDATE resident_sms_code SET code_hash = 'short' WHERE resident_id = $1`, [r.id]);
    await refused(() => service().verifySmsCode(p, code), WRONG_CODE, [`code: ${WRONG_CODE}`]);
  });

  it('an e-mail link verifies the address it was sent to, for a UUID resident id; anything else is not valid', async () => {
    const links = t.app.get(LinkTokenService);
    const r = await pendingEmail();
    for (const claims of [{ r: `x${r.id}`, a: r.email! }, { r: `${r.id}0`, a: r.email! }, { a: r.email! }, { r: r.id }, { r: r.id, a: '' }, { r: r.id, a: 'other@example.org' }] as Record<string, string>[]) {
      await refused(() => service().verifyEmailToken(links.sign('verify-email', claims, 3600)), 'This link is not valid');
    }
    expect((await t.sql('SELECT status FROM resident WHERE id = $1', [r.id]))[0]).toEqual({ status: 'pending' });
    const v = await service().verifyEmailToken(links.sign('verify-email', { r: r.id, a: r.email! }, 3600));
    expect(v).toEqual({ residentId: r.id, status: 'active', firstName: expect.stringMatching(/^Resident\d+$/), accessToken: expect.any(String) });
    expect(t.app.get(AccessTokenService).verify(v.accessToken)).toMatchObject({ sub: r.id });
    await t.sql('UPDATE resident SET first_name = NULL WHERE id = $1', [r.id]);
    expect((await service().verifyEmailToken(links.sign('verify-email', { r: r.id, a: r.email! }, 3600))).firstName).toBeNull();
  });

  it('reminders: a verification to a pending claim, "already signed up" to a verified holder, on the channel asked; nothing for an erased resident', async () => {
    const e = await pendingEmail();
    const p = phone();
    const s = await pendingSms(p);
    const holder = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], phone: phone() });
    await service().sendReminders({ email: e.email! });
    await service().sendReminders({ phone: p });
    await service().sendReminders({ email: holder.email!, phone: holder.phone! });
    expect(await jobs(e.id)).toEqual([['notify-email', 'resident.verify-email']]);
    expect(await jobs(s.id)).toEqual([['notify-sms', 'resident.sms-code', expect.stringMatching(/^\d{6}$/)]]);
    expect(await codeRow(s.id)).toMatchObject({ attempts: 0 });
    expect(await jobs(holder.id)).toEqual([
      ['notify-email', 'resident.already-subscribed'],
      ['notify-sms', 'resident.already-subscribed'],
    ]);
    await service().sendReminders({ email: 'nobody.verification@example.org', phone: '+447700919998' }); // nobody: nothing, no error
    await service().sendReminders({});

    // addReminder as sign-up calls it, for rows as the repository returns them.
    const active = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], emailVerified: false, phone: phone() });
    const activeRow = (await repo().findById(active.id))!;
    const out = new VerificationOutbox();
    service().addReminder(out, activeRow, 'email'); // its e-mail is not verified yet: a link
    service().addReminder(out, activeRow, 'sms'); // its phone is: "already"
    expect(out.emails.map((j) => j.template)).toEqual(['resident.verify-email']);
    expect(out.sms.map((j) => j.template)).toEqual(['resident.already-subscribed']);
    const smsOnly = (await repo().findById(s.id))!;
    const none = new VerificationOutbox();
    service().addReminder(none, smsOnly, 'email'); // no e-mail address: nothing
    const emailOnly = (await repo().findById(e.id))!;
    service().addReminder(none, emailOnly, 'sms'); // no phone: nothing
    service().addReminder(none, { ...activeRow, status: 'erased' } as ResidentEntity, 'email');
    service().addReminder(none, { ...activeRow, status: 'erased' } as ResidentEntity, 'sms');
    expect([none.emails, none.sms, none.smsCodes.size]).toEqual([[], [], 0]);
    const phoneClaim = new VerificationOutbox();
    service().addReminder(phoneClaim, { ...activeRow, phoneVerifiedAt: null } as ResidentEntity, 'sms');
    expect([phoneClaim.sms.map((j) => j.template), phoneClaim.smsCodes.has(active.id)]).toEqual([['resident.sms-code'], true]);
  });

  it('a pending sign-up whose address was verified already (its other one not yet) is sent a verification again, not "already signed up"', async () => {
    const row = (await repo().findById((await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], phone: phone() })).id))!;
    const pending = { ...row, status: 'pending' } as ResidentEntity;
    const out = new VerificationOutbox();
    service().addReminder(out, pending, 'email');
    service().addReminder(out, pending, 'sms');
    expect([out.emails.map((j) => j.template), out.sms.map((j) => j.template), out.smsCodes.has(row.id)]).toEqual([['resident.verify-email'], ['resident.sms-code'], true]);
  });

  it('the refusals say what to do, in words', () => {
    expect(WRONG_CODE).toBe('That code is not right. Check it and try again, or ask for a new code.');
    expect(DEAD_CODE).toBe('That code can no longer be used. Ask for a new code.');
  });

  it("codes and messages are queued in the caller's transaction: a rolled-back caller leaves neither", async () => {
    const p = phone();
    const r = await pendingSms(p);
    const e = await pendingEmail();
    const rolledBack = new Error('caller rolled back');
    const run = tx(async (m) => {
      await service().sendSmsCode(r.id, p, m);
      await service().sendEmailLink(e, e.email!, m);
      throw rolledBack;
    });
    await expect(run).rejects.toBe(rolledBack);
    expect(await codeRow(r.id)).toBeUndefined();
    expect([await jobs(r.id), await jobs(e.id)]).toEqual([[], []]);
    // Committed: the e-mail link is the verify-email notice about the resident only (the address is read when it is sent).
    await tx((m) => service().sendEmailLink(e, e.email!, m));
    expect(await jobs(e.id)).toEqual([['notify-email', 'resident.verify-email']]);
    const [job] = await t.sql<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data->'ref'->>'residentId' = $1`, [e.id]);
    expect(JSON.stringify(job.data)).not.toContain(e.email!);
  });

  it('resend queues one reminder job with the addresses asked about and answers accepted', async () => {
    const email = `resend.${Date.now()}@example.org`;
    expect(await service().resend({ email, phone: '+447700919997' })).toEqual({ status: 'accepted' });
    const [job] = await t.sql<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = 'resident-reminder' AND data->>'email' = $1`, [email]);
    expect(job.data).toEqual({ purpose: 'resend', email, phone: '+447700919997' });
  });
});
