// Resident rules that a review's mutants got past: the unverified-purge guards (age, and kept
// data), and a magic link dying with the address it was sent to.
import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { APP_CONFIG, type AppConfig } from '../libs/core/src/config/app-config';
import { ResidentRepository } from '../libs/residents/src/resident.repository';
import { UnverifiedPurgeService } from '../libs/residents/src/unverified-purge.service';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import { draftMessage, residentAuth } from './utils/world';

describe('resident rules', () => {
  const logLines: string[] = [];
  const logTo = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  const { t, smtp } = useSuite({ smtp: true, geography: true, logTo });
  /** The purge's own log lines: context Residents, with the count deleted. */
  const purgeLines = () => logLines.map((l) => JSON.parse(l) as { context?: string; deleted?: number; msg?: string }).filter((l) => l.deleted !== undefined);

  it('the unverified purge (30 days) deletes a plain 31-day-old sign-up and keeps a 29-day-old one and 31-day-old ones with a rating or a reply', async () => {
    const pending = async (days: number) => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'], status: 'pending', emailVerified: false });
      await t.sql(`UPDATE resident SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [r.id, days]);
      return r.id;
    };
    const eco = await loginAs(t, 'eco', 'BE');
    const messageId = await draftMessage(t, eco.auth, 'BE01');
    const plain = await pending(31);
    const young = await pending(29);
    const rated = await pending(31);
    const replied = await pending(31);
    // Kept data: a rating and a reply (figures other reports count), written as their tables hold them.
    await t.sql(`INSERT INTO rating (message_id, resident_id, score) VALUES ($1, $2, 4)`, [messageId, rated]);
    await t.sql(`INSERT INTO reply (message_id, resident_id, body, via, npu_code) VALUES ($1, $2, 'Seen it', 'web', 'BE')`, [messageId, replied]);

    expect(await t.app.get(UnverifiedPurgeService).purge()).toBe(1);
    expect(purgeLines()).toEqual([expect.objectContaining({ context: 'Residents', deleted: 1, msg: 'Deleted sign-ups never verified' })]);
    const left = await t.sql<{ id: string }>('SELECT id FROM resident WHERE id = ANY($1::uuid[]) ORDER BY id', [[plain, young, rated, replied]]);
    expect(left.map((r) => r.id)).toEqual([young, rated, replied].sort());
    expect(await t.sql('SELECT 1 FROM resident_channel WHERE resident_id = $1', [plain])).toEqual([]);
    expect(await t.app.get(UnverifiedPurgeService).purge()).toBe(0);
    expect(purgeLines()).toHaveLength(1); // nothing deleted, nothing logged
  });

  it('a magic link issued for an old address is refused once the address has changed; one for the new address works', async () => {
    const r = await makeResident(t, { ward: 'BE02', channels: ['email'] });
    const tokenFrom = async (address: string) => {
      const signIns = () => smtp.messages.filter((m) => m.to.includes(address) && m.parsed.subject === 'Your Beacon sign-in link');
      const before = signIns().length;
      await t.http().post('/api/v1/auth/resident/magic-link').send({ email: address }).expect(202, { status: 'accepted' });
      await waitUntil(() => signIns().length > before, 20_000, `sign-in e-mail to ${address}`);
      const mail = signIns().at(-1)!;
      return /http:\/\/beacon\.test\/me\?token=([A-Za-z0-9_.-]+)/.exec(mail.parsed.text ?? '')![1];
    };
    const old = await tokenFrom(r.email!);

    const changed = `changed.${Date.now()}@example.org`;
    await t.http().patch('/api/v1/me').set(...residentAuth(t, r.id)).send({ email: changed }).expect(200);
    expect(await t.sql('SELECT email FROM resident WHERE id = $1', [r.id])).toEqual([{ email: changed }]);

    const refused = await t.http().post('/api/v1/auth/resident/exchange').send({ token: old }).expect(400);
    expect(refused.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'This link is not valid' });
    // The new address is held once verified (libs/residents README, "Address claims"): then its link works.
    await waitUntil(() => smtp.messages.some((m) => m.to.includes(changed) && m.parsed.subject === 'Confirm your email address for Beacon'), 20_000, 'verification e-mail');
    const confirm = smtp.messages.find((m) => m.to.includes(changed) && m.parsed.subject === 'Confirm your email address for Beacon')!;
    const verifyToken = /http:\/\/beacon\.test\/verify\?token=([A-Za-z0-9_.-]+)/.exec(confirm.parsed.text ?? '')![1];
    await t.http().post('/api/v1/residents/verify').send({ token: verifyToken }).expect(200);
    const fresh = await tokenFrom(changed);
    const ok = await t.http().post('/api/v1/auth/resident/exchange').send({ token: fresh }).expect(200);
    expect(ok.body).toEqual({ accessToken: expect.any(String) });
  });

  describe('the purge log line (a service built inside the test)', () => {
    // The app's instance builds its logger while the app boots, outside any test; this one builds
    // it inside one, and checks the line without the first test's leftovers (issue 27 mutants).
    it('names its context Residents and says what it deleted', async () => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'], status: 'pending', emailVerified: false });
      await t.sql(`UPDATE resident SET created_at = now() - make_interval(days => 40) WHERE id = $1`, [r.id]);
      const seen = purgeLines().length;
      const purge = new UnverifiedPurgeService(t.app.get(ResidentRepository), t.app.get<symbol, AppConfig>(APP_CONFIG));
      expect(await purge.purge()).toBe(1);
      expect(purgeLines().slice(seen)).toEqual([expect.objectContaining({ context: 'Residents', deleted: 1, msg: 'Deleted sign-ups never verified' })]);
    });
  });
});
