import { describe, expect, it } from '@jest/globals';
import { readInboundMail } from './inbound-mail-reader';

const mime = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const TOKEN = 'abc123.tq0x1b.0123456789abcdef01234567';

describe('readInboundMail', () => {
  it('a DSN: action, status and diagnostic of the per-recipient block (base64 part too), addresses taken out, quoted tokens found', async () => {
    const status = Buffer.from('Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2\r\n mailbox of a@b.example full\r\n').toString('base64');
    const got = await readInboundMail(
      mime([
        'From: MAILER-DAEMON@mx.example',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=zz',
        '',
        '--zz',
        'Content-Type: text/plain',
        '',
        'Status: 2.0.0 (a human-readable part that must not be read as the status)',
        '--zz',
        'Content-Type: message/delivery-status',
        'Content-Transfer-Encoding: base64',
        '',
        status,
        '--zz',
        'Content-Type: text/rfc822-headers',
        '',
        `Return-Path: <bounce+${TOKEN}@bounce.example>`,
        '--zz--',
        '',
      ]),
    );
    expect(got).toMatchObject({ kind: 'dsn', action: 'failed', status: '5.2.2', diagnostic: 'smtp; 552 5.2.2 mailbox of <recipient> full', enclosedTokens: [`bounce+${TOKEN}@bounce.example`] });
  });

  it('an ARF report is a complaint; multipart/report of another type is read as mail', async () => {
    const arf = await readInboundMail(
      mime(['Content-Type: multipart/report; report-type=feedback-report; boundary="q"', '', '--q', 'Content-Type: message/feedback-report', '', 'Feedback-Type: abuse', '--q--', '']),
    );
    expect(arf).toMatchObject({ kind: 'complaint', feedbackType: 'abuse' });
    const other = await readInboundMail(mime(['Content-Type: multipart/report; report-type=disposition-notification; boundary="q"', '', '--q', 'Content-Type: text/plain', '', 'Read.', '--q--', '']));
    expect(other.kind).toBe('reply');
  });

  it('auto-replies by RFC 3834 and vendor headers; Auto-Submitted: no is a person', async () => {
    for (const header of ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-generated', 'X-Autoreply: yes', 'X-Autorespond: on', 'Precedence: bulk', 'Precedence: junk', 'Precedence: list']) {
      const got = await readInboundMail(mime(['From: a@b.example', header, 'Subject: Away', '', 'I am away.', '']));
      expect([header, got.kind]).toEqual([header, 'auto_reply']);
    }
    const person = await readInboundMail(mime(['From: a@b.example', 'Auto-Submitted: no', 'Subject: Re: hi', '', 'Thanks!', '']));
    expect(person).toMatchObject({ kind: 'reply', text: 'Thanks!' });
  });

  it('a reply: the new text only, thread ids, attachments named', async () => {
    const got = await readInboundMail(
      mime([
        'From: a@b.example',
        'Message-ID: <m1@b.example>',
        'References: <orig@beacon.example> <x@b.example>',
        'Content-Type: multipart/mixed; boundary=mm',
        '',
        '--mm',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'It was a blue car.',
        '',
        'On Tue, 1 Dec 2026, Beacon wrote:',
        '> Have you seen this car?',
        '--mm',
        'Content-Type: application/pdf; name="report.pdf"',
        'Content-Disposition: attachment; filename="report.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4').toString('base64'),
        '--mm--',
        '',
      ]),
    );
    expect(got).toMatchObject({ kind: 'reply', text: 'It was a blue car.', attachments: [{ filename: 'report.pdf', content: expect.any(Buffer) }], messageId: '<m1@b.example>', references: ['<orig@beacon.example>', '<x@b.example>'] });
  });
});
