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
  close: () => Promise<void>;
}

export async function smtpCounter(): Promise<SmtpCounter> {
  let n = 0;
  let waiting: ((at: number) => void) | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      const at = performance.now();
      waiting?.(at);
      waiting = null;
      stream.on('data', () => undefined);
      stream.on('end', () => {
        n++;
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
  return { url: `smtp://127.0.0.1:${port}?ignoreTLS=true`, count: () => n, nextData, close: () => new Promise((r) => server.close(() => r())) };
}

export async function twilioCounter(): Promise<{ env: Record<string, string>; count: () => number; close: () => Promise<void> }> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  let n = 0;
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      n++;
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
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
