import { describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { buildMime, encodeHeaderValue, MimeError, parseMailbox, prepareMimePart } from './mime';

describe('buildMime', () => {
  it('builds a multipart/alternative message that a mail parser reads back exactly', async () => {
    const subject = 'Burglaries in Hodge Hill — “be alert” ' + 'é'.repeat(80);
    const text = 'Line one\nLine two — with ünïcödé and a link https://example.org/a?b=c\n.\n.leading dot';
    const html = '<p>Hello &amp; welcome</p>'.repeat(50);
    const built = buildMime({
      from: 'Beacon Police <no-reply@beacon.example>',
      to: 'resident@example.org',
      subject,
      text,
      html,
      headers: { 'List-Unsubscribe': '<https://beacon.example/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Beacon-Delivery': '42' },
    });
    for (const line of built.raw.toString('utf8').split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(built.envelope).toEqual({ from: 'no-reply@beacon.example', to: ['resident@example.org'] });
    const parsed = await simpleParser(built.raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(parsed.messageId).toBe(built.messageId);
    expect(built.messageId).toMatch(/^<[0-9a-f-]{36}@beacon\.example>$/);
    expect(parsed.from?.value).toEqual([{ name: 'Beacon Police', address: 'no-reply@beacon.example' }]);
    const list = parsed.headers.get('list') as { unsubscribe: { url: string }; 'unsubscribe-post': { name: string } };
    expect(list.unsubscribe.url).toBe('https://beacon.example/u/abc');
    expect(list['unsubscribe-post'].name).toBe('List-Unsubscribe=One-Click');
    expect(parsed.headers.get('x-beacon-delivery')).toBe('42');
    expect(parsed.date?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('inline images go with the HTML in multipart/related, files in multipart/mixed; parts prepared once are reused byte for byte', async () => {
    const image = Buffer.alloc(3000, 7);
    const pdf = Buffer.from('%PDF-1.4\n%fake\n');
    const inline = [prepareMimePart({ contentType: 'image/jpeg', bytes: image, filename: 'photo-1.jpg', contentId: 'img1.abc@beacon.example' })];
    const attachments = [prepareMimePart({ contentType: 'application/pdf', bytes: pdf, filename: 'poster.pdf' })];
    const html = '<p>Have you seen him?</p><img src="cid:img1.abc@beacon.example" alt="A man in a red coat">';
    const one = buildMime({ from: 'a@b.example', to: 'c@d.example', subject: 'Appeal', text: 'Have you seen him?', html, inline, attachments });
    const two = buildMime({ from: 'a@b.example', to: 'e@f.example', subject: 'Appeal', text: 'Have you seen him?', html, inline, attachments });
    for (const line of one.raw.toString('utf8').split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(one.raw.includes(inline[0].bytes)).toBe(true);
    expect(two.raw.includes(inline[0].bytes)).toBe(true);
    const raw = one.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/mixed;/);
    expect(raw).toMatch(/Content-Type: multipart\/related; type="multipart\/alternative";/);
    const parsed = await simpleParser(one.raw);
    expect(parsed.html).toContain('alt="A man in a red coat"');
    expect(parsed.text).toBe('Have you seen him?');
    const [img, file] = parsed.attachments;
    expect({ type: img.contentType, cid: img.cid, related: img.related, same: img.content.equals(image) }).toEqual({ type: 'image/jpeg', cid: 'img1.abc@beacon.example', related: true, same: true });
    expect({ type: file.contentType, name: file.filename, disposition: file.contentDisposition, same: file.content.equals(pdf) }).toEqual({ type: 'application/pdf', name: 'poster.pdf', disposition: 'attachment', same: true });
  });

  it('a prepared part cannot carry a header: unsafe names and types are refused', () => {
    const bytes = Buffer.from('x');
    expect(() => prepareMimePart({ contentType: 'image/jpeg', bytes, filename: 'a"\r\nBcc: x@y.example' })).toThrow(MimeError);
    expect(() => prepareMimePart({ contentType: 'image/jpeg\r\nX: y', bytes, filename: 'a.jpg' })).toThrow(MimeError);
    expect(() => prepareMimePart({ contentType: 'image/jpeg', bytes, filename: 'a.jpg', contentId: 'a>\r\nX: y' })).toThrow(MimeError);
  });

  it('a text-only message is a single text/plain part', async () => {
    const parsed = await simpleParser(buildMime({ from: 'a@b.example', to: 'c@d.example', subject: 'Hi', text: 'Just text' }).raw);
    expect(parsed.text).toBe('Just text\n'.trimEnd());
    expect(parsed.html).toBe(false);
  });

  it('no value can add a header: CR/LF and controls are encoded', async () => {
    const evil = 'Hello\r\nBcc: victim@example.org\r\n\r\nbody';
    expect(encodeHeaderValue(evil)).not.toMatch(/\r\n(?! )/);
    const built = buildMime({ from: 'a@b.example', to: 'c@d.example', subject: evil, text: 'x', headers: { 'X-Test': evil } });
    const parsed = await simpleParser(built.raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.subject).toBe(evil);
    expect(() => buildMime({ from: 'a@b.example', to: 'c@d.example\r\nBcc: x@y.example', subject: 's', text: 'x' })).toThrow(/Not an e-mail address/);
    expect(() => buildMime({ from: 'a@b.example', to: 'c@d.example', subject: 's', text: 'x', headers: { 'Bad:Name': 'v' } })).toThrow(/Not a header name/);
    expect(() => buildMime({ from: 'a@b.example', to: 'c@d.example', subject: 's', text: 'x', headers: { Bcc: 'x@y.example' } })).toThrow(/Not a header name/);
  });

  it('Reply-To is a checked header and the return path the envelope sender (VERP)', () => {
    const m = buildMime({ from: 'Beacon <no-reply@beacon.example>', to: 'r@res.example', subject: 's', text: 'x', replyTo: 'reply+abc.def.0123@reply.example', returnPath: 'bounce+abc.def.0123@bounce.example' });
    expect(m.raw.toString()).toMatch(/\r\nReply-To: reply\+abc\.def\.0123@reply\.example\r\n/);
    expect(m.envelope).toEqual({ from: 'bounce+abc.def.0123@bounce.example', to: ['r@res.example'] });
    expect(buildMime({ from: 'no-reply@beacon.example', to: 'r@res.example', subject: 's', text: 'x' }).envelope.from).toBe('no-reply@beacon.example');
    expect(() => buildMime({ from: 'a@b.example', to: 'c@d.example', subject: 's', text: 'x', replyTo: 'x@y.example\r\nBcc: z@w.example' })).toThrow(/Not an e-mail address/);
  });

  it('display names are quoted or encoded', () => {
    expect(parseMailbox('Beacon <no-reply@beacon.local>')).toEqual({ address: 'no-reply@beacon.local', header: '"Beacon" <no-reply@beacon.local>' });
    expect(parseMailbox('"West \\"Mids\\"" <x@y.example>').header).toBe('"West \\"Mids\\"" <x@y.example>');
    expect(parseMailbox('Pólice <x@y.example>').header).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <x@y\.example>$/);
    expect(parseMailbox('plain@example.org')).toEqual({ address: 'plain@example.org', header: 'plain@example.org' });
    expect(parseMailbox('o\'brien@exämple.com').address).toBe("o'brien@xn--exmple-cua.com"); // IDN domain as punycode
    expect(parseMailbox('"a b"@example.org').address).toBe('"a b"@example.org');
    for (const bad of ['no-at-sign', '@example.org', 'a@', 'a b@example.org', 'a@exa mple.org', 'a@-bad-.org', 'a@b@c.org']) {
      expect(() => parseMailbox(bad)).toThrow(/Not an e-mail address/);
    }
  });
});

describe('SmtpEmailTransport', () => {
  it('a message that cannot be written is a permanent failure, never retried', async () => {
    const { SmtpEmailTransport } = await import('./smtp-email.transport');
    const transport = new SmtpEmailTransport('smtp://127.0.0.1:9', 'Beacon <no-reply@beacon.local>');
    await expect(transport.send({ to: 'not an address', subject: 's', text: 't' })).rejects.toMatchObject({ name: 'ProviderError', kind: 'permanent' });
    await transport.close();
  });
});
