// Issue 16: a resident's archive of the messages sent to them, reached from their manage page
// with the same token session: newest first, paged, only their own deliveries that went out.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { LinkTokenService } from '@beacon/auth';
import { ResidentLinksService } from '@beacon/residents';
import { makeResident } from './utils/factories';
import { GOVUK_STYLESHEET, LAYOUT_SCRIPTS, pageScripts } from './utils/html-page';
import { broadcast } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe("a resident's archive of the messages sent to them", () => {
  const { t } = useSuite({ smtp: true, twilio: true, geography: true });
  let eco: Auth;
  let mine: { id: string };
  let theirs: { id: string };
  const titles: string[] = [];

  const session = (residentId: string, level: 'full' | 'prefs' = 'full') => t.app.get(ResidentLinksService).manageToken(residentId, level);
  const archive = (token: string, query = '') => t.http().get(`/me/messages?token=${encodeURIComponent(token)}${query}`);
  /** The titles listed, in order. */
  const listed = (html: string) => [...html.matchAll(/<h2 class="govuk-heading-s archive-title">([^<]*)<\/h2>/g)].map((m) => m[1]);
  const olderLink = (html: string) => /<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    mine = await makeResident(t, { ward: 'BE01', channels: ['email', 'sms'], interests: ['horse_rider'] });
    theirs = await makeResident(t, { ward: 'BE02', channels: ['email'], interests: ['horse_rider'] });
    // 23 messages to this resident (some by e-mail and text), 2 only to the other, 1 to both.
    for (let i = 1; i <= 23; i++) {
      const title = `Archive message ${String(i).padStart(2, '0')}`;
      titles.push(title);
      await broadcast(t, eco, { title, channels: i % 5 ? ['email'] : ['email', 'sms'], audience: { wardCodes: ['BE01'], interestGroups: ['horse_rider'] } });
    }
    for (const title of ['Not yours A', 'Not yours B']) await broadcast(t, eco, { title, audience: { wardCodes: ['BE02'], interestGroups: ['horse_rider'] } });
    await broadcast(t, eco, { title: 'To both wards', audience: { wardCodes: ['BE01', 'BE02'], interestGroups: ['horse_rider'] } });
    // A delivery that never went out is not a message sent to them.
    await broadcast(t, eco, { title: 'Failed to send', audience: { wardCodes: ['BE01'], interestGroups: ['horse_rider'] } });
    await t.sql(`UPDATE delivery SET status = 'failed' WHERE message_id = (SELECT id FROM message WHERE title = 'Failed to send')`);
  }, 240_000);

  it('the manage page links to it with its session; newest first, 20 a page, only their own messages', async () => {
    const manage = await t.http().get(`/me?token=${session(mine.id)}`).expect(200);
    const link = /<a class="govuk-link" href="(\/me\/messages\?token=[^"]+)">Messages sent to you<\/a>/.exec(manage.text);
    expect(link).not.toBeNull();
    const first = await t.http().get(link![1].replace(/&amp;/g, '&')).expect(200);
    expect(first.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(first.text).toMatch(GOVUK_STYLESHEET);
    expect(pageScripts(first.text)).toEqual(LAYOUT_SCRIPTS);
    const newest = ['To both wards', ...titles.slice().reverse()];
    expect(listed(first.text)).toEqual(newest.slice(0, 20));
    // Each one opens that delivery's own message page (read, rate, reply).
    expect(first.text).toMatch(/<a class="govuk-link" href="\/r\/[^"]+">Read, rate or reply<span class="govuk-visually-hidden"> to To both wards<\/span><\/a>/);
    expect(first.text).toContain('By email and text message');
    const older = olderLink(first.text);
    expect(older).not.toBeNull();
    const second = await t.http().get(older!).expect(200);
    expect(listed(second.text)).toEqual(newest.slice(20));
    expect(olderLink(second.text)).toBeNull();
    for (const page of [first.text, second.text]) {
      expect(page).not.toContain('Not yours');
      expect(page).not.toContain('Failed to send');
      expect(UUID.test(page.replace(/<[^>]*>/g, ''))).toBe(false);
    }
    // The way back to their preferences keeps the session.
    expect(first.text).toMatch(/href="\/me\?token=[^"]+">Back to your preferences<\/a>/);
  });

  it('another resident sees only theirs; a preferences-only (message link) session works too', async () => {
    const res = await archive(session(theirs.id, 'prefs')).expect(200);
    expect(listed(res.text)).toEqual(['To both wards', 'Not yours B', 'Not yours A']);
    expect(olderLink(res.text)).toBeNull();
    for (const title of titles) expect(res.text).not.toContain(title);
  });

  it('the cursor cannot point at another resident: it only pages the session\'s own list', async () => {
    const first = await archive(session(mine.id)).expect(200);
    const cursor = /[?&]before=([^&"]+)/.exec(olderLink(first.text)!)![1];
    const res = await archive(session(theirs.id), `&before=${cursor}`).expect(200);
    // Theirs were all sent after that point in this resident's list: nothing older to show.
    expect(listed(res.text)).toEqual([]);
    for (const title of titles) expect(res.text).not.toContain(title);
  });

  it('no token, a tampered or expired one, another purpose, a bad cursor: an error page, never the list', async () => {
    expect((await t.http().get('/me/messages').expect(400)).text).not.toContain('archive-title');
    const token = session(mine.id);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await archive(tampered).expect(400)).text).toContain('This link is not valid');
    const expired = t.app.get(LinkTokenService).sign('manage', { r: mine.id, l: 'full' }, -60);
    expect((await archive(expired).expect(410)).text).not.toContain('archive-title');
    // An unsubscribe link names the same resident but is not a session.
    const unsubscribe = t.app.get(LinkTokenService).sign('unsubscribe', { r: mine.id, c: 'all' }, 3600);
    await archive(unsubscribe).expect(400);
    for (const before of ['garbage', 'x'.repeat(500), '2026-01-01', encodeURIComponent("' OR 1=1 --")]) await archive(token, `&before=${before}`).expect(400);
  });

  it('an erased resident gets no archive', async () => {
    const gone = await makeResident(t, { ward: 'BE03', channels: ['email'] });
    const token = session(gone.id);
    await t.sql(`UPDATE resident SET status = 'erased', email = NULL, first_name = NULL, erased_at = now() WHERE id = $1`, [gone.id]);
    expect((await archive(token).expect(410)).text).not.toContain('archive-title');
  });
});
