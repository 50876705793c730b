// Issue 16, residents' own pages: scheme volunteers and coordinators. The access rules of the
// pages over HTTP: the link token names the only resident a request can act for, a coordinator
// manages only their own scheme, and nobody becomes a member without their own act.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxStore } from '@beacon/channels';
import { ResidentLinksService } from '@beacon/residents';
import { makeResident } from './utils/factories';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

const HOUR = 3600 * 1000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A day a week or more ahead (UK date), so "in the future" holds for the whole run. */
const ahead = (days: number) => new Date(Date.now() + days * 24 * HOUR).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

describe("residents' scheme pages", () => {
  const { t } = useSuite({ geography: true });
  let eco: Auth;
  let ecoSW: Auth;

  const session = (residentId: string, level: 'full' | 'prefs' = 'full') => t.app.get(ResidentLinksService).manageToken(residentId, level);
  const post = (path: string, form: Record<string, string>) => t.http().post(path).type('form').send(form);
  const members = (schemeId: string) => t.sql<{ resident_id: string; consent: string | null; consent_recorded_by: string | null }>('SELECT resident_id, consent, consent_recorded_by FROM scheme_member WHERE scheme_id = $1 ORDER BY joined_at', [schemeId]);
  const invitations = (schemeId: string) => t.sql<{ resident_id: string }>('SELECT resident_id FROM scheme_invitation WHERE scheme_id = $1', [schemeId]);
  const patrolCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM patrol'))[0].n;
  const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ');

  async function scheme(auth: Auth, body: Record<string, unknown>): Promise<string> {
    const res = await t.http().post('/api/v1/schemes').set(...auth).send('coordinatorResidentId' in body ? { coordinatorConsent: 'in_person', ...body } : body).expect(201);
    return (res.body as { id: string }).id;
  }
  async function enrol(schemeId: string, residentId: string, auth: Auth = eco) {
    await t.http().post(`/api/v1/schemes/${schemeId}/members`).set(...auth).send({ residentId, consent: 'in_person' }).expect(201);
  }

  beforeAll(async () => {
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
  });

  describe('joining a scheme', () => {
    it('lists the active schemes of their NPU (own ward first) and joins one with their own act as consent', async () => {
      const me = await makeResident(t, { ward: 'BE02', firstName: 'Joiner' });
      const near = await scheme(eco, { type: 'neighbourhood_watch', name: 'Joiner Close Watch', wardCode: 'BE02' });
      const npu = await scheme(eco, { type: 'street_watch', name: 'Joiner Avenue Street Watch', wardCode: 'BE01' });
      const far = await scheme(ecoSW, { type: 'neighbourhood_watch', name: 'Faraway Watch', wardCode: 'SW01' });
      const page = await t.http().get(`/me/schemes?token=${encodeURIComponent(session(me.id))}`).expect(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
      const listed = textOf(page.text);
      expect(listed).toContain('Joiner Close Watch');
      expect(listed.indexOf('Joiner Close Watch')).toBeLessThan(listed.indexOf('Joiner Avenue Street Watch'));
      expect(listed).not.toContain('Faraway Watch');
      expect(UUID.test(listed)).toBe(false);
      expect(listed).not.toMatch(/neighbourhood_watch|street_watch/);

      const res = await post(`/me/schemes/${near}/join`, { token: session(me.id) }).expect(303);
      expect(res.headers.location).toMatch(/^\/me\/schemes\?token=[^&]+&done=joined$/);
      expect(await members(near)).toEqual([{ resident_id: me.id, consent: 'self', consent_recorded_by: `resident:${me.id}` }]);
      const after = await t.http().get(res.headers.location).expect(200);
      expect(after.text).toContain('You have joined the scheme.');
      // Joining twice is a 409 page; nothing more is written.
      await post(`/me/schemes/${near}/join`, { token: session(me.id) }).expect(409);
      expect(await members(near)).toHaveLength(1);
      // A scheme of another NPU: the member rules' 400, nothing written.
      await post(`/me/schemes/${far}/join`, { token: session(me.id) }).expect(400);
      expect(await members(far)).toEqual([]);
      expect(npu).toBeTruthy();
    });

    it('needs a signed-in (full) session: a forwarded preferences link, no token, a tampered or another purpose token write nothing', async () => {
      const me = await makeResident(t, { ward: 'BE01' });
      const s = await scheme(eco, { type: 'neighbourhood_watch', name: 'Token Test Watch', wardCode: 'BE01' });
      await post(`/me/schemes/${s}/join`, { token: session(me.id, 'prefs') }).expect(403);
      await t.http().get(`/me/schemes?token=${encodeURIComponent(session(me.id, 'prefs'))}`).expect(403);
      await post(`/me/schemes/${s}/join`, {}).expect(400);
      const token = session(me.id);
      await post(`/me/schemes/${s}/join`, { token: token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA') }).expect(400);
      const unsubscribe = t.app.get(ResidentLinksService).unsubscribeUrl(me.id, 'all').split('/u/')[1];
      await post(`/me/schemes/${s}/join`, { token: unsubscribe }).expect(400);
      expect(await members(s)).toEqual([]);
    });

    it('an erased resident\'s token is refused', async () => {
      const me = await makeResident(t, { ward: 'BE01' });
      const s = await scheme(eco, { type: 'neighbourhood_watch', name: 'Erased Test Watch', wardCode: 'BE01' });
      const token = session(me.id);
      await t.sql(`UPDATE resident SET status = 'erased', email = NULL, first_name = NULL, erased_at = now() WHERE id = $1`, [me.id]);
      await post(`/me/schemes/${s}/join`, { token }).expect(401);
      expect(await members(s)).toEqual([]);
    });
  });

  describe('leaving a scheme', () => {
    it('a member leaves from their own page (post/redirect/get); the membership period is kept for as-at reports; a coordinator may not leave', async () => {
      const coordinator = await makeResident(t, { ward: 'BE01', firstName: 'Cora' });
      const me = await makeResident(t, { ward: 'BE02', firstName: 'Leah' });
      const id = await scheme(eco, { type: 'neighbourhood_watch', name: 'Leavers Lane Watch', wardCode: 'BE01', coordinatorResidentId: coordinator.id });
      await enrol(id, me.id);
      const page = await t.http().get(`/me/schemes?token=${encodeURIComponent(session(me.id))}`).expect(200);
      expect(page.text).toContain(`action="/me/schemes/${id}/leave"`);
      // A forwarded preferences link and another resident's link leave nobody.
      await post(`/me/schemes/${id}/leave`, { token: session(me.id, 'prefs') }).expect(403);
      const stranger = await makeResident(t, { ward: 'BE01' });
      await post(`/me/schemes/${id}/leave`, { token: session(stranger.id) }).expect(404);
      expect((await members(id)).map((m) => m.resident_id)).toEqual([coordinator.id, me.id]);
      const res = await post(`/me/schemes/${id}/leave`, { token: session(me.id) }).expect(303);
      expect(res.headers.location).toMatch(/^\/me\/schemes\?token=[^&]+&done=left$/);
      const after = await t.http().get(res.headers.location as string).expect(200);
      expect(textOf(after.text)).toContain('You have left the scheme.');
      expect((await members(id)).map((m) => m.resident_id)).toEqual([coordinator.id]);
      // The period stays, closed, so a report as at an earlier day still counts them.
      expect(await t.sql(`SELECT left_at IS NOT NULL AS closed FROM scheme_member_period WHERE scheme_id = $1 AND member_key = $2`, [id, me.id])).toEqual([{ closed: true }]);
      await post(`/me/schemes/${id}/leave`, { token: session(me.id) }).expect(404);
      // The coordinator has no leave button and a post is a 409 that changes nothing.
      const theirs = await t.http().get(`/me/schemes?token=${encodeURIComponent(session(coordinator.id))}`).expect(200);
      expect(theirs.text).not.toContain(`action="/me/schemes/${id}/leave"`);
      await post(`/me/schemes/${id}/leave`, { token: session(coordinator.id) }).expect(409);
      expect((await members(id)).map((m) => m.resident_id)).toEqual([coordinator.id]);
    });
  });

  describe('a coordinator manages members', () => {
    let coordinator: { id: string };
    let other: { id: string };
    let mine: string;
    let theirs: string;

    beforeAll(async () => {
      coordinator = await makeResident(t, { ward: 'BE01', firstName: 'Coco' });
      other = await makeResident(t, { ward: 'BE01', firstName: 'Otto' });
      mine = await scheme(eco, { type: 'neighbourhood_watch', name: 'Coco Road Watch', wardCode: 'BE01', coordinatorResidentId: coordinator.id });
      theirs = await scheme(eco, { type: 'neighbourhood_watch', name: 'Otto Lane Watch', wardCode: 'BE01', coordinatorResidentId: other.id });
    });

    it('an invitation adds nobody: the invitee joins only by accepting through their own link', async () => {
      const invitee = await makeResident(t, { ward: 'BE03', firstName: 'Ivy' });
      const res = await post(`/me/schemes/${mine}/members/invite`, { token: session(coordinator.id), email: invitee.email!.toUpperCase() }).expect(303);
      expect(res.headers.location).toMatch(new RegExp(`^/me/schemes/${mine}/members\\?token=[^&]+&done=invited$`));
      expect(await invitations(mine)).toEqual([{ resident_id: invitee.id }]);
      expect((await members(mine)).map((m) => m.resident_id)).toEqual([coordinator.id]);
      // Another resident's link cannot answer it (not theirs: 404), so they are not joined.
      await post(`/me/schemes/${mine}/invitation/accept`, { token: session(other.id) }).expect(404);
      expect((await members(mine)).map((m) => m.resident_id)).toEqual([coordinator.id]);
      // The invitee's own page shows it; accepting is their consent.
      const page = await t.http().get(`/me/schemes?token=${encodeURIComponent(session(invitee.id))}`).expect(200);
      expect(textOf(page.text)).toContain('Coco Road Watch');
      expect(page.text).toContain(`action="/me/schemes/${mine}/invitation/accept"`);
      await post(`/me/schemes/${mine}/invitation/accept`, { token: session(invitee.id) }).expect(303);
      expect((await members(mine)).map((m) => [m.resident_id, m.consent])).toEqual([
        [coordinator.id, 'in_person'],
        [invitee.id, 'invitation'],
      ]);
      expect(await invitations(mine)).toEqual([]);
    });

    it('a new invitation e-mails the invitee (ids only in the job) a sign-in link that lands on their schemes page; a repeat sends no second one', async () => {
      const invitee = await makeResident(t, { ward: 'BE02', firstName: 'Ines' });
      const outbox = t.app.get(OutboxStore);
      const mails = () => outbox.list(500).filter((e) => e.to === invitee.email);
      await post(`/me/schemes/${mine}/members/invite`, { token: session(coordinator.id), email: invitee.email! }).expect(303);
      await waitUntil(() => mails().length > 0, 30_000, 'the invitation e-mail');
      const [job] = await t.sql<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = 'notify-email' AND data ->> 'template' = 'scheme.invitation' AND data -> 'ref' ->> 'residentId' = $1`, [invitee.id]);
      expect(job.data).toEqual({ template: 'scheme.invitation', ref: { schemeId: mine, residentId: invitee.id } });
      const mail = mails()[0];
      expect(mail.subject).toBe('You are invited to join a watch scheme');
      expect(mail.text).toContain('Coco Road Watch');
      const link = /\/me\?token=[A-Za-z0-9_.-]+&next=schemes/.exec(mail.text)?.[0];
      expect(link).toBeDefined();
      const landed = await t.http().get(link!).expect(303);
      expect(landed.headers.location).toMatch(/^\/me\/schemes\?token=/);
      const page = await t.http().get(landed.headers.location as string).expect(200);
      expect(page.text).toContain(`action="/me/schemes/${mine}/invitation/accept"`);
      // Inviting again while the invitation is open queues nothing more.
      await post(`/me/schemes/${mine}/members/invite`, { token: session(coordinator.id), email: invitee.email! }).expect(303);
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notify-email' AND data ->> 'template' = 'scheme.invitation' AND data -> 'ref' ->> 'residentId' = $1`, [invitee.id]);
      expect(n).toBe(1);
      await post(`/me/schemes/${mine}/invitation/decline`, { token: session(invitee.id) }).expect(303);
    }, 60_000);

    it('unknown, unverified and out-of-NPU addresses get the same answer and store nothing; a bad address is a 400', async () => {
      const elsewhere = await makeResident(t, { ward: 'SW01' });
      const unverified = await makeResident(t, { ward: 'BE01', emailVerified: false });
      const answers: string[] = [];
      for (const email of ['nobody.at.all@example.org', elsewhere.email!, unverified.email!]) {
        const res = await post(`/me/schemes/${mine}/members/invite`, { token: session(coordinator.id), email }).expect(303);
        answers.push(res.headers.location.replace(/token=[^&]+/, 'token=…'));
      }
      expect(new Set(answers).size).toBe(1);
      expect(await invitations(mine)).toEqual([]);
      const bad = await post(`/me/schemes/${mine}/members/invite`, { token: session(coordinator.id), email: 'not an address' }).expect(400);
      expect(bad.text).toContain('govuk-error-summary');
      expect(bad.text).toContain('href="#email"');
      expect(await invitations(mine)).toEqual([]);
    });

    it('the coordinator of one scheme cannot see, invite to or remove from another', async () => {
      const target = await makeResident(t, { ward: 'BE01' });
      const member = await makeResident(t, { ward: 'BE01' });
      await enrol(theirs, member.id);
      await t.http().get(`/me/schemes/${theirs}/members?token=${encodeURIComponent(session(coordinator.id))}`).expect(403);
      await post(`/me/schemes/${theirs}/members/invite`, { token: session(coordinator.id), email: target.email! }).expect(403);
      await post(`/me/schemes/${theirs}/members/remove`, { token: session(coordinator.id), residentId: member.id }).expect(403);
      expect(await invitations(theirs)).toEqual([]);
      expect((await members(theirs)).map((m) => m.resident_id)).toEqual([other.id, member.id]);
      // A plain member is no coordinator either.
      await t.http().get(`/me/schemes/${theirs}/members?token=${encodeURIComponent(session(member.id))}`).expect(403);
    });

    it('removes a member (not themselves while they coordinate); the list shows first names only', async () => {
      const leaving = await makeResident(t, { ward: 'BE02', firstName: 'Lenny' });
      await enrol(mine, leaving.id);
      const page = await t.http().get(`/me/schemes/${mine}/members?token=${encodeURIComponent(session(coordinator.id))}`).expect(200);
      expect(textOf(page.text)).toContain('Lenny');
      expect(textOf(page.text)).not.toContain('Tester');
      expect(UUID.test(textOf(page.text))).toBe(false);
      const res = await post(`/me/schemes/${mine}/members/remove`, { token: session(coordinator.id), residentId: leaving.id }).expect(303);
      expect(res.headers.location).toMatch(/done=removed$/);
      expect((await members(mine)).map((m) => m.resident_id)).not.toContain(leaving.id);
      await post(`/me/schemes/${mine}/members/remove`, { token: session(coordinator.id), residentId: coordinator.id }).expect(409);
      expect((await members(mine)).map((m) => m.resident_id)).toContain(coordinator.id);
    });
  });

  describe('a Street Watch volunteer registers a patrol with a partner', () => {
    let watch: string;
    let nw: string;
    let alice: { id: string };
    let bob: { id: string };
    let carol: { id: string };
    const form = (token: string, o: Partial<Record<'partner' | 'day' | 'startTime' | 'endTime' | 'route', string>>) => ({ token, day: ahead(8), startTime: '19:00', endTime: '21:00', route: 'Round the park', ...o });

    beforeAll(async () => {
      [alice, bob, carol] = await Promise.all([makeResident(t, { ward: 'BE01', firstName: 'Alice' }), makeResident(t, { ward: 'BE01', firstName: 'Bob' }), makeResident(t, { ward: 'BE02', firstName: 'Carol' })]);
      watch = await scheme(eco, { type: 'street_watch', name: 'Alice Street Watch', wardCode: 'BE01' });
      nw = await scheme(eco, { type: 'neighbourhood_watch', name: 'Alice Neighbourhood Watch', wardCode: 'BE01' });
      for (const r of [alice, bob]) {
        await enrol(watch, r.id);
        await enrol(nw, r.id);
      }
    });

    it('registers the pair in advance; the page after it lists the patrol', async () => {
      const page = await t.http().get(`/me/schemes/${watch}/patrols/new?token=${encodeURIComponent(session(alice.id))}`).expect(200);
      expect(textOf(page.text)).toContain('Bob');
      expect(textOf(page.text)).not.toContain('Alice Tester');
      const res = await post(`/me/schemes/${watch}/patrols`, form(session(alice.id), { partner: bob.id, startTime: '22:00', endTime: '01:00' })).expect(303);
      expect(res.headers.location).toMatch(/done=patrol$/);
      const rows = await t.sql<{ hours: number; volunteers: string[]; created_by: string }>(
        `SELECT extract(epoch FROM ends_at - starts_at)::int / 3600 AS hours, created_by,
                ARRAY(SELECT resident_id::text FROM patrol_volunteer v WHERE v.patrol_id = p.id ORDER BY resident_id) AS volunteers
           FROM patrol p WHERE scheme_id = $1`,
        [watch],
      );
      // 22:00 to 01:00 is the next morning: three hours.
      expect(rows).toEqual([{ hours: 3, created_by: `resident:${alice.id}`, volunteers: [alice.id, bob.id].sort() }]);
      const after = await t.http().get(res.headers.location).expect(200);
      expect(after.text).toContain('Your patrol is registered.');
      expect(textOf(after.text)).toContain('with Bob');
      // Bob sees it on his own page.
      expect(textOf((await t.http().get(`/me/schemes?token=${encodeURIComponent(session(bob.id))}`).expect(200)).text)).toContain('with Alice');
    });

    it('bad input: the error summary, 400, nothing written', async () => {
      const before = await patrolCount();
      for (const bad of [{ partner: '' }, { partner: bob.id, day: '' }, { partner: bob.id, day: '2030-02-30' }, { partner: bob.id, startTime: '25:00' }, { partner: bob.id, route: '' }, { partner: alice.id }]) {
        const res = await post(`/me/schemes/${watch}/patrols`, form(session(alice.id), { day: ahead(9), ...bad })).expect(400);
        expect(res.text).toContain('govuk-error-summary');
      }
      // The service's rules: in the past, longer than 12 hours.
      await post(`/me/schemes/${watch}/patrols`, form(session(alice.id), { partner: bob.id, day: ahead(-1) })).expect(400);
      const long = await post(`/me/schemes/${watch}/patrols`, form(session(alice.id), { partner: bob.id, day: ahead(9), startTime: '06:00', endTime: '19:00' })).expect(400);
      expect(long.text).toContain('A patrol lasts at most 12 hours');
      expect(await patrolCount()).toBe(before);
    });

    it('an overlapping patrol is a 409 naming no one; a partner outside the scheme, a non-member and a Neighbourhood Watch are refused', async () => {
      const before = await patrolCount();
      const overlap = await post(`/me/schemes/${watch}/patrols`, form(session(bob.id), { partner: alice.id, startTime: '23:00', endTime: '23:30' })).expect(409);
      expect(overlap.text).toContain('already on a patrol at that time');
      // Carol is not a member: she is not a partner choice, and she cannot register one herself.
      await post(`/me/schemes/${watch}/patrols`, form(session(alice.id), { partner: carol.id, day: ahead(10) })).expect(400);
      await post(`/me/schemes/${watch}/patrols`, form(session(carol.id), { partner: alice.id, day: ahead(10) })).expect(403);
      await post(`/me/schemes/${nw}/patrols`, form(session(alice.id), { partner: bob.id, day: ahead(10) })).expect(409);
      expect(await patrolCount()).toBe(before);
    });
  });
});
