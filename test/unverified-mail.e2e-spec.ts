import { beforeEach, describe, expect, it } from '@jest/globals';
import { AccessTokenService } from '@beacon/auth';
import { waitUntil, type CapturedMail } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

// Issue 14, finding 13: public forms put attacker-chosen text (first name, bid title, applicant
// name) into police-branded e-mails to any address. Until an address is verified, what Beacon
// sends it is fixed text: nothing typed into a form reaches its subject or body.
const EVIL = 'Click http://evil.example';
const fragments = ['evil.example', 'Click http', 'evil'];

describe('e-mails to unverified addresses carry no user-supplied text', () => {
  const { t, smtp } = useSuite({ smtp: true, geography: true });
  let seq = 0;
  beforeEach(async () => {
    await t.sql('DELETE FROM rate_limit_bucket');
  });

  const address = (tag: string) => `${tag}.${++seq}.${Date.now()}@example.org`;
  const mailsTo = (to: string) => smtp.messages.filter((m) => m.to.includes(to));
  const waitMail = async (to: string, n = 1): Promise<CapturedMail> => {
    await waitUntil(() => mailsTo(to).length >= n, 20_000, `${n} e-mail(s) to ${to}`);
    return mailsTo(to)[n - 1];
  };
  /** Everything a reader could see: subject, text, HTML and the raw message (any encoding decoded by the parser). */
  const expectNoneOf = (mail: CapturedMail) => {
    const seen = [mail.parsed.subject ?? '', mail.parsed.text ?? '', String(mail.parsed.html ?? ''), mail.raw].join('\n');
    for (const f of fragments) expect([f, seen.includes(f)]).toEqual([f, false]);
  };

  it('sign-up: the confirmation e-mail names nobody (first and last name are not in it)', async () => {
    const email = address('signup');
    await t.http().post('/api/v1/residents').send({ email, firstName: EVIL, lastName: EVIL, wardCode: 'BE01', channels: ['email'], consent: true }).expect(202);
    const mail = await waitMail(email);
    expect(mail.parsed.subject).toBe('Confirm your email address for Beacon');
    expectNoneOf(mail);
    // A magic-link request for the still-unverified address: the confirmation again, fixed text.
    await t.http().post('/api/v1/auth/resident/magic-link').send({ email }).expect(202);
    expectNoneOf(await waitMail(email, 2));
    // And a resend.
    await t.http().post('/api/v1/residents/verify/resend').send({ email }).expect(202);
    expectNoneOf(await waitMail(email, 3));
  });

  it('a new address set on /me gets fixed text too', async () => {
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO resident (email, first_name, ward_code, status, email_verified_at, activated_at, consent_at)
       VALUES ($1, $2, 'BE01', 'active', now(), now(), now()) RETURNING id`,
      [address('owner'), EVIL],
    );
    await t.sql(`INSERT INTO resident_channel (resident_id, channel) VALUES ($1, 'email')`, [r.id]);
    const token = t.app.get(AccessTokenService).signResident(r.id);
    const next = address('moved');
    await t.http().patch('/api/v1/me').set('Authorization', `Bearer ${token}`).send({ email: next }).expect(200);
    expectNoneOf(await waitMail(next));
  });

  it('ACF bid: the acknowledgement, approval and rejection e-mails carry neither the title nor the applicant name', async () => {
    const admin = await loginAs(t, 'admin');
    const lead = await loginAs(t, 'npu_lead', 'BE');
    const eco = await loginAs(t, 'eco', 'BE');
    await t.http().put('/api/v1/funds/BE/2020-21').set(...admin.auth).send({ budgetPence: 10_000_000 }).expect(200);
    const bid = (contactEmail: string) => ({
      npuCode: 'BE',
      financialYear: '2020-21',
      applicantName: EVIL,
      applicantType: 'group',
      contactEmail,
      title: EVIL,
      summary: EVIL,
      theme: 'youth_violence',
      amountRequestedPence: 150000,
    });
    const approvedTo = address('bid.approved');
    const rejectedTo = address('bid.rejected');
    const a = await t.http().post('/api/v1/bids').send(bid(approvedTo)).expect(201);
    const b = await t.http().post('/api/v1/bids').send(bid(rejectedTo)).expect(201);
    const ack = await waitMail(approvedTo);
    expectNoneOf(ack);
    expect(ack.parsed.text).toContain(a.body.id); // the reference is how the applicant tells bids apart
    expect(ack.parsed.text).toContain('£1,500.00');
    expectNoneOf(await waitMail(rejectedTo));
    for (const id of [a.body.id, b.body.id]) await t.http().post(`/api/v1/bids/${id}/review`).set(...eco.auth).send({}).expect(200);
    await t.http().post(`/api/v1/bids/${a.body.id}/approve`).set(...lead.auth).send({ amountAwardedPence: 100000 }).expect(200);
    await t.http().post(`/api/v1/bids/${b.body.id}/reject`).set(...lead.auth).send({ reason: 'Outside the fund priorities' }).expect(200);
    const approved = await waitMail(approvedTo, 2);
    expectNoneOf(approved);
    expect(approved.parsed.text).toContain('£1,000.00');
    const rejected = await waitMail(rejectedTo, 2);
    expectNoneOf(rejected);
    expect(rejected.parsed.text).toContain('Outside the fund priorities'); // staff's words, not the applicant's
  });
});
