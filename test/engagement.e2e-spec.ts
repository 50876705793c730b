import { beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { LinkTokenService } from '@beacon/auth';
import { EngagementErasure, EngagementExporter } from '@beacon/engagement';
import { ReportAggregatesService } from '@beacon/reports';
import { makeResident } from './utils/factories';
import { broadcast, compose, deliveryId, EMPTY_TWIML, INBOUND_URL, inboundSms, postInbound, signedInbound, waitStatus } from './utils/messages';
import { waitUntil } from './utils/smtp-sink';
import { GOVUK_STYLESHEET, LAYOUT_SCRIPTS, pageScripts } from './utils/html-page';
import { useSuite } from './utils/suite';
import { createTestApp, loginAs, seedGeography } from './utils/test-app';
import { twilioSignature } from './utils/twilio-stub';
import { ratingToken, residentAuth, type Auth } from './utils/world';

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('engagement: ratings, replies and the staff inbox', () => {
  const { t, smtp, stub } = useSuite({ smtp: true, twilio: true, geography: true });
  let ecoBE: Auth;
  let ecoSW: Auth;
  let admin: Auth;

  beforeAll(async () => {
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
    admin = (await loginAs(t, 'admin')).auth as Auth;
  });

  const ratingsOf = (messageId: string) =>
    t.sql<{ resident_id: string; score: number; comment: string | null }>('SELECT resident_id, score, comment FROM rating WHERE message_id = $1 ORDER BY resident_id', [messageId]);
  const count = async (table: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const counts = async () => ({ rating: await count('rating'), reply: await count('reply'), reply_response: await count('reply_response') });
  describe('rating page and rating links', () => {
    let messageId: string;
    let resident: { id: string; email: string | null };
    let other: { id: string };
    let token: string;

    beforeAll(async () => {
      resident = await makeResident(t, { ward: 'BE01', channels: ['email'], email: 'rater@example.org', topics: ['events'] });
      other = await makeResident(t, { ward: 'BE01', channels: ['email'], topics: ['events'] });
      messageId = await broadcast(t, ecoBE, { title: 'Summer fete', body: 'Join us on Saturday\nin the park', audience: { wardCodes: ['BE01'], topics: ['events'] } });
      await waitUntil(() => smtp.messages.some((m) => m.to.includes('rater@example.org')), 20_000, 'e-mail');
      const mail = smtp.messages.find((m) => m.to.includes('rater@example.org'))!;
      token = /\/r\/([^\s?]+)/.exec(mail.parsed.text!)![1];
    });

    it('the link in the e-mail opens a page with the message, six buttons and a reply form', async () => {
      const res = await t.http().get(`/r/${token}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('<h1 class="govuk-heading-l">Summer fete</h1>');
      expect(res.text).toContain('<p>Join us on Saturday<br>in the park</p>');
      expect(res.text).toMatch(GOVUK_STYLESHEET);
      expect(res.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">');
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.text).toContain(`<form method="post" action="/r/${token}" class="rating-form">`);
      for (let n = 1; n <= 6; n++) expect(res.text).toContain(`name="score" value="${n}"`);
      expect(res.text).toContain('Not useful');
      expect(res.text).toContain('Very useful');
      expect(res.text).toContain(`<form method="post" action="/r/${token}/reply" class="reply-form">`);
      expect(pageScripts(res.text)).toEqual(LAYOUT_SCRIPTS);
      expect(await ratingsOf(messageId)).toEqual([]);
    });

    it('GET ?score=6 (the one-tap link, prefetched by mail scanners) stores nothing and asks to confirm', async () => {
      const res = await t.http().get(`/r/${token}?score=6`).expect(200);
      expect(res.text).toContain('<input type="hidden" name="score" value="6">');
      expect(res.text).toMatch(/<button type="submit"[^>]*>Confirm<\/button>/);
      expect(res.text).not.toContain('name="score" value="1"');
      await t.http().get(`/r/${token}?score=6`).expect(200);
      // An out-of-range score just shows the full page.
      const bad = await t.http().get(`/r/${token}?score=9`).expect(200);
      for (let n = 1; n <= 6; n++) expect(bad.text).toContain(`name="score" value="${n}"`);
      expect(await ratingsOf(messageId)).toEqual([]);
    });

    it('POST stores a new rating, a second POST replaces it (one row, new score)', async () => {
      // Post/redirect/get: 303 to a thank-you page that can be reloaded without posting again.
      const res = await t.http().post(`/r/${token}`).type('form').send({ score: '6', comment: '' }).expect(303);
      expect(res.headers.location).toBe(`/r/${token}/rated`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(await ratingsOf(messageId)).toEqual([{ resident_id: resident.id, score: 6, comment: null }]);
      const thanks = await t.http().get(res.headers.location).expect(200);
      expect(thanks.headers['content-type']).toMatch(/^text\/html/);
      expect(thanks.headers['cache-control']).toBe('no-store');
      expect(thanks.text).toContain('Thank you');
      expect(thanks.text).toContain('<strong>6 – Very useful</strong> for “Summer fete”');
      // A reload reads the stored rating and writes nothing.
      await t.http().get(res.headers.location).expect(200);
      expect(await ratingsOf(messageId)).toEqual([{ resident_id: resident.id, score: 6, comment: null }]);

      const again = await t.http().post(`/r/${token}`).type('form').send({ score: '2', comment: 'Too late for me' }).expect(303);
      expect(again.headers.location).toBe(`/r/${token}/rated`);
      expect((await t.http().get(again.headers.location).expect(200)).text).toContain('<strong>2 – ');
      expect(await ratingsOf(messageId)).toEqual([{ resident_id: resident.id, score: 2, comment: 'Too late for me' }]);

      // The page now shows the current rating and comment.
      const page = await t.http().get(`/r/${token}`).expect(200);
      expect(page.text).toContain('You rated this message 2');
      expect(page.text).toContain('>Too late for me</textarea>');
    });

    it('accepts JSON and answers JSON', async () => {
      const res = await t.http().post(`/r/${token}`).send({ score: 4 }).expect(200);
      expect(res.body).toEqual({ messageId, score: 4, comment: null });
      expect(await ratingsOf(messageId)).toEqual([{ resident_id: resident.id, score: 4, comment: null }]);
    });

    it("a token names one delivery: another message's token cannot change this rating", async () => {
      const second = await broadcast(t, ecoBE, { title: 'Second', audience: { wardCodes: ['BE01'], topics: ['events'] } });
      // The same resident's token for the second message rates only the second message.
      await t.http().post(`/r/${ratingToken(t, await deliveryId(t, second, resident.id))}`).send({ score: 1 }).expect(200);
      // Another resident's token for this message rates as that resident, never as ours.
      await t.http().post(`/r/${ratingToken(t, await deliveryId(t, messageId, other.id))}`).send({ score: 5 }).expect(200);
      expect(await ratingsOf(second)).toEqual([{ resident_id: resident.id, score: 1, comment: null }]);
      expect(await ratingsOf(messageId)).toEqual(
        [
          { resident_id: resident.id, score: 4, comment: null },
          { resident_id: other.id, score: 5, comment: null },
        ].sort((a, b) => byKey(a.resident_id, b.resident_id)),
      );
    });

    it('an expired link is 410, a tampered one 400; nothing is stored', async () => {
      const before = await counts();
      const id = await deliveryId(t, messageId, resident.id);
      const expired = t.app.get(LinkTokenService).signCompact('rate', BigInt(id).toString(36), -60);
      const gone = await t.http().get(`/r/${expired}`).expect(410);
      expect(gone.headers['content-type']).toMatch(/^text\/html/);
      expect(gone.text).toContain('This link has expired');
      await t.http().post(`/r/${expired}`).type('form').send({ score: '3' }).expect(410);
      const json = await t.http().post(`/r/${expired}`).send({ score: 3 }).expect(410);
      expect(json.body).toMatchObject({ statusCode: 410, error: 'Gone' });

      const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      const bad = await t.http().get(`/r/${tampered}`).expect(400);
      expect(bad.text).toContain('This link is not valid');
      await t.http().post(`/r/${tampered}`).send({ score: 3 }).expect(400);
      // Someone else's delivery id with our signature: the MAC no longer matches.
      const [idPart, ...rest] = token.split('.');
      await t.http().post(`/r/${(parseInt(idPart, 36) + 1).toString(36)}.${rest.join('.')}`).send({ score: 3 }).expect(400);
      await t.http().get('/r/garbage').expect(400);
      await t.http().post(`/r/${tampered}/reply`).type('form').send({ body: 'Hello' }).expect(400);
      // The pages after the forms check the link as the form does.
      expect((await t.http().get(`/r/${tampered}/rated`).expect(400)).text).toContain('This link is not valid');
      await t.http().get(`/r/${tampered}/replied`).expect(400);
      await t.http().get(`/r/${expired}/rated`).expect(410);
      await t.http().get(`/r/${expired}/replied`).expect(410);
      expect(await counts()).toEqual(before);
      expect((await ratingsOf(messageId)).find((r) => r.resident_id === resident.id)!.score).toBe(4);
    });

    it('bad input is 400 and writes nothing', async () => {
      const before = await ratingsOf(messageId);
      for (const score of ['0', '7', 'abc', '2.5', '']) await t.http().post(`/r/${token}`).type('form').send({ score }).expect(400);
      await t.http().post(`/r/${token}`).type('form').send({}).expect(400);
      await t.http().post(`/r/${token}`).type('form').send({ score: '3', comment: 'x'.repeat(1001) }).expect(400);
      await t.http().post(`/r/${token}`).send({ score: 3, extra: true }).expect(400);
      for (const score of [true, [5], '5.0', 2.5, null]) await t.http().post(`/r/${token}`).send({ score }).expect(400);
      const html = await t.http().post(`/r/${token}`).type('form').send({ score: '9' }).expect(400);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      await t.http().post(`/r/${token}/reply`).type('form').send({ body: '   ' }).expect(400);
      await t.http().post(`/r/${token}/reply`).type('form').send({ body: 'x'.repeat(2001) }).expect(400);
      expect(await ratingsOf(messageId)).toEqual(before);
      expect(await t.sql('SELECT 1 FROM reply WHERE resident_id = $1', [resident.id])).toEqual([]);
    });

    it('a reply from the rating page reaches the inbox of the message NPU', async () => {
      const res = await t.http().post(`/r/${token}/reply`).type('form').send({ body: 'Is there parking?' }).expect(303);
      expect(res.headers.location).toBe(`/r/${token}/replied`);
      expect(res.headers['cache-control']).toBe('no-store');
      const rows = await t.sql('SELECT message_id, via, status, npu_code, body FROM reply WHERE resident_id = $1', [resident.id]);
      expect(rows).toEqual([{ message_id: messageId, via: 'web', status: 'open', npu_code: 'BE', body: 'Is there parking?' }]);
      // The page after it reloads without sending the reply twice.
      for (let i = 0; i < 2; i++) expect((await t.http().get(res.headers.location).expect(200)).text).toContain('Your reply has been sent');
      expect(await t.sql('SELECT 1 FROM reply WHERE resident_id = $1', [resident.id])).toHaveLength(1);
      // JSON clients still get the stored reply.
      const json = await t.http().post(`/r/${token}/reply`).send({ body: 'And bikes?' }).expect(201);
      expect(json.body).toMatchObject({ body: 'And bikes?', via: 'web', status: 'open' });
      await t.sql("DELETE FROM reply WHERE resident_id = $1 AND body = 'And bikes?'", [resident.id]);
    });

    it('escapes the message on the page', async () => {
      const r = await makeResident(t, { ward: 'BE02', channels: ['email'], topics: ['appeals'] });
      const id = await broadcast(t, ecoBE, {
        title: '<script>alert("x")</script> & more',
        body: 'Look <img src=x onerror=alert(1)> "here"',
        audience: { wardCodes: ['BE02'], topics: ['appeals'] },
      });
      const page = await t.http().get(`/r/${ratingToken(t, await deliveryId(t, id, r.id))}`).expect(200);
      expect(page.text).toContain('<h1 class="govuk-heading-l">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</h1>');
      expect(page.text).toContain('Look &lt;img src=x onerror=alert(1)&gt; &quot;here&quot;');
      expect(pageScripts(page.text)).toEqual(LAYOUT_SCRIPTS);
      expect(page.text).not.toContain('<img');
    });

    it('rate-limits the public reply form per IP: 429 page, nothing stored', async () => {
      const post = (body: string) => t.http().post(`/r/${token}/reply`).type('form').send({ body });
      let status = 0;
      // 20 per 10 minutes per IP; earlier tests used some. Invalid posts count too (the limit runs first).
      for (let i = 0; i < 30 && status !== 429; i++) status = (await post('')).status;
      expect(status).toBe(429);
      const before = await counts();
      const res = await post('One more').expect(429);
      expect(res.headers['retry-after']).toBe('60');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Too many attempts');
      expect(await counts()).toEqual(before);
    });

    it('a resident who has been erased gets 410', async () => {
      const r = await makeResident(t, { ward: 'BE03', channels: ['email'], topics: ['meetings'] });
      const id = await broadcast(t, ecoBE, { audience: { wardCodes: ['BE03'], topics: ['meetings'] } });
      const tok = ratingToken(t, await deliveryId(t, id, r.id));
      await t.sql(`UPDATE resident SET status = 'erased', email = NULL, first_name = NULL, erased_at = now() WHERE id = $1`, [r.id]);
      await t.http().get(`/r/${tok}`).expect(410);
      await t.http().post(`/r/${tok}`).send({ score: 5 }).expect(410);
      expect(await ratingsOf(id)).toEqual([]);
    });
  });

  describe('message detail figures', () => {
    it('average, count and distribution of 6, 6, 5, 4; reply count', async () => {
      const residents = [];
      for (let i = 0; i < 5; i++) residents.push(await makeResident(t, { ward: 'SW01', channels: ['email'], topics: ['road_safety'] }));
      const id = await broadcast(t, ecoSW, { title: 'Speed watch', audience: { wardCodes: ['SW01'], topics: ['road_safety'] } });

      const empty = await t.http().get(`/api/v1/messages/${id}`).set(...ecoSW).expect(200);
      expect(empty.body.rating).toEqual({ average: null, count: 0, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 } });
      expect(empty.body.replyCount).toBe(0);

      const scores = [6, 6, 5, 4];
      for (const [i, score] of scores.entries()) {
        await t.http().post(`/r/${ratingToken(t, await deliveryId(t, id, residents[i].id))}`).send({ score }).expect(200);
      }
      await t.http().post(`/api/v1/messages/${id}/replies`).set(...residentAuth(t, residents[4].id)).send({ body: 'Thanks' }).expect(201);
      const res = await t.http().get(`/api/v1/messages/${id}`).set(...ecoSW).expect(200);
      expect(res.body.rating).toEqual({ average: 5.25, count: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2 } });
      expect(res.body.replyCount).toBe(1);
      expect(res.body.progress).toMatchObject({ sent: 5 });

      // A fifth rating through the resident API: 6, 6, 5, 4, 1 → 22 / 5.
      await t.http().post(`/api/v1/messages/${id}/rating`).set(...residentAuth(t, residents[4].id)).send({ score: 1 }).expect(200);
      const again = await t.http().get(`/api/v1/messages/${id}`).set(...ecoSW).expect(200);
      expect(again.body.rating).toEqual({ average: 4.4, count: 5, distribution: { 1: 1, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2 } });
    });
  });

  describe('resident API', () => {
    it('rates and replies to a message they were sent; 403 for one they were not; bad input 400', async () => {
      const r = await makeResident(t, { ward: 'SW02', channels: ['email'], topics: ['fraud_scams'] });
      const mine = await broadcast(t, ecoSW, { title: 'Courier fraud', audience: { wardCodes: ['SW02'], topics: ['fraud_scams'] } });
      const notMine = await broadcast(t, ecoBE, { audience: { wardCodes: ['BE01'] } });
      const auth = residentAuth(t, r.id);

      const first = await t.http().post(`/api/v1/messages/${mine}/rating`).set(...auth).send({ score: 3, comment: 'OK' }).expect(200);
      expect(first.body).toEqual({ messageId: mine, score: 3, comment: 'OK' });
      await t.http().post(`/api/v1/messages/${mine}/rating`).set(...auth).send({ score: 5 }).expect(200);
      expect(await ratingsOf(mine)).toEqual([{ resident_id: r.id, score: 5, comment: null }]);

      const reply = await t.http().post(`/api/v1/messages/${mine}/replies`).set(...auth).send({ body: '  I had a call like this  ' }).expect(201);
      expect(reply.body).toMatchObject({ messageId: mine, body: 'I had a call like this', via: 'web', status: 'open' });
      expect(reply.body.id).toMatch(/^[0-9a-f-]{36}$/);
      const [row] = await t.sql('SELECT npu_code, via FROM reply WHERE id = $1', [reply.body.id]);
      expect(row).toEqual({ npu_code: 'SW', via: 'web' });

      const before = await counts();
      await t.http().post(`/api/v1/messages/${notMine}/rating`).set(...auth).send({ score: 5 }).expect(403);
      await t.http().post(`/api/v1/messages/${notMine}/replies`).set(...auth).send({ body: 'Hi' }).expect(403);
      await t.http().post('/api/v1/messages/00000000-0000-4000-8000-000000000000/rating').set(...auth).send({ score: 5 }).expect(403);
      // A queued (not yet sent) delivery does not count as having been sent the message.
      await t.sql(`UPDATE delivery SET status = 'queued' WHERE message_id = $1 AND resident_id = $2`, [mine, r.id]);
      await t.http().post(`/api/v1/messages/${mine}/rating`).set(...auth).send({ score: 1 }).expect(403);
      await t.sql(`UPDATE delivery SET status = 'delivered' WHERE message_id = $1 AND resident_id = $2`, [mine, r.id]);

      for (const body of [{ score: 0 }, { score: 7 }, { score: 2.5 }, { score: '4' }, {}, { score: 3, comment: 'x'.repeat(1001) }, { score: 3, other: 1 }]) {
        await t.http().post(`/api/v1/messages/${mine}/rating`).set(...auth).send(body).expect(400);
      }
      for (const body of [{}, { body: '' }, { body: '   ' }, { body: 'x'.repeat(2001) }, { body: 5 }]) {
        await t.http().post(`/api/v1/messages/${mine}/replies`).set(...auth).send(body).expect(400);
      }
      await t.http().post('/api/v1/messages/not-a-uuid/rating').set(...auth).send({ score: 3 }).expect(400);
      await t.http().post(`/api/v1/messages/${mine}/rating`).send({ score: 3 }).expect(401);
      await t.http().post(`/api/v1/messages/${mine}/rating`).set(...ecoSW).send({ score: 3 }).expect(401);
      expect(await counts()).toEqual(before);
      expect(await ratingsOf(mine)).toEqual([{ resident_id: r.id, score: 5, comment: null }]);
    });
  });

  describe('SMS replies through the Twilio webhook', () => {
    let r: { id: string; phone: string | null };
    let older: string;
    let latest: string;

    beforeAll(async () => {
      r = await makeResident(t, { ward: 'BE03', channels: ['sms', 'email'], phone: '+447700900801', interests: ['horse_rider'] });
      older = await broadcast(t, ecoBE, { channels: ['sms'], title: 'Older', audience: { wardCodes: ['BE03'], interestGroups: ['horse_rider'] } });
      latest = await broadcast(t, ecoBE, { channels: ['sms', 'email'], title: 'Latest', audience: { wardCodes: ['BE03'], interestGroups: ['horse_rider'] } });
      // An e-mail-only message after it does not move the SMS thread.
      await broadcast(t, ecoBE, { channels: ['email'], title: 'E-mail only', audience: { wardCodes: ['BE03'], interestGroups: ['horse_rider'] } });
    });

    it('a signed inbound SMS becomes a reply to the most recent SMS message; empty TwiML answer', async () => {
      const res = await signedInbound(t, stub, inboundSms(stub, '+447700900801', 'I saw the horses on Coventry Road')).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.text).toBe(EMPTY_TWIML);
      const rows = await t.sql('SELECT message_id, via, status, npu_code, body FROM reply WHERE resident_id = $1', [r.id]);
      expect(rows).toEqual([{ message_id: latest, via: 'sms', status: 'open', npu_code: 'BE', body: 'I saw the horses on Coventry Road' }]);
      expect(older).not.toBe(latest);
    });

    it('Twilio retrying the same MessageSid stores one reply', async () => {
      const params = inboundSms(stub, '+447700900801', 'Duplicate?');
      await signedInbound(t, stub, params).expect(200);
      await signedInbound(t, stub, params).expect(200);
      expect(await t.sql(`SELECT 1 FROM reply WHERE resident_id = $1 AND body = 'Duplicate?'`, [r.id])).toHaveLength(1);
    });

    it('a bad or missing signature is 403 and stores nothing', async () => {
      const before = await counts();
      const params = inboundSms(stub, '+447700900801', 'Forged');
      await postInbound(t, params, 'bm90IGEgc2lnbmF0dXJl').expect(403);
      await postInbound(t, params).expect(403);
      // Signed for other parameters.
      await postInbound(t, { ...params, Body: 'Changed' }, twilioSignature(stub.authToken, INBOUND_URL, params)).expect(403);
      expect(await counts()).toEqual(before);
    });

    it('an unknown number stores nothing but still gets 200 and empty TwiML', async () => {
      const before = await counts();
      const res = await signedInbound(t, stub, inboundSms(stub, '+447700900999', 'Who is this?')).expect(200);
      expect(res.text).toBe(EMPTY_TWIML);
      expect(await counts()).toEqual(before);
    });

    it('STOP disables SMS for the resident (no reply stored); START re-enables it', async () => {
      const preview = async () => {
        const draft = await compose(t, ecoBE, { channels: ['sms'], audience: { wardCodes: ['BE03'], interestGroups: ['horse_rider'] } }).expect(201);
        return (await t.http().get(`/api/v1/messages/${draft.body.id}/audience`).set(...ecoBE).expect(200)).body;
      };
      expect(await preview()).toEqual({ total: 1, byChannel: { email: 0, sms: 1 } });
      const before = await counts();
      const res = await signedInbound(t, stub, inboundSms(stub, '+447700900801', '  stop ')).expect(200);
      expect(res.text).toBe(EMPTY_TWIML);
      const channel = () => t.sql(`SELECT channel, enabled FROM resident_channel WHERE resident_id = $1 ORDER BY channel`, [r.id]);
      expect(await channel()).toEqual([
        { channel: 'email', enabled: true },
        { channel: 'sms', enabled: false },
      ]);
      expect(await preview()).toEqual({ total: 0, byChannel: { email: 0, sms: 0 } });
      for (const word of ['STOPALL', 'Unsubscribe', 'cancel', 'END', 'quit']) await signedInbound(t, stub, inboundSms(stub, '+447700900801', word)).expect(200);
      expect(await counts()).toEqual(before);

      await signedInbound(t, stub, inboundSms(stub, '+447700900801', 'Start')).expect(200);
      expect(await channel()).toEqual([
        { channel: 'email', enabled: true },
        { channel: 'sms', enabled: true },
      ]);
      expect(await preview()).toEqual({ total: 1, byChannel: { email: 0, sms: 1 } });
      await signedInbound(t, stub, inboundSms(stub, '+447700900801', 'STOP')).expect(200);
      await signedInbound(t, stub, inboundSms(stub, '+447700900801', 'unstop')).expect(200);
      expect((await channel())[1]).toEqual({ channel: 'sms', enabled: true });
      expect(await counts()).toEqual(before);
    });

    it('an SMS-only resident who texts STOP becomes a leaver (unsubscribed, left_at set); START makes them active again', async () => {
      const only = await makeResident(t, { ward: 'BE01', channels: ['sms'], phone: '+447700900871' });
      const state = async () => (await t.sql<{ status: string; left: boolean }>(`SELECT status, left_at IS NOT NULL AS left FROM resident WHERE id = $1`, [only.id]))[0];
      expect(await state()).toEqual({ status: 'active', left: false });
      await signedInbound(t, stub, inboundSms(stub, '+447700900871', 'STOP')).expect(200);
      expect(await state()).toEqual({ status: 'unsubscribed', left: true });
      await signedInbound(t, stub, inboundSms(stub, '+447700900871', 'START')).expect(200);
      expect(await state()).toEqual({ status: 'active', left: false });
    });
  });

  describe('staff inbox', () => {
    let beReply: string;
    let swReply: string;
    let forceReply: string;
    let beResident: { id: string; email: string | null };
    let forceMessage: string;

    beforeAll(async () => {
      beResident = await makeResident(t, { ward: 'BE02', channels: ['email'], email: 'jane.be@example.org', firstName: 'Jane', interests: ['cctv_owner'] });
      const swResident = await makeResident(t, { ward: 'SW02', channels: ['email'], firstName: 'Sam', interests: ['cctv_owner'] });
      const beMessage = await broadcast(t, ecoBE, { title: 'CCTV in Shard End', audience: { wardCodes: ['BE02'], interestGroups: ['cctv_owner'] } });
      const swMessage = await broadcast(t, ecoSW, { title: 'CCTV in Smethwick', audience: { wardCodes: ['SW02'], interestGroups: ['cctv_owner'] } });
      // A force-wide message always needs a second admin's approval (issue 14), its author's role notwithstanding.
      const force = await compose(t, admin, { title: 'Force-wide CCTV appeal', audience: { npuCodes: ['BE', 'SW'], interestGroups: ['cctv_owner'] } }).expect(201);
      await t.http().post(`/api/v1/messages/${force.body.id}/send`).set(...admin).expect(202, { status: 'pending_approval' });
      await t.http().post(`/api/v1/messages/${force.body.id}/approve`).set(...((await loginAs(t, 'admin')).auth as Auth)).expect(202, { status: 'sending' });
      await waitStatus(t, force.body.id, 'sent');
      forceMessage = force.body.id;
      const reply = async (resident: string, message: string, body: string) =>
        (await t.http().post(`/api/v1/messages/${message}/replies`).set(...residentAuth(t, resident)).send({ body }).expect(201)).body.id as string;
      beReply = await reply(beResident.id, beMessage, 'My camera saw it');
      swReply = await reply(swResident.id, swMessage, 'Footage available');
      forceReply = await reply(swResident.id, forceMessage, 'Force-wide answer from Smethwick');
    });

    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

    it('an ECO of BE sees BE replies only; npu=SW is 403', async () => {
      const res = await t.http().get('/api/v1/inbox').set(...ecoBE).expect(200);
      expect(ids(res.body)).toContain(beReply);
      expect(ids(res.body)).not.toContain(swReply);
      expect(ids(res.body)).not.toContain(forceReply);
      expect(res.body.items.every((i: { npuCode: string }) => i.npuCode === 'BE')).toBe(true);
      const item = res.body.items.find((i: { id: string }) => i.id === beReply);
      expect(item).toEqual({
        id: beReply,
        body: 'My camera saw it',
        via: 'web',
        status: 'open',
        npuCode: 'BE',
        createdAt: expect.any(String),
        message: { id: expect.any(String), title: 'CCTV in Shard End' },
        resident: { id: beResident.id, firstName: 'Jane', contact: 'j***@example.org' },
        // Given to nobody, never listed in the console inbox, no rating of the message.
        assignedTo: null,
        unread: true,
        rating: null,
      });
      await t.http().get('/api/v1/inbox?npu=SW').set(...ecoBE).expect(403);
      await t.http().get('/api/v1/inbox?npu=BE&status=open').set(...ecoBE).expect(200);
    });

    it('an ECO of SW sees SW replies and replies to force-wide messages from SW residents; npu=BE is 403', async () => {
      const res = await t.http().get('/api/v1/inbox?npu=SW&status=open').set(...ecoSW).expect(200);
      expect(ids(res.body)).toEqual(expect.arrayContaining([swReply, forceReply]));
      expect(ids(res.body)).not.toContain(beReply);
      expect(res.body.items.find((i: { id: string }) => i.id === forceReply)).toMatchObject({ npuCode: 'SW', message: { id: forceMessage, title: 'Force-wide CCTV appeal' } });
      await t.http().get('/api/v1/inbox?npu=BE').set(...ecoSW).expect(403);
    });

    it('force-wide staff see every NPU; pages with a keyset cursor; other roles are 403', async () => {
      const all = await t.http().get('/api/v1/inbox').set(...admin).expect(200);
      expect(ids(all.body)).toEqual(expect.arrayContaining([beReply, swReply, forceReply]));
      const first = await t.http().get('/api/v1/inbox?limit=2').set(...admin).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http().get(`/api/v1/inbox?limit=2&cursor=${first.body.nextCursor}`).set(...admin).expect(200);
      expect(ids(second.body).some((id) => ids(first.body).includes(id))).toBe(false);
      expect([...ids(first.body), ...ids(second.body)]).toEqual(ids(all.body).slice(0, 2 + second.body.items.length));

      const officer = (await loginAs(t, 'officer', 'BE')).auth as Auth;
      const lead = (await loginAs(t, 'npu_lead', 'SW')).auth as Auth;
      await t.http().get('/api/v1/inbox').set(...officer).expect(200);
      await t.http().get('/api/v1/inbox').set(...lead).expect(200);
      await t.http().get('/api/v1/inbox').set(...((await loginAs(t, 'analyst', 'BE')).auth as Auth)).expect(403);
      await t.http().get('/api/v1/inbox').set(...((await loginAs(t, 'cadet_leader', 'BE')).auth as Auth)).expect(403);
      await t.http().get('/api/v1/inbox').set(...residentAuth(t, beResident.id)).expect(401);
      for (const q of ['status=pending', 'limit=0', 'limit=201', 'npu=be', 'cursor=%%%', 'other=1']) await t.http().get(`/api/v1/inbox?${q}`).set(...admin).expect(400);
    });

    it('a response to a web reply reaches the resident by e-mail; the reply is answered', async () => {
      await t.http().post(`/api/v1/replies/${beReply}/responses`).set(...ecoSW).send({ body: 'Not mine' }).expect(403);
      await t.http().post(`/api/v1/replies/${beReply}/responses`).set(...ecoBE).send({ body: '' }).expect(400);
      await t.http().post(`/api/v1/replies/${beReply}/responses`).set(...ecoBE).send({ body: 'x'.repeat(1501) }).expect(400);
      await t.http().post('/api/v1/replies/not-a-uuid/responses').set(...ecoBE).send({ body: 'Hi' }).expect(400);
      await t.http().post('/api/v1/replies/00000000-0000-4000-8000-000000000000/responses').set(...ecoBE).send({ body: 'Hi' }).expect(404);
      expect(await count('reply_response')).toBe(0);

      const res = await t.http().post(`/api/v1/replies/${beReply}/responses`).set(...ecoBE).send({ body: 'Thank you Jane, an officer will call you.' }).expect(201);
      expect(res.body).toMatchObject({ replyId: beReply, body: 'Thank you Jane, an officer will call you.', channel: 'email' });
      await waitUntil(() => smtp.messages.some((m) => m.to.includes('jane.be@example.org') && m.parsed.text?.includes('an officer will call you')), 20_000, 'response e-mail');
      const mail = smtp.messages.find((m) => m.to.includes('jane.be@example.org') && m.parsed.text?.includes('an officer will call you'))!;
      expect(mail.parsed.subject).toBe('Re: CCTV in Shard End');
      expect(mail.parsed.text).toContain('My camera saw it');
      const [reply] = await t.sql('SELECT status FROM reply WHERE id = $1', [beReply]);
      expect(reply).toEqual({ status: 'answered' });
      const open = await t.http().get('/api/v1/inbox').set(...ecoBE).expect(200);
      expect(ids(open.body)).not.toContain(beReply);
      const answered = await t.http().get('/api/v1/inbox?status=answered').set(...ecoBE).expect(200);
      expect(ids(answered.body)).toContain(beReply);

      const detail = await t.http().get(`/api/v1/replies/${beReply}`).set(...ecoBE).expect(200);
      expect(detail.body.responses).toEqual([
        { id: res.body.id, staffId: expect.any(String), staffName: 'eco BE', body: 'Thank you Jane, an officer will call you.', channel: 'email', createdAt: expect.any(String) },
      ]);
      await t.http().get(`/api/v1/replies/${beReply}`).set(...ecoSW).expect(403);
    });

    it('a response to an SMS reply goes out through Twilio', async () => {
      const r = await makeResident(t, { ward: 'SW01', channels: ['sms'], phone: '+447700900802', interests: ['farmer'] });
      await broadcast(t, ecoSW, { channels: ['sms'], title: 'Farm thefts', audience: { wardCodes: ['SW01'], interestGroups: ['farmer'] } });
      await signedInbound(t, stub, inboundSms(stub, '+447700900802', 'Quad bike taken last night')).expect(200);
      const [reply] = await t.sql<{ id: string }>('SELECT id FROM reply WHERE resident_id = $1', [r.id]);
      const res = await t.http().post(`/api/v1/replies/${reply.id}/responses`).set(...ecoSW).send({ body: 'Please call 101 with ref 123.' }).expect(201);
      expect(res.body.channel).toBe('sms');
      await waitUntil(() => stub.messages.some((m) => m.to === '+447700900802' && m.body.includes('Please call 101 with ref 123.')), 20_000, 'response SMS');
      const inbox = await t.http().get('/api/v1/inbox?status=answered').set(...ecoSW).expect(200);
      expect(inbox.body.items.find((i: { id: string }) => i.id === reply.id).resident).toEqual({ id: r.id, firstName: expect.any(String), contact: '+4477*****802' });
    });

    it('409 when the resident can be reached on no channel; nothing written', async () => {
      const r = await makeResident(t, { ward: 'BE01', channels: ['email'], interests: ['student'] });
      const m = await broadcast(t, ecoBE, { audience: { wardCodes: ['BE01'], interestGroups: ['student'] } });
      const { body } = await t.http().post(`/api/v1/messages/${m}/replies`).set(...residentAuth(t, r.id)).send({ body: 'Hello?' }).expect(201);
      await t.sql(`UPDATE resident_channel SET suspended_at = now(), suspended_reason = 'Hard bounce' WHERE resident_id = $1`, [r.id]);
      const before = await counts();
      await t.http().post(`/api/v1/replies/${body.id}/responses`).set(...ecoBE).send({ body: 'Unreachable-409' }).expect(409);
      expect(await counts()).toEqual(before);
      expect(await t.sql('SELECT status FROM reply WHERE id = $1', [body.id])).toEqual([{ status: 'open' }]);
      const jobs = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'notify-%' AND data->'ref'->>'residentId' = $1`, [r.id]);
      expect(jobs[0].n).toBe(0);
    });

    it('closes a reply (SW staff cannot close a BE one)', async () => {
      await t.http().post(`/api/v1/replies/${beReply}/close`).set(...ecoSW).expect(403);
      const res = await t.http().post(`/api/v1/replies/${beReply}/close`).set(...ecoBE).expect(200);
      expect(res.body).toMatchObject({ id: beReply, status: 'closed' });
      await t.http().post(`/api/v1/replies/${beReply}/close`).set(...ecoBE).expect(409);
      const closed = await t.http().get('/api/v1/inbox?status=closed').set(...ecoBE).expect(200);
      expect(ids(closed.body)).toContain(beReply);
    });
  });

  describe('GDPR export and erasure hooks', () => {
    it('exports ratings and replies, then erasure keeps the figures but drops the words', async () => {
      const r = await makeResident(t, { ward: 'BE02', channels: ['email'], interests: ['parent'] });
      const m = await broadcast(t, ecoBE, { title: 'School gates', audience: { wardCodes: ['BE02'], interestGroups: ['parent'] } });
      await t.http().post(`/api/v1/messages/${m}/rating`).set(...residentAuth(t, r.id)).send({ score: 6, comment: 'My name is Ann' }).expect(200);
      const reply = await t.http().post(`/api/v1/messages/${m}/replies`).set(...residentAuth(t, r.id)).send({ body: 'I live at 1 High St' }).expect(201);
      await t.http().post(`/api/v1/replies/${reply.body.id}/responses`).set(...ecoBE).send({ body: 'Thanks Ann' }).expect(201);

      const exported = await t.app.get(EngagementExporter).forResident(r.id);
      expect(exported).toEqual({
        ratings: [{ messageId: m, messageTitle: 'School gates', score: 6, comment: 'My name is Ann', createdAt: expect.any(Date), updatedAt: expect.any(Date) }],
        replies: [
          {
            id: reply.body.id,
            messageId: m,
            messageTitle: 'School gates',
            body: 'I live at 1 High St',
            via: 'web',
            status: 'answered',
            createdAt: expect.any(Date),
            responses: [{ body: 'Thanks Ann', channel: 'email', createdAt: expect.any(Date) }],
          },
        ],
        // A web reply carries no files (kept e-mail attachments are in test/email-inbound.e2e-spec.ts).
        replyAttachments: [],
      });

      const ds = t.app.get(DataSource);
      await ds.transaction((tx) => t.app.get(EngagementErasure).eraseResident(r.id, tx));
      expect(await ratingsOf(m)).toEqual([{ resident_id: r.id, score: 6, comment: null }]);
      expect(await t.sql('SELECT body, status FROM reply WHERE id = $1', [reply.body.id])).toEqual([{ body: '', status: 'closed' }]);
      expect(await t.sql('SELECT body FROM reply_response WHERE reply_id = $1', [reply.body.id])).toEqual([{ body: '' }]);
      const detail = await t.http().get(`/api/v1/messages/${m}`).set(...ecoBE).expect(200);
      expect(detail.body.rating).toMatchObject({ average: 6, count: 1 });
      expect(detail.body.replyCount).toBe(1);
    });
  });

  describe('monthly figures per author and per NPU (the reports lib)', () => {
    it('counts sent messages, recipients, ratings and replies set-based', async () => {
      // Its own database, so the figures are exactly this test's.
      const t2 = await createTestApp({ SMTP_URL: smtp.url, ...stub.env() });
      try {
        await seedGeography(t2);
        const eco = await loginAs(t2, 'eco', 'BE');
        const ecoSw = await loginAs(t2, 'eco', 'SW');
        const a = await makeResident(t2, { ward: 'BE01', channels: ['email', 'sms'], phone: '+447700900811' });
        const b = await makeResident(t2, { ward: 'BE02', channels: ['email'] });
        await makeResident(t2, { ward: 'SW01', channels: ['email'] });
        const m1 = await broadcast(t2, eco.auth as Auth, { channels: ['email', 'sms'], audience: {} }); // a (2 channels) + b
        const m2 = await broadcast(t2, eco.auth as Auth, { audience: { wardCodes: ['BE01'] } }); // a
        await broadcast(t2, ecoSw.auth as Auth, { audience: {} }); // the SW resident
        await compose(t2, eco.auth as Auth, { audience: {} }).expect(201); // a draft: not sent
        const rate = async (m: string, r: string, score: number) => {
          await t2.http().post(`/r/${ratingToken(t2, await deliveryId(t2, m, r, 'email'))}`).send({ score }).expect(200);
        };
        await rate(m1, a.id, 6);
        await rate(m1, b.id, 3);
        await rate(m2, a.id, 4);
        await t2.http().post(`/api/v1/messages/${m2}/replies`).set(...residentAuth(t2, a.id)).send({ body: 'One' }).expect(201);
        await t2.http().post(`/api/v1/messages/${m2}/replies`).set(...residentAuth(t2, a.id)).send({ body: 'Two' }).expect(201);

        const [{ month }] = await t2.sql<{ month: string }>(`SELECT to_char(now() AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month`);
        const npuName = async (code: string) => (await t2.sql<{ name: string }>('SELECT name FROM npu WHERE code = $1', [code]))[0].name;
        // The figures are read from the engagement totals the aggregates job keeps (libs/reports).
        await t2.app.get(ReportAggregatesService).refresh();
        const admin = (await loginAs(t2, 'admin')).auth as Auth;
        const report = async (query: string) => (await t2.http().get(`/api/v1/reports/messages?${query}`).set(...admin).expect(200)).body as { group: string }[];
        expect((await report(`groupBy=author&from=${month}&to=${month}`)).sort((x, y) => byKey(x.group, y.group))).toEqual(
          [
            { group: eco.id, groupName: 'eco BE', month, sent: 2, recipients: 3, averageRating: 4.33, ratings: 3, replies: 2 },
            { group: ecoSw.id, groupName: 'eco SW', month, sent: 1, recipients: 1, averageRating: null, ratings: 0, replies: 0 },
          ].sort((x, y) => byKey(x.group, y.group)),
        );
        expect(await report(`groupBy=npu&from=${month}&to=${month}`)).toEqual([
          { group: 'BE', groupName: await npuName('BE'), month, sent: 2, recipients: 3, averageRating: 4.33, ratings: 3, replies: 2 },
          { group: 'SW', groupName: await npuName('SW'), month, sent: 1, recipients: 1, averageRating: null, ratings: 0, replies: 0 },
        ]);
        expect(await report(`groupBy=npu&npu=SW&from=${month}&to=${month}`)).toEqual([{ group: 'SW', groupName: await npuName('SW'), month, sent: 1, recipients: 1, averageRating: null, ratings: 0, replies: 0 }]);
        expect(await report('groupBy=author&from=2001-01&to=2001-12')).toEqual([]);
        await t2.http().get('/api/v1/reports/messages?from=2001-13&to=2001-12').set(...admin).expect(400);
      } finally {
        await t2.close();
      }
    });
  });

  describe('rating links under concurrent load (concurrent ratings share one statement)', () => {
    // Many ratings at once (the public hot path): each answered with its own rating, each stored,
    // bad links still 400/410, and one link's problem never fails another's rating.
    it('answers every request with its own result and stores each rating', async () => {
      await t.sql('DELETE FROM rate_limit_bucket'); // 60 a minute per IP; this test sends 38
      const author = (await loginAs(t, 'eco', 'BE')).auth as Auth;
      const composed = await compose(t, author, { title: 'Busy evening', audience: { wardCodes: ['BE03'], topics: ['road_safety'] } }).expect(201);
      const messageId: string = composed.body.id;
      await t.sql(`UPDATE message SET status = 'sent', send_requested_at = now(), sent_at = now() WHERE id = $1`, [messageId]);
      const sent = async (residentId: string, channel = 'email') =>
        (await t.sql<{ id: string }>(`INSERT INTO delivery (message_id, resident_id, channel, status, sent_at) VALUES ($1, $2, $3, 'sent', now()) RETURNING id::text AS id`, [messageId, residentId, channel]))[0].id;

      const raters: { id: string; delivery: string; score: number; comment: string | null }[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await makeResident(t, { ward: 'BE03', channels: ['email'] });
        raters.push({ id: r.id, delivery: await sent(r.id), score: 1 + (i % 6), comment: i % 3 ? `Comment ${i}, 'quoted' "and" {braced}` : null });
      }
      // One resident rates through their e-mail and their SMS link at once: one row, either score.
      const both = await makeResident(t, { ward: 'BE03', channels: ['email', 'sms'] });
      const [bothEmail, bothSms] = [await sent(both.id, 'email'), await sent(both.id, 'sms')];
      const erased = await makeResident(t, { ward: 'BE03', channels: ['email'], status: 'erased' });
      const erasedDelivery = await sent(erased.id);
      const goneDelivery = await sent((await makeResident(t, { ward: 'BE03', channels: ['email'] })).id);
      await t.sql('DELETE FROM delivery WHERE id = $1', [goneDelivery]);
      const expired = t.app.get(LinkTokenService).signCompact('rate', BigInt(raters[0].delivery).toString(36), -60);
      const tampered = ratingToken(t, raters[1].delivery).slice(0, -1) + (ratingToken(t, raters[1].delivery).endsWith('A') ? 'B' : 'A');

      const post = (token: string, body: Record<string, unknown>) => t.http().post(`/r/${token}`).set('Accept', 'application/json').send(body);
      const [ok, viaEmail, viaSms, erasedRes, goneRes, expiredRes, tamperedRes] = await Promise.all([
        Promise.all(raters.map((r) => post(ratingToken(t, r.delivery), r.comment === null ? { score: r.score } : { score: r.score, comment: r.comment }))),
        post(ratingToken(t, bothEmail), { score: 2 }),
        post(ratingToken(t, bothSms), { score: 5, comment: 'By text' }),
        post(ratingToken(t, erasedDelivery), { score: 3 }),
        post(ratingToken(t, goneDelivery), { score: 3 }),
        post(expired, { score: 3 }),
        post(tampered, { score: 3 }),
      ]);
      ok.forEach((res, i) => {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ messageId, score: raters[i].score, comment: raters[i].comment });
      });
      expect([viaEmail.status, viaEmail.body]).toEqual([200, { messageId, score: 2, comment: null }]);
      expect([viaSms.status, viaSms.body]).toEqual([200, { messageId, score: 5, comment: 'By text' }]);
      expect([erasedRes.status, erasedRes.body.message]).toEqual([410, 'This link is no longer active']);
      expect([goneRes.status, goneRes.body.message]).toEqual([410, 'This message is no longer available']);
      expect([expiredRes.status, expiredRes.body.message]).toEqual([410, 'This link has expired']);
      expect([tamperedRes.status, tamperedRes.body.message]).toEqual([400, 'This link is not valid']);

      const stored = await ratingsOf(messageId);
      expect(stored.filter((r) => r.resident_id !== both.id)).toEqual(
        raters.map((r) => ({ resident_id: r.id, score: r.score, comment: r.comment })).sort((a, b) => byKey(a.resident_id, b.resident_id)),
      );
      const bothRow = stored.filter((r) => r.resident_id === both.id);
      expect(bothRow).toHaveLength(1);
      expect([{ resident_id: both.id, score: 2, comment: null }, { resident_id: both.id, score: 5, comment: 'By text' }]).toContainEqual(bothRow[0]);
      await t.sql('DELETE FROM rate_limit_bucket');
    });
  });
});
