// Unsubscribe links (libs/residents/src/unsubscribe.service.ts) rule by rule, for issue 27's
// mutation run: what the token must hold (a resident id, exactly a UUID; a known scope), what the
// page shows (masked addresses per channel, the stored language; nothing for an unknown or erased
// resident), and what a choice turns off. The service is called as the pages controller calls it,
// on the real database; one case goes through HTTP for the error's shape.
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { LinkTokenService } from '../libs/auth/src/tokens/link-token.service';
import { ResidentAccountService } from '../libs/residents/src/resident-account.service';
import { UnsubscribeService } from '../libs/residents/src/unsubscribe.service';
import { makeResident } from './utils/factories';
import { useSuite } from './utils/suite';

describe('unsubscribe rules', () => {
  const { t } = useSuite({ geography: true });
  const service = () => t.app.get(UnsubscribeService);
  const sign = (claims: Record<string, string>) => t.app.get(LinkTokenService).sign('unsubscribe', claims, 3600);
  let n = 0;
  /** An active resident on e-mail and SMS with addresses whose masks are known. */
  const both = async (language: string | null = null) => {
    const phone = `+44770090${1000 + ++n}`;
    const email = `unsub${randomBytes(3).toString('hex')}@example.org`;
    const r = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], email, phone });
    if (language) await t.sql('UPDATE resident SET language = $2 WHERE id = $1', [r.id, language]);
    return { id: r.id, email, phone };
  };
  const channels = (id: string) => t.sql<{ channel: string; enabled: boolean }>('SELECT channel, enabled FROM resident_channel WHERE resident_id = $1 ORDER BY channel', [id]);
  const status = async (id: string) => (await t.sql<{ status: string }>('SELECT status FROM resident WHERE id = $1', [id]))[0].status;
  const refused = async (run: () => unknown, message: string, details?: string[]) => {
    const err = await Promise.resolve().then(run).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'DomainException', code: 'VALIDATION', message });
    expect((err as { details?: string[] }).details).toEqual(details);
  };

  it('the page lists each channel with its own masked address and the stored language', async () => {
    const r = await both('cy');
    await t.sql(`UPDATE resident_channel SET enabled = false WHERE resident_id = $1 AND channel = 'sms'`, [r.id]);
    expect(await service().view(sign({ r: r.id, c: 'email' }))).toEqual({
      channels: [
        { channel: 'email', enabled: true, address: `u***@example.org` },
        { channel: 'sms', enabled: false, address: `${r.phone.slice(0, 6)}****${r.phone.slice(-3)}` },
      ],
      language: 'cy',
    });
  });

  it('the page shows nothing for a resident who does not exist or was erased (and does not fail)', async () => {
    expect(await service().view(sign({ r: '00000000-0000-4000-8000-000000000000', c: 'all' }))).toEqual({ channels: [], language: null });
    const r = await both('pl');
    await t.app.get(ResidentAccountService).erase(r.id);
    expect(await channels(r.id)).toEqual([{ channel: 'email', enabled: false }, { channel: 'sms', enabled: false }]); // the rows stay
    expect(await service().view(sign({ r: r.id, c: 'email' }))).toEqual({ channels: [], language: null });
  });

  it('a token must name a resident by exactly a UUID and carry a known scope', async () => {
    const id = (await both()).id;
    for (const c of ['email', 'sms', 'all']) expect(service().parse(sign({ r: id, c }))).toEqual({ residentId: id, scope: c });
    for (const claims of [{ r: `x${id}`, c: 'all' }, { r: `${id}0`, c: 'all' }, { r: id.replace(/-/g, ''), c: 'all' }, { c: 'all' }, { r: id, c: 'post' }, { r: id, c: '' }, { r: id }] as Record<string, string>[]) {
      await refused(() => service().parse(sign(claims)), 'This link is not valid');
      await refused(() => service().view(sign(claims)), 'This link is not valid');
      await refused(() => service().unsubscribe(sign(claims)), 'This link is not valid');
    }
    expect(await channels(id)).toEqual([{ channel: 'email', enabled: true }, { channel: 'sms', enabled: true }]);
    // Through the pages: a clear 400, the resident untouched.
    const res = await t.http().post(`/u/${sign({ r: id, c: 'post' })}`).type('form').send('List-Unsubscribe=One-Click').expect(400);
    expect(res.text).toContain('This link is not valid');
    expect(await status(id)).toBe('active');
  });

  it('one-click turns off the token\'s channel; a chosen scope wins over it; "all" turns off both and the resident leaves', async () => {
    const a = await both();
    expect(await service().unsubscribe(sign({ r: a.id, c: 'email' }))).toEqual({ scope: 'email', stillOn: ['sms'] });
    expect(await channels(a.id)).toEqual([{ channel: 'email', enabled: false }, { channel: 'sms', enabled: true }]);

    const b = await both();
    expect(await service().unsubscribe(sign({ r: b.id, c: 'email' }), 'sms')).toEqual({ scope: 'sms', stillOn: ['email'] });
    expect(await channels(b.id)).toEqual([{ channel: 'email', enabled: true }, { channel: 'sms', enabled: false }]);
    expect(await status(b.id)).toBe('active');

    const c = await both();
    expect(await service().unsubscribe(sign({ r: c.id, c: 'sms' }), 'all')).toEqual({ scope: 'all', stillOn: [] });
    expect(await channels(c.id)).toEqual([{ channel: 'email', enabled: false }, { channel: 'sms', enabled: false }]);
    expect(await status(c.id)).toBe('unsubscribed');
  });

  it('a scope that is not email, sms or all is refused and changes nothing', async () => {
    const r = await both();
    const token = sign({ r: r.id, c: 'all' });
    for (const chosen of ['bogus', '', 'ALL']) {
      await refused(() => service().unsubscribe(token, chosen), 'scope must be one of: email, sms, all', ['scope must be one of: email, sms, all']);
    }
    expect(await channels(r.id)).toEqual([{ channel: 'email', enabled: true }, { channel: 'sms', enabled: true }]);
    expect(await status(r.id)).toBe('active');
  });

  it('unsubscribing a resident who does not exist or was erased answers with nothing on, and changes nothing', async () => {
    expect(await service().unsubscribe(sign({ r: '00000000-0000-4000-8000-000000000001', c: 'email' }))).toEqual({ scope: 'email', stillOn: [] });
    const r = await both();
    await t.app.get(ResidentAccountService).erase(r.id);
    expect(await service().unsubscribe(sign({ r: r.id, c: 'all' }))).toEqual({ scope: 'all', stillOn: [] });
    expect(await status(r.id)).toBe('erased');
  });
});
