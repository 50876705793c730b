// Minimal counting sinks for the benchmark: a real SMTP server and a Twilio REST stub.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpCounter {
  url: string;
  count: () => number;
  /** Resolves with the time (performance.now()) the next DATA arrives after this call. */
  nextData: (timeoutMs: number) => Promise<number>;
  /** Resolves with the whole of the next message accepted after this call, as it arrived (the raw limit resends these bytes). */
  captureNext: () => Promise<Buffer>;
  close: () => Promise<void>;
}

export async function smtpCounter(): Promise<SmtpCounter> {
  let n = 0;
  let waiting: ((at: number) => void) | null = null;
  let capture: ((message: Buffer) => void) | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      const at = performance.now();
      waiting?.(at);
      waiting = null;
      const keep = capture;
      capture = null;
      const chunks: Buffer[] = [];
      stream.on('data', keep ? (c: Buffer) => chunks.push(c) : () => undefined);
      stream.on('end', () => {
        n++;
        keep?.(Buffer.concat(chunks));
        cb(null, 'queued');
      });
    },
  });
  (server as unknown as { options: Record<string, unknown> }).options.maxAllowedUnauthenticatedCommands = 1_000_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  const nextData = (timeoutMs: number) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no e-mail reached the SMTP sink within ${timeoutMs} ms`)), timeoutMs);
      waiting = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
  const captureNext = () => new Promise<Buffer>((resolve) => (capture = resolve));
  return { url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, count: () => n, nextData, captureNext, close: () => new Promise((r) => server.close(() => r())) };
}

export async function twilioCounter(): Promise<{ env: Record<string, string>; count: () => number; captureNext: () => Promise<Record<string, string>>; close: () => Promise<void> }> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  let n = 0;
  let capture: ((form: Record<string, string>) => void) | null = null;
  const server = createServer((req, res) => {
    const keep = capture;
    capture = null;
    let body = '';
    req.on('data', keep ? (c: Buffer) => (body += c.toString()) : () => undefined);
    req.on('end', () => {
      n++;
      keep?.(Object.fromEntries(new URLSearchParams(body)));
      const sid = `SM${randomBytes(16).toString('hex')}`;
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sid, account_sid: accountSid, status: 'queued', error_code: null, num_segments: '1' }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    env: { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: '+447700900001', TWILIO_API_BASE_URL: `http://127.0.0.1:${port}` },
    count: () => n,
    /** The form of the next message request after this call (the raw limit sends the same body). */
    captureNext: () => new Promise<Record<string, string>>((resolve) => (capture = resolve)),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
