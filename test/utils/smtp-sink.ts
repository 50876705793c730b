import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  to: string[];
  from: string;
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: CapturedMail[];
  /** Reject the next messages with these SMTP reply codes (e.g. [451, 451] then accept). */
  failNext(codes: number[]): void;
  /** Reject every message to this address with this code. */
  rejectAddress(address: string, code: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on loopback that keeps what it receives. */
export async function startSmtpSink(opts: { port?: number } = {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const failures: number[] = [];
  const rejected = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const code = rejected.get(address.address.toLowerCase());
      if (code) return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = failures.shift();
        if (code) return cb(Object.assign(new Error(`Rejected by test (${code})`), { responseCode: code }));
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              to: (session.envelope.rcptTo || []).map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              raw,
              parsed,
            });
            cb(null, 'Message queued');
          },
          (err) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    port,
    messages,
    failNext: (codes) => failures.push(...codes),
    rejectAddress: (address, code) => rejected.set(address.toLowerCase(), code),
    waitFor: (count, timeoutMs = 20_000) => waitUntil(() => messages.length >= count, timeoutMs, `${count} e-mails (have ${messages.length})`).then(() => messages),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
