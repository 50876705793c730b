// Inbound SMS rules through the real Twilio webhook (valid X-Twilio-Signature), on real
// PostgreSQL: what sms-inbound.service.spec.ts shows against a stubbed repository, end to end.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { makeResident } from './utils/factories';
import { broadcast, EMPTY_TWIML, inboundSms, signedInbound } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

describe('SMS rules through the Twilio inbound webhook', () => {
  const { t, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let ecoBE: Auth;
  let ecoSW: Auth;

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
  });

  /** A signed inbound SMS, as Twilio posts it; answered 200 with empty TwiML whoever sent it. */
  const textIn = async (from: string, body: string) => {
    const res = await signedInbound(t, stub, inboundSms(stub, from, body)).expect(200);
    expect(res.text).toBe(EMPTY_TWIML);
  };
  const repliesOf = (residentId: string) =>
    t.sql<{ id: string; message_id: string | null; via: string; status: string; npu_code: string; body: string }>(
      'SELECT id, message_id, via, status, npu_code, body FROM reply WHERE resident_id = $1 ORDER BY created_at',
      [residentId],
    );
  const smsChannel = async (residentId: string) =>
    (await t.sql<{ enabled: boolean; suspended: boolean; suspended_reason: string | null }>(
      `SELECT enabled, suspended_at IS NOT NULL AS suspended, suspended_reason FROM resident_channel WHERE resident_id = $1 AND channel = 'sms'`,
      [residentId],
    ))[0];
  const smsBroadcast = (auth: Auth, ward: string, interest: string) =>
    broadcast(t, auth, { title: 'SMS rule', channels: ['sms'], audience: { wardCodes: [ward], interestGroups: [interest] } });

  it('a text from a number not yet verified is not stored (it may be someone else\'s typo at sign-up); STOP from it still applies', async () => {
    const r = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900301', status: 'pending', phoneVerified: false });
    const verified = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900302' });
    await textIn('+447700900301', 'This is not my number');
    await textIn('+447700900302', 'This is my number'); // the same path, verified: stored
    expect(await repliesOf(r.id)).toEqual([]);
    expect((await repliesOf(verified.id)).map((x) => x.body)).toEqual(['This is my number']);
    await textIn('+447700900301', 'STOP');
    expect(await smsChannel(r.id)).toEqual({ enabled: false, suspended: false, suspended_reason: null });
    expect(await repliesOf(r.id)).toEqual([]);
  });

  it('START after a 21610 (Twilio: recipient opted out) lifts the suspension: the next broadcast reaches them', async () => {
    const r = await makeResident(t, { ward: 'BE02', channels: ['sms'], phone: '+447700900303', interests: ['horse_rider'] });
    stub.failNext([{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }]);
    const first = await smsBroadcast(ecoBE, 'BE02', 'horse_rider');
    expect(await t.sql('SELECT status FROM delivery WHERE message_id = $1', [first])).toEqual([{ status: 'failed' }]);
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: true, suspended_reason: 'Recipient replied STOP (21610)' });

    await textIn('+447700900303', 'START');
    expect(await smsChannel(r.id)).toEqual({ enabled: true, suspended: false, suspended_reason: null });
    expect(await repliesOf(r.id)).toEqual([]);
    const second = await smsBroadcast(ecoBE, 'BE02', 'horse_rider');
    expect(await t.sql('SELECT status FROM delivery WHERE message_id = $1', [second])).toEqual([{ status: 'sent' }]);
    expect(stub.messages.filter((m) => m.to === '+447700900303')).toHaveLength(1);
  });

  it('a text from a resident never sent an SMS is still stored, with no message, and routed to the NPU of their ward', async () => {
    const r = await makeResident(t, { ward: 'SW02', channels: ['sms', 'email'], phone: '+447700900304' });
    await textIn('+447700900304', 'Is anyone there?');
    const rows = await repliesOf(r.id);
    expect(rows).toEqual([{ id: expect.any(String), message_id: null, via: 'sms', status: 'open', npu_code: 'SW', body: 'Is anyone there?' }]);
    const sw = await t.http().get('/api/v1/inbox?npu=SW').set(...ecoSW).expect(200);
    expect(sw.body.items.filter((i: { id: string }) => i.id === rows[0].id)).toEqual([expect.objectContaining({ id: rows[0].id, message: null, npuCode: 'SW' })]);
    const be = await t.http().get('/api/v1/inbox').set(...ecoBE).expect(200);
    expect(be.body.items.filter((i: { id: string }) => i.id === rows[0].id)).toEqual([]);
  });

  it('answering a closed reply re-opens it as answered, and the answer goes out by SMS', async () => {
    const r = await makeResident(t, { ward: 'BE03', channels: ['sms'], phone: '+447700900305', interests: ['farmer'] });
    const m = await smsBroadcast(ecoBE, 'BE03', 'farmer');
    await textIn('+447700900305', 'Tractor stolen');
    const [reply] = await repliesOf(r.id);
    expect(reply).toMatchObject({ message_id: m, status: 'open', npu_code: 'BE' });
    await t.http().post(`/api/v1/replies/${reply.id}/close`).set(...ecoBE).expect(200);
    expect((await repliesOf(r.id))[0].status).toBe('closed');

    const res = await t.http().post(`/api/v1/replies/${reply.id}/responses`).set(...ecoBE).send({ body: 'We have found it.' }).expect(201);
    expect(res.body).toMatchObject({ replyId: reply.id, channel: 'sms' });
    expect((await repliesOf(r.id))[0].status).toBe('answered');
    const answered = await t.http().get('/api/v1/inbox?status=answered').set(...ecoBE).expect(200);
    expect(answered.body.items.filter((i: { id: string }) => i.id === reply.id)).toHaveLength(1);
    const closed = await t.http().get('/api/v1/inbox?status=closed').set(...ecoBE).expect(200);
    expect(closed.body.items.filter((i: { id: string }) => i.id === reply.id)).toEqual([]);
    await waitUntil(() => stub.messages.some((x) => x.to === '+447700900305' && x.body.startsWith('We have found it.')), 20_000, 'response SMS');
  });
});
