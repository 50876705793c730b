import { beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { StaffService } from '@beacon/auth';
import { consoleAgent, csrfOf } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { compose, requestSend, waitStatus } from './utils/messages';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';
import type { Auth } from './utils/world';

/** Issue 23: images (alt text, EXIF stripped, resized once) and PDFs (no JavaScript) on messages. */
describe('message attachments', () => {
  const { t, smtp } = useSuite({ smtp: true, geography: true, env: { FORCE_NAME: 'West Midlands Police' } });
  let admin: Auth;
  let ecoBE: Auth;
  let ecoSW: Auth;

  beforeAll(async () => {
    admin = (await loginAs(t, 'admin')).auth as Auth;
    ecoBE = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    ecoSW = (await loginAs(t, 'eco', 'SW')).auth as Auth;
  });

  /** A 1600×1000 JPEG whose EXIF carries a GPS position and a camera name. */
  const photoWithGps = () =>
    sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#b01010' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCam', Copyright: 'Resident' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 28/1 4/1', GPSLongitudeRef: 'W', GPSLongitude: '1/1 47/1 30/1' } })
      .toBuffer();
  /** The EXIF has a GPS IFD pointer (tag 0x8825), in either byte order. */
  const hasGps = (exif: Buffer | undefined) => !!exif && (exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25])));
  const pdf = (catalogExtra = '', extraObjects = '') =>
    Buffer.from(
      `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ${catalogExtra}>>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n${extraObjects}trailer\n<< /Root 1 0 R >>\n%%EOF\n`,
      'latin1',
    );
  const upload = (auth: Auth, messageId: string, bytes: Buffer, filename: string, contentType: string, alt?: string) => {
    const req = t.http().post(`/api/v1/messages/${messageId}/attachments`).set(...auth);
    if (alt !== undefined) req.field('alt', alt);
    return req.attach('file', bytes, { filename, contentType });
  };
  const counts = async () => (await t.sql<{ a: number; f: number }>('SELECT (SELECT count(*)::int FROM message_attachment) AS a, (SELECT count(*)::int FROM stored_file) AS f'))[0];
  const draft = async (auth = ecoBE, ward = 'BE01') => (await compose(t, auth, { audience: { wardCodes: [ward] } }).expect(201)).body.id as string;
  const mailTo = async (address: string) => {
    await smtp.waitFor(1);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = smtp.messages.find((x) => x.to.includes(address));
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('template → compose → image with GPS and a PDF → send: the e-mail has the image inline with its alt text and the PDF attached; the stored image has no EXIF; the web version shows both', async () => {
    const tpl = await t.http().post('/api/v1/templates').set(...admin).send({ name: 'Wanted', category: 'appeal', title: 'Wanted: {{name}}', body: 'Have you seen {{name}}? Call 101.' }).expect(201);
    const resident = await makeResident(t, { ward: 'BE03', channels: ['email'] });
    const msg = await compose(t, ecoBE, { title: undefined, body: undefined, templateId: tpl.body.id, fields: { name: 'John Doe' }, audience: { wardCodes: ['BE03'] } }).expect(201);
    const id = msg.body.id as string;

    const original = await photoWithGps();
    expect(hasGps((await sharp(original).metadata()).exif)).toBe(true); // the fixture does carry a location
    const img = await upload(ecoBE, id, original, 'IMG_0042.JPG', 'image/jpeg', 'A man in a red coat by a bus stop').expect(201);
    expect(img.body).toMatchObject({ kind: 'image', contentType: 'image/jpeg', filename: 'IMG_0042.jpg', altText: 'A man in a red coat by a bus stop', width: 1200, height: 750 });
    const poster = await upload(ecoBE, id, pdf(), 'appeal poster.pdf', 'application/pdf', 'Appeal poster').expect(201);
    expect(poster.body).toMatchObject({ kind: 'pdf', contentType: 'application/pdf', filename: 'appeal_poster.pdf', altText: 'Appeal poster', width: null });

    // The stored bytes: the e-mail rendition, with no EXIF (no GPS) and no other metadata.
    const [stored] = await t.sql<{ bytes: Buffer; content_type: string }>(
      `SELECT f.bytes, f.content_type FROM message_attachment a JOIN stored_file f ON f.id = a.file_id WHERE a.id = $1`,
      [img.body.id],
    );
    const meta = await sharp(stored.bytes).metadata();
    expect({ type: stored.content_type, format: meta.format, width: meta.width, height: meta.height, exif: meta.exif, xmp: meta.xmp, gps: hasGps(stored.bytes) }).toEqual({
      type: 'image/jpeg',
      format: 'jpeg',
      width: 1200,
      height: 750,
      exif: undefined,
      xmp: undefined,
      gps: false,
    });

    const detail = await t.http().get(`/api/v1/messages/${id}`).set(...ecoBE).expect(200);
    expect(detail.body.attachments.map((a: { id: string; kind: string }) => [a.id, a.kind])).toEqual([
      [img.body.id, 'image'],
      [poster.body.id, 'pdf'],
    ]);
    expect(detail.body.attachments[0]).not.toHaveProperty('fileId');

    await requestSend(t, ecoBE, id);
    await waitStatus(t, id, 'sent');
    const mail = await mailTo(resident.email!);
    expect(mail.parsed.subject).toBe('Wanted: John Doe');
    const inline = mail.parsed.attachments.find((a) => a.contentType === 'image/jpeg')!;
    const attached = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect({ cid: inline.cid, related: inline.related, same: inline.content.equals(stored.bytes) }).toEqual({ cid: `img-${img.body.id}@beacon.test`, related: true, same: true });
    // mailparser turns cid: links into data: URIs unless told to keep them.
    const html = (await simpleParser(mail.raw, { keepCidLinks: true })).html as string;
    expect(html).toContain(`<img src="cid:img-${img.body.id}@beacon.test" alt="A man in a red coat by a bus stop"`);
    expect(mail.parsed.text).toContain('[Image: A man in a red coat by a bus stop]');
    expect({ name: attached.filename, disposition: attached.contentDisposition, same: attached.content.equals(pdf()) }).toEqual({ name: 'appeal_poster.pdf', disposition: 'attachment', same: true });

    // The web version shows the image (served under the public token) and links the PDF.
    const webPath = /http:\/\/beacon\.test(\/m\/[A-Za-z0-9._-]+)/.exec(mail.parsed.text ?? '')![1];
    const page = await t.http().get(webPath).expect(200);
    const src = `${webPath}/files/${img.body.id}`;
    expect(page.text).toContain(`<img class="beacon-message-image" src="${src}" alt="A man in a red coat by a bus stop" width="1200" height="750" data-image>`);
    expect(page.text).toContain(`href="${webPath}/files/${poster.body.id}"`);
    expect(page.text).toContain(`<meta property="og:image" content="http://beacon.test${src}">`);
    const served = await t.http().get(src).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect({ type: served.headers['content-type'], nosniff: served.headers['x-content-type-options'], csp: served.headers['content-security-policy'], same: (served.body as Buffer).equals(stored.bytes) }).toEqual({
      type: 'image/jpeg',
      nosniff: 'nosniff',
      csp: "default-src 'none'; sandbox",
      same: true,
    });
    const file = await t.http().get(`${webPath}/files/${poster.body.id}`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe('attachment; filename="appeal_poster.pdf"');
    // Another message's attachment id under this token is not found; a sent message's attachments stay.
    await t.http().get(`${webPath}/files/00000000-0000-4000-8000-000000000000`).expect(404);
    const removed = await t.http().delete(`/api/v1/messages/${id}/attachments/${img.body.id}`).set(...ecoBE).expect(409);
    expect(removed.body).toMatchObject({ statusCode: 409 });
    await upload(ecoBE, id, original, 'again.jpg', 'image/jpeg', 'Again').expect(409);
  }, 90_000);

  it('a disguised file (text named .jpg, a PNG named .jpg, a PDF declared as an image) is a 400 and nothing is stored', async () => {
    const id = await draft();
    const before = await counts();
    const text = await upload(ecoBE, id, Buffer.from('this is not a picture at all\n'.repeat(20)), 'suspect.jpg', 'image/jpeg', 'Suspect').expect(400);
    expect(text.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(text.body.message).toMatch(/JPEG, PNG or WebP image or a PDF/);
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } }).png().toBuffer();
    const renamed = await upload(ecoBE, id, png, 'suspect.jpg', 'image/jpeg', 'Suspect').expect(400);
    expect(renamed.body.message).toBe('The file claims to be image/jpeg but its contents are image/png');
    await upload(ecoBE, id, pdf(), 'poster.png', 'image/png', 'Poster').expect(400);
    // A truncated JPEG: the right magic bytes, no image behind them.
    const photo = await photoWithGps();
    await upload(ecoBE, id, photo.subarray(0, 400), 'cut.jpg', 'image/jpeg', 'Cut').expect(400);
    expect(await counts()).toEqual(before);
  });

  it('an image without alt text is a 400 and nothing is stored', async () => {
    const id = await draft();
    const before = await counts();
    const photo = await photoWithGps();
    const res = await upload(ecoBE, id, photo, 'photo.jpg', 'image/jpeg').expect(400);
    expect(res.body.message).toMatch(/alt text/);
    await upload(ecoBE, id, photo, 'photo.jpg', 'image/jpeg', '   ').expect(400);
    expect(await counts()).toEqual(before);
  });

  it('a PDF with JavaScript or other active content is a 400 and nothing is stored, however it is written', async () => {
    const id = await draft();
    const before = await counts();
    const js = '/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ';
    const plain = await upload(ecoBE, id, pdf(js), 'poster.pdf', 'application/pdf').expect(400);
    expect(plain.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(plain.body.message).toBe('PDFs with JavaScript or other active content cannot be attached (found /JS, /JavaScript)');
    // Name escapes: /J#53 is /JS, /#41A is /AA.
    expect((await upload(ecoBE, id, pdf('/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> '), 'a.pdf', 'application/pdf').expect(400)).body.message).toContain('/JS');
    expect((await upload(ecoBE, id, pdf('/#41A << /O 3 0 R >> '), 'b.pdf', 'application/pdf').expect(400)).body.message).toContain('/AA');
    // Script hidden in a compressed object stream (PDF 1.5+).
    const hidden = deflateSync(Buffer.from('<< /S /JavaScript /JS (app.alert(1)) >>'));
    const objStm = Buffer.concat([Buffer.from(`3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${hidden.length} >>\nstream\n`, 'latin1'), hidden, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    const withStream = Buffer.concat([pdf().subarray(0, pdf().indexOf('trailer')), objStm, Buffer.from('trailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]);
    expect((await upload(ecoBE, id, withStream, 'c.pdf', 'application/pdf').expect(400)).body.message).toContain('/JavaScript');
    await upload(ecoBE, id, pdf('/Encrypt 5 0 R '), 'd.pdf', 'application/pdf').expect(400);
    expect(await counts()).toEqual(before);
    // An ordinary PDF (an /OpenAction that only opens a page is fine) is kept.
    await upload(ecoBE, id, pdf('/OpenAction [2 0 R /Fit] '), 'ok.pdf', 'application/pdf').expect(201);
  });

  it('a file over 5 MB is a 413 and nothing is stored', async () => {
    const id = await draft();
    const before = await counts();
    const big = Buffer.concat([pdf(), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const res = await upload(ecoBE, id, big, 'big.pdf', 'application/pdf').expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(await counts()).toEqual(before);
  });

  it('at most 4 images and 2 PDFs; another NPU cannot add or remove; removal while a draft deletes the file; no multipart is a 400', async () => {
    const id = await draft();
    const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a0' } }).webp().toBuffer();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await upload(ecoBE, id, small, `p${i}.webp`, 'image/webp', `Picture ${i}`).expect(201)).body.id);
    expect((await upload(ecoBE, id, small, 'p5.webp', 'image/webp', 'One too many').expect(400)).body.message).toBe('A message can carry at most 4 images');
    await upload(ecoBE, id, pdf(), 'a.pdf', 'application/pdf').expect(201);
    await upload(ecoBE, id, pdf(), 'b.pdf', 'application/pdf').expect(201);
    await upload(ecoBE, id, pdf(), 'c.pdf', 'application/pdf').expect(400);

    const before = await counts();
    await upload(ecoSW, id, small, 'x.webp', 'image/webp', 'Not mine').expect(403);
    await t.http().delete(`/api/v1/messages/${id}/attachments/${ids[0]}`).set(...ecoSW).expect(403);
    expect(await counts()).toEqual(before);
    await t.http().delete(`/api/v1/messages/${id}/attachments/${ids[0]}`).set(...ecoBE).expect(204);
    expect(await counts()).toEqual({ a: before.a - 1, f: before.f - 1 });
    await t.http().delete(`/api/v1/messages/${id}/attachments/${ids[0]}`).set(...ecoBE).expect(404);
    // A JSON body, or a form without a file: 400.
    const json = await t.http().post(`/api/v1/messages/${id}/attachments`).set(...ecoBE).send({ alt: 'x' }).expect(400);
    expect(json.body.message).toMatch(/multipart\/form-data/);
    await t.http().post(`/api/v1/messages/${id}/attachments`).set(...ecoBE).field('alt', 'no file').expect(400);
    await t.http().post(`/api/v1/messages/${id}/attachments`).set(...ecoBE).attach('other', small, 'x.webp').expect(400);
  });

  it('console: a draft\'s pictures page adds a picture with its description (post/redirect/get), shows the error summary for a refused file, and needs the CSRF token', async () => {
    await t.app.get(StaffService).create({ email: 'eco@attachments.test', name: 'Erin Eco', password: 'console-attachments-password-1', role: 'eco', npuCode: 'BE' });
    const { agent } = await consoleAgent(t, 'eco@attachments.test', 'console-attachments-password-1');
    const id = await draft();
    const page = await agent.get(`/console/messages/${id}/attachments`).expect(200);
    const csrf = csrfOf(page.text);
    expect(page.text).toContain('This message has no pictures or files.');
    const photo = await photoWithGps();
    const before = await counts();
    // No description: 400, the error summary names the field, nothing stored.
    const noAlt = await agent.post(`/console/messages/${id}/attachments`).field('csrfToken', csrf).attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' }).expect(400);
    expect(noAlt.text).toContain('govuk-error-summary');
    expect(noAlt.text).toContain('href="#alt"');
    const text = await agent.post(`/console/messages/${id}/attachments`).field('csrfToken', csrf).field('alt', 'x').attach('file', Buffer.from('not an image'), { filename: 'p.jpg', contentType: 'image/jpeg' }).expect(400);
    expect(text.text).toContain('href="#file"');
    await agent.post(`/console/messages/${id}/attachments`).field('alt', 'No token').attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' }).expect(403);
    expect(await counts()).toEqual(before);
    const added = await agent.post(`/console/messages/${id}/attachments`).field('csrfToken', csrf).field('alt', 'A blue bicycle').attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' }).expect(303);
    expect(added.headers.location).toBe(`/console/messages/${id}/attachments?done=added`);
    const after = await agent.get(added.headers.location).expect(200);
    expect(after.text).toContain('alt="A blue bicycle"');
    expect((await agent.get(`/console/messages/${id}`).expect(200)).text).toContain('Picture: A blue bicycle');
  }, 60_000);
});
