import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  to: string[];
  from: string;
  raw: string;
  /** Absent when the sink was started with `parse: false`. */
  parsed: ParsedMail;
}

export interface SmtpSinkOptions {
  /** Listen on this port (e.g. to come back on the port a test closed). Default: a free one. */
  port?: number;
  /** Hold each message this long before answering 250 (a slow relay). */
  delayMs?: number;
  /** Parse each message with mailparser (default true); bulk tests keep only the envelope. */
  parse?: boolean;
  /** Count into these maps instead of fresh ones: a sink closed and re-opened keeps one tally. */
  counts?: Map<string, number>;
  /** Answer no message before this settles (a relay that holds its first replies; see `received`). */
  holdUntil?: Promise<unknown>;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: CapturedMail[];
  /** Messages accepted per envelope recipient (lower-case). */
  counts: Map<string, number>;
  /** Messages accepted so far (also with `parse: false`). */
  readonly accepted: number;
  /** Messages whose data has arrived, answered or not yet (held by `holdUntil`). */
  readonly received: number;
  /** Reject the next messages with these SMTP reply codes (e.g. [451, 451] then accept). */
  failNext(codes: number[]): void;
  /** Reject every message to this address with this code. */
  rejectAddress(address: string, code: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** Stops listening at once; open connections get 421 to every new command and are closed within a second. */
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on loopback that keeps what it receives. */
export async function startSmtpSink(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const counts = opts.counts ?? new Map<string, number>();
  const failures: number[] = [];
  const rejected = new Map<string, number>();
  let accepted = 0;
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    // Open connections get 421 on their next command as soon as close() is called; this is
    // how long they may finish the message in hand before being cut.
    closeTimeout: 1000,
    onRcptTo(address, _session, cb) {
      const code = rejected.get(address.address.toLowerCase());
      // Worded as Postfix does: a bounce quotes the address.
      if (code) return cb(Object.assign(new Error(`<${address.address}>: Recipient address rejected: Mailbox unavailable`), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received++;
        if (opts.holdUntil) return void opts.holdUntil.then(() => finish());
        finish();
      });
      const finish = () => {
        const code = failures.shift();
        if (code) return cb(Object.assign(new Error(`Rejected by test (${code})`), { responseCode: code }));
        const to = (session.envelope.rcptTo || []).map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const raw = Buffer.concat(chunks).toString('utf8');
        const accept = (parsed?: ParsedMail) => {
          accepted++;
          for (const r of to) counts.set(r.toLowerCase(), (counts.get(r.toLowerCase()) ?? 0) + 1);
          messages.push({ to, from, raw: parsed ? raw : '', parsed: parsed as ParsedMail });
          cb(null, 'Message queued');
        };
        const delayed = (fn: () => void) => (opts.delayMs ? setTimeout(fn, opts.delayMs) : fn());
        delayed(() => {
          if (opts.parse === false) return accept();
          simpleParser(raw).then(accept, (err) => cb(err));
        });
      };
    },
  });
  // A client that dies mid-conversation (a worker killed by a test) resets its socket; smtp-server
  // re-emits that on the server, where an unheard 'error' would end the test process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    port,
    messages,
    counts,
    get accepted() {
      return accepted;
    },
    get received() {
      return received;
    },
    failNext: (codes) => failures.push(...codes),
    rejectAddress: (address, code) => rejected.set(address.toLowerCase(), code),
    waitFor: (count, timeoutMs = 45_000) => waitUntil(() => messages.length >= count, timeoutMs, `${count} e-mails (have ${messages.length})`).then(() => messages),
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
